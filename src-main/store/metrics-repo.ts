import type { Db } from './database.ts';

/** A half-open time range [from, to) in ISO strings; `from` null means from the beginning. */
export interface TimeRange {
  from: string | null;
  to: string;
}

export interface FinishedDocument {
  at: string;
  status: 'processed' | 'failed';
  routeAction: string | null;
  docType: string | null;
  modelVersion: string | null;
  policyVersion: string | null;
  timingsMs: Record<string, number>;
  errorCode: string | null;
  /** The stage whose run failed; 'ingest' for a file that never got a stage run. */
  failedStage: string | null;
}

export interface TextRun {
  at: string;
  engine: string | null;
  status: 'ok' | 'failed';
  durationMs: number;
  pages: number;
  modelVersion: string | null;
  policyVersion: string | null;
}

export interface ClassifiedDocument {
  at: string;
  label: string;
  score: number;
  modelVersion: string;
  modelSha256: string;
  executionProvider: string;
  policyVersion: string | null;
  /** Engines and providers of the document's OCR-read pages (empty for text-layer documents). */
  ocrEngines: string[];
  ocrProviders: string[];
}

export interface ReviewDecision {
  at: string;
  action: 'approve' | 'correct' | 'reject';
  timeSpentMs: number | null;
  qaSampled: boolean;
  docType: string | null;
  /** The vendor as the machine read it (not the reviewer's correction). */
  vendor: string | null;
  modelVersion: string | null;
  policyVersion: string | null;
  changedFields: string[];
  /** Fields the machine extracted for the document. */
  machineFields: string[];
}

const inRange = (col: string, r: TimeRange) => (r.from ? `${col} >= @from AND ${col} < @to` : `${col} < @to`);
const params = (r: TimeRange): Record<string, string> => (r.from ? { from: r.from, to: r.to } : { to: r.to });
const list = (s: string | null): string[] => (s ? (JSON.parse(s) as (string | null)[]).filter((v): v is string => typeof v === 'string') : []);

/**
 * The SQL behind insights: what the pipeline and the reviewers already recorded, read per time range.
 * Nothing is written per document for metrics; they are computed from the store when asked.
 */
export class MetricsRepo {
  constructor(private readonly db: Db) {}

  finishedDocuments(r: TimeRange): FinishedDocument[] {
    const rows = this.db
      .prepare<Record<string, string>, { at: string; status: 'processed' | 'failed'; route_action: string | null; doc_type: string | null; model_version: string | null; policy_version: string | null; timings_json: string | null; error_code: string | null; failed_stage: string | null }>(
        `SELECT d.updated_at AS at, d.status, d.route_action, d.doc_type, json_extract(d.model_json, '$.version') AS model_version, d.policy_version, d.timings_json, d.error_code,
                CASE WHEN d.status = 'failed' THEN coalesce((SELECT s.stage FROM stage_runs s WHERE s.document_id = d.id AND s.status = 'failed' ORDER BY s.id DESC LIMIT 1), 'ingest') END AS failed_stage
           FROM documents d WHERE d.status IN ('processed', 'failed') AND ${inRange('d.updated_at', r)}`,
      )
      .all(params(r));
    return rows.map((d) => ({
      at: d.at,
      status: d.status,
      routeAction: d.route_action,
      docType: d.doc_type,
      modelVersion: d.model_version,
      policyVersion: d.policy_version,
      timingsMs: d.timings_json ? (JSON.parse(d.timings_json) as Record<string, number>) : {},
      errorCode: d.error_code,
      failedStage: d.failed_stage,
    }));
  }

  /** Documents added in the range, by status (a duplicate is a row of its own). */
  ingestedByStatus(r: TimeRange): Record<string, number> {
    const rows = this.db.prepare<Record<string, string>, { status: string; n: number }>(`SELECT status, count(*) AS n FROM documents WHERE ${inRange('created_at', r)} GROUP BY status`).all(params(r));
    return Object.fromEntries(rows.map((x) => [x.status, x.n]));
  }

  pendingCount(): number {
    return this.db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM documents WHERE status = 'pending'`).get()!.n;
  }

  /** The earliest record time, to give `all` a span. */
  firstActivity(): string | null {
    return this.db.prepare<[], { at: string | null }>('SELECT min(created_at) AS at FROM documents').get()?.at ?? null;
  }

  textRuns(r: TimeRange): TextRun[] {
    return this.db
      .prepare<Record<string, string>, { at: string; engine: string | null; status: 'ok' | 'failed'; duration_ms: number; pages: number | null; model_version: string | null; policy_version: string | null }>(
        `SELECT s.started_at AS at, s.engine, s.status, s.duration_ms, d.page_count AS pages, json_extract(d.model_json, '$.version') AS model_version, d.policy_version
           FROM stage_runs s JOIN documents d ON d.id = s.document_id WHERE s.stage = 'text' AND ${inRange('s.started_at', r)}`,
      )
      .all(params(r))
      .map((x) => ({ at: x.at, engine: x.engine, status: x.status, durationMs: x.duration_ms, pages: x.pages ?? 0, modelVersion: x.model_version, policyVersion: x.policy_version }));
  }

  classified(r: TimeRange): ClassifiedDocument[] {
    return this.db
      .prepare<Record<string, string>, { at: string; label: string; score: number; model_version: string; model_sha256: string; execution_provider: string; policy_version: string | null; engines: string | null; providers: string | null }>(
        `SELECT p.created_at AS at, p.label, p.score, p.model_version, p.model_sha256, p.execution_provider, d.policy_version,
                (SELECT json_group_array(DISTINCT g.engine) FROM pages g WHERE g.document_id = p.document_id AND g.source = 'ocr') AS engines,
                (SELECT json_group_array(DISTINCT g.execution_provider) FROM pages g WHERE g.document_id = p.document_id AND g.source = 'ocr') AS providers
           FROM predictions p JOIN documents d ON d.id = p.document_id WHERE p.kind = 'doc_type' AND ${inRange('p.created_at', r)}`,
      )
      .all(params(r))
      .map((x) => ({
        at: x.at,
        label: x.label,
        score: x.score,
        modelVersion: x.model_version,
        modelSha256: x.model_sha256,
        executionProvider: x.execution_provider,
        policyVersion: x.policy_version,
        ocrEngines: list(x.engines),
        ocrProviders: list(x.providers),
      }));
  }

  /** Decisions in force (not undone, not superseded) made in the range. */
  decisions(r: TimeRange): ReviewDecision[] {
    return this.db
      .prepare<Record<string, string>, { at: string; action: ReviewDecision['action']; time_spent_ms: number | null; qa_sampled: number; doc_type: string | null; vendor: string | null; model_version: string | null; policy_version: string | null; changed: string | null; machine: string | null }>(
        `SELECT c.created_at AS at, c.action, c.time_spent_ms, t.qa_sampled, d.doc_type,
                (SELECT e.value FROM extractions e WHERE e.document_id = c.document_id AND e.field = 'vendor' AND e.decision_id IS NULL ORDER BY e.id LIMIT 1) AS vendor,
                coalesce(json_extract(c.model_json, '$.version'), json_extract(d.model_json, '$.version')) AS model_version,
                coalesce(c.policy_version, t.policy_version) AS policy_version,
                (SELECT json_group_array(DISTINCT j.value ->> '$.field') FROM json_each(c.changes_json) j) AS changed,
                (SELECT json_group_array(DISTINCT e.field) FROM extractions e WHERE e.document_id = c.document_id AND e.decision_id IS NULL) AS machine
           FROM decisions c JOIN tasks t ON t.id = c.task_id JOIN documents d ON d.id = c.document_id
          WHERE c.undone_at IS NULL AND c.superseded = 0 AND ${inRange('c.created_at', r)}`,
      )
      .all(params(r))
      .map((x) => ({
        at: x.at,
        action: x.action,
        timeSpentMs: x.time_spent_ms,
        qaSampled: x.qa_sampled === 1,
        docType: x.doc_type,
        vendor: x.vendor,
        modelVersion: x.model_version,
        policyVersion: x.policy_version,
        changedFields: list(x.changed),
        machineFields: list(x.machine),
      }));
  }

  /** OCR-read pages of documents finished in the range, per hour, model and policy version, by the engine and execution provider that read them. */
  ocrPages(r: TimeRange): { at: string; modelVersion: string | null; policyVersion: string | null; engine: string; provider: string | null; pages: number }[] {
    return this.db
      .prepare<Record<string, string>, { at: string; model_version: string | null; policy_version: string | null; engine: string; provider: string | null; pages: number }>(
        `SELECT substr(d.updated_at, 1, 13) || ':00:00.000Z' AS at, json_extract(d.model_json, '$.version') AS model_version, d.policy_version, g.engine, g.execution_provider AS provider, count(*) AS pages
           FROM pages g JOIN documents d ON d.id = g.document_id
          WHERE g.source = 'ocr' AND ${inRange('d.updated_at', r)} GROUP BY 1, 2, 3, 4, 5`,
      )
      .all(params(r))
      .map((x) => ({ at: x.at, modelVersion: x.model_version, policyVersion: x.policy_version, engine: x.engine, provider: x.provider, pages: x.pages }));
  }

  /** The model and policy of the most recent classification: what the device runs now, as recorded. */
  latestModel(): { name: string; version: string; sha256: string; policyVersion: string | null } | null {
    const r = this.db
      .prepare<[], { name: string; version: string; sha256: string; policy_version: string | null }>(
        `SELECT p.model_name AS name, p.model_version AS version, p.model_sha256 AS sha256, d.policy_version FROM predictions p JOIN documents d ON d.id = p.document_id ORDER BY p.id DESC LIMIT 1`,
      )
      .get();
    return r ? { name: r.name, version: r.version, sha256: r.sha256, policyVersion: r.policy_version } : null;
  }

  /** Creation times of the open review tasks, oldest first. */
  openTaskTimes(): string[] {
    return this.db
      .prepare<[], { created_at: string }>(`SELECT created_at FROM tasks WHERE status = 'open' ORDER BY created_at`)
      .all()
      .map((x) => x.created_at);
  }
}
