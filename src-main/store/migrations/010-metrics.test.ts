import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database.ts';
import { migration001 } from './001-initial.ts';
import { migrations } from './index.ts';

describe('migration 010: time indexes for insights', () => {
  it('adds them to a database written before it, and a window query uses them', () => {
    const db = new Database(':memory:');
    migrate(db, [migration001]);
    db.prepare(`INSERT INTO documents (id, sha256, file_name, size_bytes, status, created_at, updated_at) VALUES (1, 'a', 'a.pdf', 1, 'processed', 't', '2026-12-02T03:00:00.000Z')`).run();
    migrate(db, migrations);
    const names = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index'`).all() as { name: string }[]).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['documents_updated', 'stage_runs_started', 'predictions_created', 'decisions_created']));
    const plan = (db.prepare(`EXPLAIN QUERY PLAN SELECT count(*) FROM predictions WHERE created_at >= ? AND created_at < ?`).all('a', 'b') as { detail: string }[]).map((r) => r.detail).join(' ');
    expect(plan).toMatch(/predictions_created/);
  });
});
