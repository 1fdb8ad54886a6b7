import { describe, expect, it } from 'vitest';
import { migration001 } from '../store/migrations/001-initial.ts';
import { migration002 } from '../store/migrations/002-sync.ts';
import { migrations } from '../store/migrations/index.ts';
import { migrate, openDatabase, schemaVersion } from '../store/database.ts';
import { Outbox } from '../store/outbox-repo.ts';

describe('migration 002 (sync)', () => {
  it('upgrades a version-1 database in place and is listed after 001', () => {
    expect(migrations.map((m) => m.version).slice(0, 2)).toEqual([1, 2]);
    const db = openDatabase(':memory:', [migration001]);
    db.prepare(`INSERT INTO meta (key, value) VALUES ('kept', 'yes')`).run();
    migrate(db, [migration001, migration002]);
    expect(schemaVersion(db)).toBe(2);
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'sync_%' ORDER BY name`).all() as { name: string }[];
    expect(tables.map((t) => t.name)).toEqual(['sync_artifacts', 'sync_hub_tasks', 'sync_outbox', 'sync_state']);
    expect(db.prepare(`SELECT value FROM meta WHERE key = 'kept'`).get()).toEqual({ value: 'yes' });
    db.close();
  });

  it('never reuses a mutation id, even after the outbox is pruned, and refuses an enqueue outside a transaction', () => {
    const db = openDatabase(':memory:');
    const outbox = new Outbox(db);
    const m = { name: 'task.decide' as const, args: { taskId: 1, action: 'approve' as const, actor: 'a', decidedAt: new Date().toISOString() } };
    expect(() => outbox.enqueue(m)).toThrow(/inside the transaction/);
    const first = db.transaction(() => [outbox.enqueue(m), outbox.enqueue(m)])();
    expect(first).toEqual([1, 2]);
    db.prepare('DELETE FROM sync_outbox').run();
    expect(db.transaction(() => outbox.enqueue(m))()).toBe(3);
    expect(outbox.pending(10).map((x) => x.id)).toEqual([3]);
    outbox.acknowledge([{ id: 3, status: 'duplicate', message: 'processed before (superseded)', original: 'superseded' }]);
    expect(outbox.length()).toBe(0);
    expect(db.prepare('SELECT result_status FROM sync_outbox WHERE mutation_id = 3').get()).toEqual({ result_status: 'superseded' });
    db.close();
  });
});
