import type { Decision, Task } from '../../src-shared/contract/tasks.ts';
import type { DocType, ModelInfo } from '../../src-shared/document-model.ts';
import type { Db } from './database.ts';
import { likeContains, Where } from './where.ts';

type TaskRow = {
  id: number;
  document_id: number;
  file_name: string;
  sha256: string | null;
  status: Task['status'];
  reasons_json: string;
  priority: number;
  doc_type: DocType | null;
  policy_version: string | null;
  model_json: string | null;
  batch_approvable: number;
  qa_sampled: number;
  origin: Task['origin'];
  created_at: string;
  decided_at: string | null;
  vendor: string | null;
  total: string | null;
  currency: string | null;
  decision: Task['decision'];
};

/** A task with what deciding it records beside the decision: the document's hash, the model and policy that routed it. */
export type DecidableTask = Task & { documentSha256: string | null; model: ModelInfo | null };

/** The most recent decision on a task that was not undone. */
export type LastDecision = { id: number; actor: string; createdAt: string; documentId: number; documentSha256: string | null };

const TASK_SELECT = `
  SELECT t.*, d.file_name, d.sha256, d.doc_type, d.model_json,
    (SELECT value FROM current_fields c WHERE c.document_id = t.document_id AND c.field = 'vendor') AS vendor,
    (SELECT value FROM current_fields c WHERE c.document_id = t.document_id AND c.field = 'total') AS total,
    (SELECT value FROM current_fields c WHERE c.document_id = t.document_id AND c.field = 'currency') AS currency,
    (SELECT action FROM decisions x WHERE x.task_id = t.id AND x.undone_at IS NULL ORDER BY x.id DESC LIMIT 1) AS decision
  FROM tasks t JOIN documents d ON d.id = t.document_id`;

function toTask(r: TaskRow): Task {
  return {
    id: r.id,
    documentId: r.document_id,
    fileName: r.file_name,
    status: r.status,
    reasons: JSON.parse(r.reasons_json) as string[],
    priority: r.priority,
    docType: r.doc_type,
    vendor: r.vendor,
    total: r.total,
    currency: r.currency,
    policyVersion: r.policy_version,
    batchApprovable: r.batch_approvable === 1,
    qaSampled: r.qa_sampled === 1,
    origin: r.origin,
    createdAt: r.created_at,
    decidedAt: r.decided_at,
    decision: r.decision,
  };
}

/** All SQL about review tasks, reviewers' decisions and the field values they correct. Callers own the transactions (the write door). */
export class TaskRepo {
  constructor(private readonly db: Db) {}

  get(id: number): Task | undefined {
    const row = this.db.prepare<[number], TaskRow>(`${TASK_SELECT} WHERE t.id = ?`).get(id);
    return row && toTask(row);
  }

  /** The task with the document hash, model and policy its decision is recorded with. */
  forDecision(id: number): DecidableTask | undefined {
    const row = this.db.prepare<[number], TaskRow>(`${TASK_SELECT} WHERE t.id = ?`).get(id);
    return row && { ...toTask(row), documentSha256: row.sha256, model: row.model_json ? (JSON.parse(row.model_json) as ModelInfo) : null };
  }

  create(t: { documentId: number; reasons: string[]; priority: number; policyVersion: string; batchApprovable: boolean; qaSampled: boolean; createdAt: string }): number {
    const r = this.db
      .prepare(`INSERT INTO tasks (document_id, status, reasons_json, priority, policy_version, batch_approvable, qa_sampled, created_at) VALUES (?, 'open', ?, ?, ?, ?, ?, ?)`)
      .run(t.documentId, JSON.stringify(t.reasons), t.priority, t.policyVersion, t.batchApprovable ? 1 : 0, t.qaSampled ? 1 : 0, t.createdAt);
    return Number(r.lastInsertRowid);
  }

  list(q: { offset: number; limit: number; status?: string; docType?: string; reason?: string; vendor?: string; minTotal?: number; maxTotal?: number; sort?: { field: string; direction: 'asc' | 'desc' } }): { items: Task[]; total: number } {
    const where = new Where()
      .when(q.status, 'status = @status', 'status')
      .when(q.docType, 'doc_type = @docType', 'docType')
      .when(q.reason, `reasons_json LIKE @reason ESCAPE '\\'`, 'reason', likeContains)
      .when(q.vendor, `lower(vendor) LIKE lower(@vendor) ESCAPE '\\'`, 'vendor', likeContains)
      .when(q.minTotal, 'CAST(total AS REAL) >= @minTotal', 'minTotal')
      .when(q.maxTotal, 'CAST(total AS REAL) <= @maxTotal', 'maxTotal');
    const col = { createdAt: 'id', priority: 'priority', total: 'CAST(total AS REAL)', vendor: 'vendor', docType: 'doc_type' }[q.sort?.field ?? 'createdAt'] ?? 'id';
    const dir = q.sort?.direction === 'asc' ? 'ASC' : 'DESC';
    const base = `SELECT * FROM (${TASK_SELECT}) ${where.sql}`;
    const total = (this.db.prepare(`SELECT count(*) AS n FROM (${base})`).get(where.params) as { n: number }).n;
    const rows = this.db.prepare<Record<string, unknown>, TaskRow>(`${base} ORDER BY ${col} ${dir}, id ${dir} LIMIT @limit OFFSET @offset`).all({ ...where.params, limit: q.limit, offset: q.offset });
    return { items: rows.map(toTask), total };
  }

  addDecision(d: { task: DecidableTask; action: Decision['action']; actor: string; reason: string | null; timeSpentMs: number | null; createdAt: string }): number {
    const r = this.db
      .prepare(`INSERT INTO decisions (task_id, document_id, action, actor, reason, changes_json, time_spent_ms, model_json, policy_version, created_at) VALUES (?, ?, ?, ?, ?, '[]', ?, ?, ?, ?)`)
      .run(d.task.id, d.task.documentId, d.action, d.actor, d.reason, d.timeSpentMs, d.task.model ? JSON.stringify(d.task.model) : null, d.task.policyVersion, d.createdAt);
    return Number(r.lastInsertRowid);
  }

  setDecisionChanges(decisionId: number, changes: Decision['changes']): void {
    this.db.prepare('UPDATE decisions SET changes_json = ? WHERE id = ?').run(JSON.stringify(changes), decisionId);
  }

  markDecided(taskId: number, at: string): void {
    this.db.prepare(`UPDATE tasks SET status = 'decided', decided_at = ? WHERE id = ?`).run(at, taskId);
  }

  /** Records a reviewer's value for a field; it supersedes the reading it replaces. Returns the value it replaced. */
  correctField(c: { documentId: number; field: string; value: string; decisionId: number; at: string }): string | null {
    const old = this.db.prepare<[number, string], { id: number; value: string }>('SELECT id, value FROM current_fields WHERE document_id = ? AND field = ?').get(c.documentId, c.field);
    const ins = this.db
      .prepare(`INSERT INTO extractions (document_id, field, value, confidence, source, decision_id, created_at) VALUES (?, ?, ?, 1, 'reviewer', ?, ?)`)
      .run(c.documentId, c.field, c.value, c.decisionId, c.at);
    if (old) this.db.prepare('UPDATE extractions SET superseded_by = ? WHERE id = ?').run(Number(ins.lastInsertRowid), old.id);
    return old?.value ?? null;
  }

  lastDecision(taskId: number): LastDecision | undefined {
    const r = this.db
      .prepare<[number], { id: number; actor: string; created_at: string; document_id: number; sha256: string | null }>(
        'SELECT x.id, x.actor, x.created_at, x.document_id, d.sha256 FROM decisions x JOIN documents d ON d.id = x.document_id WHERE x.task_id = ? AND x.undone_at IS NULL ORDER BY x.id DESC LIMIT 1',
      )
      .get(taskId);
    return r && { id: r.id, actor: r.actor, createdAt: r.created_at, documentId: r.document_id, documentSha256: r.sha256 };
  }

  /** Undoes a decision: the values it corrected count again, its own stay in history, withdrawn; the task reopens. */
  undoDecision(decision: LastDecision, taskId: number, at: string): void {
    const reviewerRows = this.db.prepare<[number], { id: number }>('SELECT id FROM extractions WHERE decision_id = ?').all(decision.id);
    for (const rr of reviewerRows) {
      this.db.prepare('UPDATE extractions SET superseded_by = NULL WHERE superseded_by = ?').run(rr.id);
      // Marked superseded by itself, so it no longer counts.
      this.db.prepare('UPDATE extractions SET superseded_by = id WHERE id = ?').run(rr.id);
    }
    this.db.prepare('UPDATE decisions SET undone_at = ? WHERE id = ?').run(at, decision.id);
    this.db.prepare(`UPDATE tasks SET status = 'open', decided_at = NULL WHERE id = ?`).run(taskId);
  }
}
