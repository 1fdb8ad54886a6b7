import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database.ts';
import { migration001 } from './001-initial.ts';
import { migration002 } from './002-sync.ts';
import { migrations } from './index.ts';

describe('migration 003: alternate OCR reading on pages', () => {
  it('keeps pages written before it, with no alternate', () => {
    const db = new Database(':memory:');
    migrate(db, [migration001, migration002]);
    db.prepare(`INSERT INTO documents (id, sha256, file_name, size_bytes, status, created_at, updated_at) VALUES (1, 'a', 'a.jpg', 1, 'processed', '', '')`).run();
    db.prepare(`INSERT INTO pages (document_id, page_no, width, height, source, engine, text) VALUES (1, 1, 10, 10, 'ocr', 'x', 'hello')`).run();
    migrate(db, migrations);
    expect(db.prepare('SELECT text, alternate_json FROM pages').get()).toEqual({ text: 'hello', alternate_json: null });
  });
});
