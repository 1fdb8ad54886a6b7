import { sql } from 'kysely';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HubDatabase } from './database.ts';
import { hubMigrations, migrateHub } from './migrations.ts';
import { PG_AVAILABLE, postgresBackend } from '../testing/hub-fixture.ts';

const dirs: string[] = [];
const fresh = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-hub-mig-'));
  dirs.push(dir);
  return HubDatabase.openSqlite(path.join(dir, 'hub.db'));
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('hub migrations (Kysely Migrator)', () => {
  const all = Object.keys(hubMigrations('sqlite'));

  it('build the schema once; a second run applies nothing', async () => {
    const db = fresh();
    expect(await migrateHub(db)).toBe(all.length);
    expect(await migrateHub(db)).toBe(0);
    const cols = (await db.all<{ name: string }>(`SELECT name FROM pragma_table_info('hub_decisions')`)).map((c) => c.name);
    expect(cols).toEqual(expect.arrayContaining(['user_id', 'claimed_actor']));
    // 0003: each artifact carries the hub's signature and the key that made it.
    expect((await db.all<{ name: string }>(`SELECT name FROM pragma_table_info('hub_artifacts')`)).map((c) => c.name)).toEqual(expect.arrayContaining(['signature', 'signed_by']));
    await expect(db.run(`INSERT INTO hub_audit_batches (device_id, first_seq, last_seq, signed_bytes, signature, received_at) VALUES (1, 1, 1, '{}', 'x', 'now')`)).rejects.toThrow(/FOREIGN KEY/);
    await db.close();
  });

  it('adopts a database made by the earlier hand-made migrator: 0001 only records itself, the later ones run', async () => {
    const db = fresh();
    // What the earlier build left: its own bookkeeping table and the 0001 tables.
    await hubMigrations('sqlite')['0001_hub']!.up(db.db as never);
    await sql`CREATE TABLE hub_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`.execute(db.db);
    await sql`INSERT INTO hub_migrations VALUES (1, 'hub', '2026-11-25T00:00:00Z')`.execute(db.db);
    await db.run(`INSERT INTO hub_sites (name, created_at) VALUES ('kept', 'then')`);
    expect(await migrateHub(db)).toBe(all.length);
    expect(await db.all(`SELECT name FROM hub_sites`)).toEqual([{ name: 'kept' }]);
    expect((await db.all<{ name: string }>(`SELECT name FROM hub_migration ORDER BY name`)).map((r) => r.name)).toEqual([...all].sort());
    await db.close();
  });

  it('refuses a database written by a newer hub', async () => {
    const db = fresh();
    await migrateHub(db);
    await db.run(`INSERT INTO hub_migration (name, timestamp) VALUES ('9999_future', '2030-01-01T00:00:00Z')`);
    await expect(migrateHub(db)).rejects.toThrow(/newer hub/);
    await db.close();
  });
});

describe.skipIf(!PG_AVAILABLE)('0006 on PostgreSQL', () => {
  it('installs hub_push, the push as one statement', async () => {
    const { db, drop } = await postgresBackend.open();
    try {
      const r = await db.get<{ fn: string | null }>(`SELECT to_regproc('hub_push')::text AS fn`);
      expect(r?.fn).toBe('hub_push');
    } finally {
      await db.close();
      await drop();
    }
  });
});
