import type { AuditEntry, AuditVerifyResult } from '../../src-shared/contract/audit.ts';
import type { ModelInfo } from '../../src-shared/document-model.ts';
import { rowToEntry, type AuditRow } from '../../src-common/audit-chain/audit-row.ts';
import { canonicalJson } from '../../src-common/audit-chain/canonical-json.ts';
import { ChainWalk } from '../../src-common/audit-chain/chain-walk.ts';
import { entryHash, GENESIS_HASH } from '../../src-common/audit-chain/entry-hash.ts';
import type { Db } from '../store/database.ts';
import { Where } from '../store/where.ts';

export interface AuditEvent {
  actor: string;
  event: string;
  documentSha256?: string | null;
  data?: Record<string, unknown>;
  /** For anything a model produced: name, version, file hash and execution provider. */
  model?: ModelInfo | null;
  /** For anything a policy produced. */
  policyVersion?: string | null;
}

/**
 * Append-only, hash-chained log. `append` must run inside the caller's transaction, so an event
 * and the state change it describes are written together or not at all.
 */
export class AuditLog {
  private readonly head;
  private readonly insert;
  private readonly setHead;

  constructor(
    private readonly db: Db,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.head = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1');
    this.insert = db.prepare(
      `INSERT INTO audit (seq, ts, actor, event, document_sha256, data_json, model_json, policy_version, prev_hash, hash)
       VALUES (@seq, @ts, @actor, @event, @documentSha256, @dataJson, @modelJson, @policyVersion, @prevHash, @hash)`,
    );
    this.setHead = db.prepare(`INSERT INTO meta (key, value) VALUES ('audit_head', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
  }

  append(ev: AuditEvent): AuditEntry {
    if (!this.db.inTransaction) throw new Error('AuditLog.append must run inside a transaction');
    const last = this.head.get();
    const base = {
      seq: (last?.seq ?? 0) + 1,
      ts: this.clock().toISOString(),
      actor: ev.actor,
      event: ev.event,
      documentSha256: ev.documentSha256 ?? null,
      data: JSON.parse(canonicalJson(ev.data ?? {})) as Record<string, unknown>,
      model: ev.model ?? null,
      policyVersion: ev.policyVersion ?? null,
      prevHash: last?.hash ?? GENESIS_HASH,
    };
    const entry: AuditEntry = { ...base, hash: entryHash(base) };
    this.insert.run({
      ...entry,
      dataJson: canonicalJson(entry.data),
      modelJson: entry.model ? canonicalJson(entry.model) : null,
    });
    // A second copy of the head catches a tail cut off the chain.
    this.setHead.run(JSON.stringify({ seq: entry.seq, hash: entry.hash }));
    return entry;
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM audit').get() as { n: number }).n;
  }

  *iterate(fromSeq = 1): Generator<AuditEntry> {
    const stmt = this.db.prepare<[number], AuditRow>('SELECT * FROM audit WHERE seq >= ? ORDER BY seq');
    for (const row of stmt.iterate(fromSeq)) yield rowToEntry(row);
  }

  list(filter: { offset: number; limit: number; event?: string; actor?: string; documentSha256?: string }): { items: AuditEntry[]; total: number } {
    const where = new Where()
      .when(filter.event, 'event = @event', 'event')
      .when(filter.actor, 'actor = @actor', 'actor')
      .when(filter.documentSha256, 'document_sha256 = @sha', 'sha');
    const w = where.sql;
    const params = where.params;
    const total = (this.db.prepare(`SELECT count(*) AS n FROM audit ${w}`).get(params) as { n: number }).n;
    const rows = this.db
      .prepare<Record<string, unknown>, AuditRow>(`SELECT * FROM audit ${w} ORDER BY seq DESC LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit: filter.limit, offset: filter.offset });
    return { items: rows.map(rowToEntry), total };
  }

  /**
   * Walks the chain from the start. Catches an edited entry (hash mismatch), a deleted or inserted
   * one (sequence gap or broken link), a reordering (broken link) and a cut-off tail (head record).
   */
  verify(): AuditVerifyResult {
    const walk = new ChainWalk();
    const bad = (seq: number, problem: string): AuditVerifyResult => ({ ok: false, entries: walk.entries, headHash: walk.head, firstBad: { seq, problem } });
    const stmt = this.db.prepare<[], AuditRow>('SELECT * FROM audit ORDER BY seq');
    for (const row of stmt.iterate()) {
      let entry: AuditEntry;
      try {
        entry = rowToEntry(row);
      } catch {
        return bad(row.seq, `entry ${row.seq} is not valid JSON: it was edited`);
      }
      const broken = walk.step(entry);
      if (broken) return bad(broken.seq, broken.problem);
    }
    // Every append records the head in the same transaction, so the head and the log always agree:
    // no head with entries, or a head behind the last entry, means someone wrote one without the other.
    const last = walk.entries;
    const expectedSeq = last + 1;
    const headRow = this.db.prepare<[], { value: string }>(`SELECT value FROM meta WHERE key = 'audit_head'`).get();
    if (!headRow) {
      if (last > 0) return bad(last, `the recorded head of the chain is missing while the log holds ${last} entries: it was deleted, and with it the check for a cut-off tail`);
    } else {
      let head: { seq: number; hash: string };
      try {
        head = JSON.parse(headRow.value) as { seq: number; hash: string };
        if (!Number.isInteger(head.seq) || typeof head.hash !== 'string') throw new Error('bad head');
      } catch {
        return bad(last, 'the recorded head of the chain is damaged');
      }
      if (head.seq >= expectedSeq) return bad(expectedSeq, `entries ${expectedSeq}..${head.seq} are missing at the end: the chain was cut`);
      if (head.seq < last) return bad(head.seq, `the recorded head (entry ${head.seq}) is behind the log (entry ${last}): entries were appended without it, or it was rolled back`);
      if (head.hash !== walk.headHash) return bad(head.seq, `entry ${head.seq} does not match the recorded head of the chain`);
    }
    return { ok: true, entries: walk.entries, headHash: walk.head, firstBad: null };
  }
}
