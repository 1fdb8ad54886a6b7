import { describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../store/database.ts';
import { entryHash } from '../../src-common/audit-chain/entry-hash.ts';
import { AuditLog } from './audit-log.ts';

function logWith(n: number): { db: Db; log: AuditLog } {
  const db = openDatabase(':memory:');
  const log = new AuditLog(db);
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      log.append({
        actor: i % 2 ? 'alice' : 'pipeline',
        event: i % 2 ? 'task.approved' : 'document.routed',
        documentSha256: 'a'.repeat(64),
        data: { i, amount: '12.50' },
        model: { name: 'doc-classifier', version: '1', sha256: 'b'.repeat(64), executionProvider: 'cpu' },
        policyVersion: 'default-1',
      });
    }
  })();
  return { db, log };
}

/** What an attacker with the raw SQLite file can do: the triggers only stop honest mistakes. */
function tamper(db: Db, sql: string, ...params: unknown[]) {
  db.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;');
  db.prepare(sql).run(...params);
}

describe('audit chain', () => {
  it('verifies an intact chain and reports its head', () => {
    const { log } = logWith(10);
    const r = log.verify();
    expect(r).toMatchObject({ ok: true, entries: 10, firstBad: null });
    expect(r.headHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses updates and deletes through SQL', () => {
    const { db } = logWith(3);
    expect(() => db.prepare(`UPDATE audit SET actor = 'mallory' WHERE seq = 2`).run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit WHERE seq = 2').run()).toThrow(/append-only/);
  });

  it('names an edited entry', () => {
    const { db, log } = logWith(10);
    tamper(db, `UPDATE audit SET data_json = '{"amount":"99.99","i":4}' WHERE seq = 5`);
    expect(log.verify().firstBad).toEqual({ seq: 5, problem: expect.stringMatching(/entry 5 .*edited/) });
  });

  it('names a deleted entry', () => {
    const { db, log } = logWith(10);
    tamper(db, 'DELETE FROM audit WHERE seq = 4');
    expect(log.verify()).toMatchObject({ ok: false, firstBad: { seq: 5, problem: expect.stringMatching(/entry 4 is missing/) } });
  });

  it('catches entries cut off the end', () => {
    const { db, log } = logWith(10);
    tamper(db, 'DELETE FROM audit WHERE seq >= 9');
    expect(log.verify()).toMatchObject({ ok: false, firstBad: { seq: 9, problem: expect.stringMatching(/9\.\.10 are missing/) } });
  });

  it('catches a tail cut off together with the recorded head (the head row deleted)', () => {
    const { db, log } = logWith(10);
    tamper(db, 'DELETE FROM audit WHERE seq >= 9');
    db.prepare(`DELETE FROM meta WHERE key = 'audit_head'`).run();
    expect(log.verify()).toMatchObject({ ok: false, firstBad: { seq: 8, problem: expect.stringMatching(/recorded head of the chain is missing/) } });
  });

  it('catches a head rolled back behind the log (entries appended without it)', () => {
    const { db, log } = logWith(10);
    const head = db.prepare(`SELECT value FROM meta WHERE key = 'audit_head'`).get() as { value: string };
    const logWith7 = logWith(7);
    const head7 = logWith7.db.prepare(`SELECT value FROM meta WHERE key = 'audit_head'`).get() as { value: string };
    db.prepare(`UPDATE meta SET value = ? WHERE key = 'audit_head'`).run(JSON.stringify({ seq: 7, hash: (JSON.parse(head7.value) as { hash: string }).hash }));
    expect(JSON.parse(head.value)).toMatchObject({ seq: 10 });
    expect(log.verify()).toMatchObject({ ok: false, firstBad: { seq: 7, problem: expect.stringMatching(/head .*entry 7.* behind the log.*entry 10/) } });
  });

  it('an empty log with no head is intact', () => {
    expect(logWith(0).log.verify()).toMatchObject({ ok: true, entries: 0 });
  });

  it('catches an inserted entry even with a recomputed hash', () => {
    const { db, log } = logWith(6);
    // Shift entries up to make room, then insert a forged entry 3 that links to 2 and hashes correctly.
    db.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;');
    for (let s = 6; s >= 3; s--) db.prepare('UPDATE audit SET seq = seq + 1 WHERE seq = ?').run(s);
    const prev = db.prepare('SELECT hash FROM audit WHERE seq = 2').get() as { hash: string };
    const ts = new Date().toISOString();
    const forged = { seq: 3, ts, actor: 'mallory', event: 'task.approved', documentSha256: null, data: {}, model: null, policyVersion: null, prevHash: prev.hash };
    db.prepare(`INSERT INTO audit (seq, ts, actor, event, document_sha256, data_json, model_json, policy_version, prev_hash, hash) VALUES (3, ?, 'mallory', 'task.approved', NULL, '{}', NULL, NULL, ?, ?)`).run(ts, prev.hash, entryHash(forged));
    expect(log.verify()).toMatchObject({ ok: false, firstBad: { seq: 4, problem: expect.stringMatching(/does not link/) } });
  });

  it('catches two entries swapped', () => {
    const { db, log } = logWith(8);
    db.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;');
    db.prepare('UPDATE audit SET seq = -1 WHERE seq = 3').run();
    db.prepare('UPDATE audit SET seq = 3 WHERE seq = 4').run();
    db.prepare('UPDATE audit SET seq = 4 WHERE seq = -1').run();
    expect(log.verify()).toMatchObject({ ok: false, firstBad: { seq: 3 } });
  });

  it('needs a transaction, so an event is never written without its state change', () => {
    const { log } = logWith(0);
    expect(() => log.append({ actor: 'x', event: 'y' })).toThrow(/inside a transaction/);
  });

  it('lists newest first with filters', () => {
    const { log } = logWith(6);
    const r = log.list({ offset: 0, limit: 10, actor: 'alice' });
    expect(r.total).toBe(3);
    expect(r.items.map((e) => e.seq)).toEqual([6, 4, 2]);
  });
});
