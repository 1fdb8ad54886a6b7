import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database.ts';
import { migration001 } from './001-initial.ts';
import { migration002 } from './002-sync.ts';
import { migration003 } from './003-page-alternate.ts';
import { migrations } from './index.ts';

describe('migration 004: OCR model, execution provider and rotation on pages', () => {
  it('keeps pages written before it, with nothing recorded, and takes the new values after it', () => {
    const db = new Database(':memory:');
    migrate(db, [migration001, migration002, migration003]);
    db.prepare(`INSERT INTO documents (id, sha256, file_name, size_bytes, status, created_at, updated_at) VALUES (1, 'a', 'a.jpg', 1, 'processed', '', '')`).run();
    db.prepare(`INSERT INTO pages (document_id, page_no, width, height, source, engine, text) VALUES (1, 1, 10, 10, 'ocr', 'x', 'hello')`).run();
    migrate(db, migrations);
    expect(db.prepare('SELECT text, ocr_model_sha256, execution_provider, rotation FROM pages').get()).toEqual({
      text: 'hello',
      ocr_model_sha256: null,
      execution_provider: null,
      rotation: null,
    });
    db.prepare(
      `INSERT INTO pages (document_id, page_no, width, height, source, engine, text, ocr_model_sha256, execution_provider, rotation) VALUES (1, 2, 10, 10, 'ocr', 'ppocr', 'x', 'abc', 'cpu', 90)`,
    ).run();
    expect(db.prepare('SELECT ocr_model_sha256, execution_provider, rotation FROM pages WHERE page_no = 2').get()).toEqual({
      ocr_model_sha256: 'abc',
      execution_provider: 'cpu',
      rotation: 90,
    });
  });
});
