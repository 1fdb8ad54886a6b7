import type { Mutation, MutationResult } from '../../src-shared/contract/hub.ts';
import type { Db } from './database.ts';

type Row = { mutation_id: number; name: string; args_json: string };

/**
 * Mutations waiting for the hub, in the device's SQLite. The row id is the mutation id: strictly
 * increasing and never reused, so the hub can apply each exactly once.
 */
export class Outbox {
  constructor(
    private readonly db: Db,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Must run inside the transaction that makes the change the mutation describes. */
  enqueue(m: Omit<Mutation, 'id'>): number {
    if (!this.db.inTransaction) throw new Error('Outbox.enqueue must run inside the transaction that makes the change');
    const r = this.db.prepare('INSERT INTO sync_outbox (name, args_json, created_at) VALUES (?, ?, ?)').run(m.name, JSON.stringify(m.args), this.clock().toISOString());
    return Number(r.lastInsertRowid);
  }

  pending(limit: number): Mutation[] {
    return this.db
      .prepare<[number], Row>('SELECT mutation_id, name, args_json FROM sync_outbox WHERE acked_at IS NULL ORDER BY mutation_id LIMIT ?')
      .all(limit)
      .map((r) => ({ id: r.mutation_id, name: r.name, args: JSON.parse(r.args_json) }) as Mutation);
  }

  length(): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM sync_outbox WHERE acked_at IS NULL`).get() as { n: number }).n;
  }

  /**
   * Records the hub's answer. A duplicate answers a push whose reply was lost: what is kept is what
   * happened the first time (applied, superseded or rejected), which the hub reports with it.
   */
  acknowledge(results: MutationResult[]): void {
    const stmt = this.db.prepare(`UPDATE sync_outbox SET acked_at = ?, result_status = ?, result_message = ? WHERE mutation_id = ?`);
    const now = this.clock().toISOString();
    for (const r of results) stmt.run(now, r.status === 'duplicate' ? (r.original ?? 'duplicate') : r.status, r.message, r.id);
  }
}
