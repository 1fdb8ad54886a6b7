import type { Decision, Task } from '../../src-shared/contract/tasks.ts';
import { ApiError } from '../../src-shared/contract/dispatch.ts';
import type { DocType } from '../../src-shared/document-model.ts';
import type { Db } from '../store/database.ts';
import type { WriteDoor } from '../store/mutate.ts';
import { likeContains, Where } from '../store/where.ts';

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

const TASK_SELECT = `
  SELECT t.*, d.file_name, d.sha256, d.doc_type, d.model_json,
    (SELECT value FROM extractions e WHERE e.document_id = t.document_id AND e.field = 'vendor' AND e.superseded_by IS NULL ORDER BY e.id DESC LIMIT 1) AS vendor,
    (SELECT value FROM extractions e WHERE e.document_id = t.document_id AND e.field = 'total' AND e.superseded_by IS NULL ORDER BY e.id DESC LIMIT 1) AS total,
    (SELECT value FROM extractions e WHERE e.document_id = t.document_id AND e.field = 'currency' AND e.superseded_by IS NULL ORDER BY e.id DESC LIMIT 1) AS currency,
    (SELECT action FROM decisions x WHERE x.task_id = t.id AND x.undone_at IS NULL ORDER BY x.id DESC LIMIT 1) AS decision
  FROM tasks t JOIN documents d ON d.id = t.document_id`;

export const UNDO_WINDOW_MS = 30_000;

/** Review tasks and reviewers' decisions; every change goes through a transaction with its audit entry. */
export class TaskService {
  constructor(
    private readonly db: Db,
    private readonly door: WriteDoor,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private toTask(r: TaskRow): Task {
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

  get(id: number): Task {
    const row = this.db.prepare<[number], TaskRow>(`${TASK_SELECT} WHERE t.id = ?`).get(id);
    if (!row) throw new ApiError('not_found', `No task ${id}`);
    return this.toTask(row);
  }

  /** Called by the pipeline inside its transaction. */
  create(t: { documentId: number; reasons: string[]; priority: number; policyVersion: string; batchApprovable: boolean; qaSampled: boolean }): number {
    const r = this.db
      .prepare(
        `INSERT INTO tasks (document_id, status, reasons_json, priority, policy_version, batch_approvable, qa_sampled, created_at) VALUES (?, 'open', ?, ?, ?, ?, ?, ?)`,
      )
      .run(t.documentId, JSON.stringify(t.reasons), t.priority, t.policyVersion, t.batchApprovable ? 1 : 0, t.qaSampled ? 1 : 0, this.clock().toISOString());
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
    const w = where.sql;
    const params = where.params;
    const col = { createdAt: 'id', priority: 'priority', total: 'CAST(total AS REAL)', vendor: 'vendor', docType: 'doc_type' }[q.sort?.field ?? 'createdAt'] ?? 'id';
    const dir = q.sort?.direction === 'asc' ? 'ASC' : 'DESC';
    const base = `SELECT * FROM (${TASK_SELECT}) ${w}`;
    const total = (this.db.prepare(`SELECT count(*) AS n FROM (${base})`).get(params) as { n: number }).n;
    const rows = this.db.prepare<Record<string, unknown>, TaskRow>(`${base} ORDER BY ${col} ${dir}, id ${dir} LIMIT @limit OFFSET @offset`).all({ ...params, limit: q.limit, offset: q.offset });
    return { items: rows.map((r) => this.toTask(r)), total };
  }

  decide(d: { taskId: number; action: 'approve' | 'correct' | 'reject'; actor: string; reason?: string; corrections?: Record<string, string>; timeSpentMs?: number }): { task: Task; decision: Decision } {
    return this.door.mutate('tasks.decide', (audit) => {
      const row = this.db.prepare<[number], TaskRow>(`${TASK_SELECT} WHERE t.id = ?`).get(d.taskId);
      if (!row) throw new ApiError('not_found', `No task ${d.taskId}`);
      if (row.status !== 'open') throw new ApiError('already_decided', `Task ${d.taskId} was already decided (${row.decision ?? row.status})`);
      const ts = this.clock().toISOString();
      const r = this.db
        .prepare(
          `INSERT INTO decisions (task_id, document_id, action, actor, reason, changes_json, time_spent_ms, model_json, policy_version, created_at) VALUES (?, ?, ?, ?, ?, '[]', ?, ?, ?, ?)`,
        )
        .run(row.id, row.document_id, d.action, d.actor, d.reason ?? null, d.timeSpentMs ?? null, row.model_json, row.policy_version, ts);
      const decisionId = Number(r.lastInsertRowid);
      const changes: Decision['changes'] = [];
      if (d.action === 'correct') {
        for (const [field, newValue] of Object.entries(d.corrections ?? {})) {
          const old = this.db
            .prepare<[number, string], { id: number; value: string }>(`SELECT id, value FROM extractions WHERE document_id = ? AND field = ? AND superseded_by IS NULL ORDER BY id DESC LIMIT 1`)
            .get(row.document_id, field);
          const ins = this.db
            .prepare(`INSERT INTO extractions (document_id, field, value, confidence, source, decision_id, created_at) VALUES (?, ?, ?, 1, 'reviewer', ?, ?)`)
            .run(row.document_id, field, newValue, decisionId, ts);
          if (old) this.db.prepare('UPDATE extractions SET superseded_by = ? WHERE id = ?').run(Number(ins.lastInsertRowid), old.id);
          changes.push({ field, oldValue: old?.value ?? null, newValue });
        }
        this.db.prepare('UPDATE decisions SET changes_json = ? WHERE id = ?').run(JSON.stringify(changes), decisionId);
      }
      this.db.prepare(`UPDATE tasks SET status = 'decided', decided_at = ? WHERE id = ?`).run(ts, row.id);
      audit({
        actor: d.actor,
        event: `task.${d.action === 'approve' ? 'approved' : d.action === 'correct' ? 'corrected' : 'rejected'}`,
        documentSha256: row.sha256,
        data: { taskId: row.id, documentId: row.document_id, reason: d.reason, changes, timeSpentMs: d.timeSpentMs },
        model: row.model_json ? JSON.parse(row.model_json) : null,
        policyVersion: row.policy_version,
      });
      const decision: Decision = {
        id: decisionId,
        taskId: row.id,
        action: d.action,
        actor: d.actor,
        reason: d.reason ?? null,
        changes,
        timeSpentMs: d.timeSpentMs ?? null,
        createdAt: ts,
      };
      return { task: this.get(row.id), decision };
    });
  }

  /** Reopens a task whose last decision is recent; corrections are rolled back, all of it audited. */
  undo(u: { taskId: number; actor: string }, windowMs = UNDO_WINDOW_MS): { task: Task } {
    return this.door.mutate('tasks.undo', (audit) => {
      const task = this.get(u.taskId);
      const last = this.db
        .prepare<[number], { id: number; actor: string; created_at: string; document_id: number }>(
          'SELECT id, actor, created_at, document_id FROM decisions WHERE task_id = ? AND undone_at IS NULL ORDER BY id DESC LIMIT 1',
        )
        .get(u.taskId);
      if (!last || task.status !== 'decided') throw new ApiError('nothing_to_undo', `Task ${u.taskId} has no decision to undo`);
      if (last.actor !== u.actor) throw new ApiError('forbidden', `Only ${last.actor} can undo their decision`);
      const age = this.clock().getTime() - Date.parse(last.created_at);
      if (age > windowMs) throw new ApiError('undo_expired', `The decision is ${Math.round(age / 1000)} s old; undo is possible for ${windowMs / 1000} s`);
      const ts = this.clock().toISOString();
      const reviewerRows = this.db.prepare<[number], { id: number }>(`SELECT id FROM extractions WHERE decision_id = ?`).all(last.id);
      for (const rr of reviewerRows) {
        this.db.prepare('UPDATE extractions SET superseded_by = NULL WHERE superseded_by = ?').run(rr.id);
        // The reviewer's value stays in history, marked superseded by itself so it no longer counts.
        this.db.prepare('UPDATE extractions SET superseded_by = id WHERE id = ?').run(rr.id);
      }
      this.db.prepare('UPDATE decisions SET undone_at = ? WHERE id = ?').run(ts, last.id);
      this.db.prepare(`UPDATE tasks SET status = 'open', decided_at = NULL WHERE id = ?`).run(u.taskId);
      const doc = this.db.prepare<[number], { sha256: string | null }>('SELECT sha256 FROM documents WHERE id = ?').get(last.document_id);
      audit({ actor: u.actor, event: 'task.undone', documentSha256: doc?.sha256 ?? null, data: { taskId: u.taskId, decisionId: last.id } });
      return { task: this.get(u.taskId) };
    });
  }
}
