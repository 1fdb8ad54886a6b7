import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database.ts';
import { migration001 } from './001-initial.ts';
import { migration002 } from './002-sync.ts';
import { migration003 } from './003-page-alternate.ts';
import { migrations } from './index.ts';

describe('migration 006: what was sent to the hub, and what was removed', () => {
  it('adds the outbound audit projections and the tombstones to a database written before it', () => {
    const db = new Database(':memory:');
    migrate(db, [migration001, migration002, migration003]);
    db.prepare(`INSERT INTO documents (id, sha256, file_name, size_bytes, status, created_at, updated_at) VALUES (1, 'a', 'a.pdf', 1, 'processed', '', '')`).run();
    migrate(db, migrations);
    expect(db.prepare('SELECT count(*) AS n FROM audit_outbound').get()).toEqual({ n: 0 });
    db.prepare(`INSERT INTO tombstones (document_id, kind, sha256, removed_at, reason) VALUES (1, 'text', 'f', '', 'retention')`).run();
    expect(() => db.prepare(`INSERT INTO tombstones (document_id, kind, sha256, removed_at, reason) VALUES (1, 'everything', 'f', '', 'x')`).run()).toThrow(/CHECK/);
    // Tombstones go with their document.
    db.pragma('foreign_keys = ON');
    db.prepare('DELETE FROM documents WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) AS n FROM tombstones').get()).toEqual({ n: 0 });
  });
});
