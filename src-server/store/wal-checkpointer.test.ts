import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HubDatabase } from './database.ts';
import { migrateHub } from './migrations.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-hub-wal-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('WAL checkpoints on a thread of their own', () => {
  it('copies what the hub committed into the database file while the hub keeps its connection open', async () => {
    const file = path.join(dir, 'hub.db');
    const db = HubDatabase.openSqlite(file);
    await migrateHub(db);
    for (let i = 0; i < 50; i++) await db.run(`INSERT INTO hub_sites (name, created_at) VALUES (?, 'now')`, [`site-${i}`]);
    // The writer's own checkpoints wait for 10,000 pages; these few pages reach the file only through the thread.
    await new Promise((r) => setTimeout(r, 600));
    // The database file alone, without its WAL: what a checkpoint has copied back.
    const copy = path.join(dir, 'copy.db');
    fs.copyFileSync(file, copy);
    const alone = new Database(copy, { readonly: true });
    expect((alone.prepare('SELECT count(*) AS n FROM hub_sites').get() as { n: number }).n).toBe(50);
    alone.close();
    await db.close();
    // The last connection to close removes the WAL: the thread closed its connection too.
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });
});
