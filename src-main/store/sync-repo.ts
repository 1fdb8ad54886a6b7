import type { AuditEntry } from '../../src-shared/contract/audit.ts';
import type { Artifact, HubTask } from '../../src-shared/contract/hub.ts';
import type { Db } from './database.ts';

export type LocalDecision = 'approve' | 'correct' | 'reject';
export type PushState = 'none' | 'pending' | 'applied' | 'superseded' | 'rejected';

/** A hub task as this device holds it: the hub's copy, and what was decided here and how far its push got. */
export type HeldHubTask = HubTask & { localDecision: LocalDecision | null; pushState: PushState };

type HubTaskRow = { hub_task_id: number; task_json: string; status: string; local_decision: LocalDecision | null; local_mutation_id: number | null; result_status: string | null; acked_at: string | null };

function toHeld(r: HubTaskRow): HeldHubTask {
  return {
    ...(JSON.parse(r.task_json) as HubTask),
    localDecision: r.local_decision,
    pushState: (r.local_mutation_id === null ? 'none' : r.acked_at === null ? 'pending' : r.result_status === 'duplicate' ? 'applied' : r.result_status) as PushState,
  };
}

/** All SQL of hub sync on the device: its state, the hub tasks and artifacts pulled, the audit projections sent. Callers own the transactions (the write door). */
export class SyncRepo {
  constructor(private readonly db: Db) {}

  state(key: string): string | null {
    return this.db.prepare<[string], { value: string }>('SELECT value FROM sync_state WHERE key = ?').get(key)?.value ?? null;
  }

  setState(key: string, value: string | number | null): void {
    if (value === null) this.db.prepare('DELETE FROM sync_state WHERE key = ?').run(key);
    else this.db.prepare('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, String(value));
  }

  /** The hub's copy of a task and whether it was decided here; undefined when it was never pulled. */
  hubTask(id: number): { task: HubTask; status: string; localDecision: LocalDecision | null } | undefined {
    const r = this.db.prepare<[number], { task_json: string; status: string; local_decision: LocalDecision | null }>('SELECT task_json, status, local_decision FROM sync_hub_tasks WHERE hub_task_id = ?').get(id);
    return r && { task: JSON.parse(r.task_json) as HubTask, status: r.status, localDecision: r.local_decision };
  }

  setLocalDecision(id: number, action: LocalDecision, mutationId: number): void {
    this.db.prepare('UPDATE sync_hub_tasks SET local_decision = ?, local_mutation_id = ? WHERE hub_task_id = ?').run(action, mutationId, id);
  }

  saveHubTask(task: HubTask, receivedAt: string): void {
    this.db
      .prepare(
        `INSERT INTO sync_hub_tasks (hub_task_id, task_json, status, priority, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(hub_task_id) DO UPDATE SET task_json = excluded.task_json, status = excluded.status, priority = excluded.priority, updated_at = excluded.updated_at`,
      )
      .run(task.id, JSON.stringify(task), task.status, task.priority, receivedAt);
  }

  hubTasks(q: { status?: string | undefined; taskIds?: number[] | undefined; offset: number; limit: number }): { items: HeldHubTask[]; total: number } {
    const conds: string[] = [];
    const params: (string | number)[] = [];
    if (q.status) {
      conds.push('h.status = ?');
      params.push(q.status);
    }
    if (q.taskIds) {
      conds.push(`h.hub_task_id IN (${q.taskIds.map(() => '?').join(',') || 'NULL'})`);
      params.push(...q.taskIds);
    }
    const where = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT count(*) AS n FROM sync_hub_tasks h ${where}`).get(...params) as { n: number }).n;
    const rows = this.db
      .prepare<unknown[], HubTaskRow>(
        `SELECT h.*, o.result_status, o.acked_at FROM sync_hub_tasks h LEFT JOIN sync_outbox o ON o.mutation_id = h.local_mutation_id ${where}
         ORDER BY h.priority DESC, h.hub_task_id LIMIT ? OFFSET ?`,
      )
      .all(...params, q.limit, q.offset);
    return { items: rows.map(toHeld), total };
  }

  saveArtifact(a: Artifact, receivedAt: string): void {
    this.db
      .prepare(
        `INSERT INTO sync_artifacts (kind, name, version, sha256, content_json, received_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(kind, name) DO UPDATE SET version = excluded.version, sha256 = excluded.sha256, content_json = excluded.content_json, received_at = excluded.received_at`,
      )
      .run(a.kind, a.name, a.version, a.sha256, JSON.stringify(a.content), receivedAt);
  }

  artifact(kind: Artifact['kind'], name: string): { version: number; sha256: string; content: Record<string, unknown> } | null {
    const r = this.db.prepare<[string, string], { version: number; sha256: string; content_json: string }>('SELECT version, sha256, content_json FROM sync_artifacts WHERE kind = ? AND name = ?').get(kind, name);
    return r ? { version: r.version, sha256: r.sha256, content: JSON.parse(r.content_json) as Record<string, unknown> } : null;
  }

  /** The filtered projection of an audit entry as it was (or will be) sent to the hub. */
  outboundEntry(seq: number): AuditEntry | null {
    const r = this.db.prepare<[number], { entry_json: string }>('SELECT entry_json FROM audit_outbound WHERE seq = ?').get(seq);
    return r ? (JSON.parse(r.entry_json) as AuditEntry) : null;
  }

  /** `entryJson` is the canonical JSON of the projection: a resend must be byte for byte the same. */
  saveOutboundEntry(seq: number, entryJson: string): void {
    this.db.prepare('INSERT INTO audit_outbound (seq, entry_json) VALUES (?, ?)').run(seq, entryJson);
  }

  outboundRange(from: number, to: number): AuditEntry[] {
    return this.db
      .prepare<[number, number], { entry_json: string }>('SELECT entry_json FROM audit_outbound WHERE seq BETWEEN ? AND ? ORDER BY seq')
      .all(from, to)
      .map((r) => JSON.parse(r.entry_json) as AuditEntry);
  }

  lastOutboundSeq(): number {
    return this.db.prepare<[], { s: number | null }>('SELECT max(seq) AS s FROM audit_outbound').get()?.s ?? 0;
  }

  /** A new enrollment is a new device on the hub: nothing was sent to it yet. */
  forgetOutbound(): void {
    this.db.prepare('DELETE FROM audit_outbound').run();
  }

  lastAuditSeq(): number {
    return this.db.prepare<[], { s: number | null }>('SELECT max(seq) AS s FROM audit').get()?.s ?? 0;
  }

  /** What sharing a document with the hub may send: its hash, its type and the current value of each named field that has one. */
  documentToShare(documentId: number, fields: string[]): { sha256: string | null; docType: string | null; fields: Record<string, string> } | undefined {
    const doc = this.db.prepare<[number], { sha256: string | null; doc_type: string | null }>('SELECT sha256, doc_type FROM documents WHERE id = ?').get(documentId);
    if (!doc) return undefined;
    const value = this.db.prepare<[number, string], { value: string }>('SELECT value FROM current_fields WHERE document_id = ? AND field = ?');
    const out: Record<string, string> = {};
    for (const f of fields) {
      const v = value.get(documentId, f);
      if (v) out[f] = v.value;
    }
    return { sha256: doc.sha256, docType: doc.doc_type, fields: out };
  }
}
