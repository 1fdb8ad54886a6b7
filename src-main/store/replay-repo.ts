import type { DocType, FieldName, RouteAction, RuleResult, TextSource } from '../../src-shared/document-model.ts';
import type { Db } from './database.ts';

/** A processed document as the engine concluded it, before any reviewer touched it, and what the reviewer then decided. */
export type RecordedConclusion = {
  id: number;
  sha256: string | null;
  docType: DocType;
  docTypeScore: number;
  textSource: TextSource | null;
  /** The route recorded when the document was processed (null for documents from before routes were kept). */
  route: { action: RouteAction; policyVersion: string } | null;
  /** The engine's own readings (not reviewers'), oldest first. */
  fields: { field: FieldName; value: string; confidence: number; pageNo: number | null; note: string | null }[];
  rules: { id: string; passed: boolean; detail: string; severity?: NonNullable<RuleResult['severity']> }[];
  /** The last decision that was neither undone nor superseded. */
  decision: 'approve' | 'correct' | 'reject' | null;
};

/** The SQL policy replay reads: every processed document's recorded conclusion, in the order they were added. */
export class ReplayRepo {
  constructor(private readonly db: Db) {}

  conclusions(): RecordedConclusion[] {
    const docs = this.db
      .prepare<[], { id: number; sha256: string | null; doc_type: DocType; doc_type_score: number; text_source: TextSource | null; route_action: RouteAction | null; policy_version: string | null }>(
        `SELECT id, sha256, doc_type, doc_type_score, text_source, route_action, policy_version FROM documents WHERE status = 'processed' AND doc_type IS NOT NULL ORDER BY id`,
      )
      .all();
    const fields = this.db.prepare<[number], { field: FieldName; value: string; confidence: number; page_no: number | null; note: string | null }>(
      `SELECT field, value, confidence, page_no, note FROM extractions WHERE document_id = ? AND source != 'reviewer' ORDER BY id`,
    );
    const rules = this.db.prepare<[number], { rule_id: string; passed: number; severity: NonNullable<RuleResult['severity']> | null; detail: string }>('SELECT rule_id, passed, severity, detail FROM rule_results WHERE document_id = ? ORDER BY id');
    const decision = this.db.prepare<[number], { action: RecordedConclusion['decision'] }>(`SELECT action FROM decisions WHERE document_id = ? AND undone_at IS NULL AND superseded = 0 ORDER BY id DESC LIMIT 1`);
    return docs.map((d) => ({
      id: d.id,
      sha256: d.sha256,
      docType: d.doc_type,
      docTypeScore: d.doc_type_score,
      textSource: d.text_source,
      route: d.route_action ? { action: d.route_action, policyVersion: d.policy_version ?? '' } : null,
      fields: fields.all(d.id).map((f) => ({ field: f.field, value: f.value, confidence: f.confidence, pageNo: f.page_no, note: f.note })),
      rules: rules.all(d.id).map((r) => ({ id: r.rule_id, passed: r.passed === 1, detail: r.detail, ...(r.severity ? { severity: r.severity } : {}) })),
      decision: decision.get(d.id)?.action ?? null,
    }));
  }
}
