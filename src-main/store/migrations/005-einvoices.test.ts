import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database.ts';
import { migration001 } from './001-initial.ts';
import { migration002 } from './002-sync.ts';
import { migration003 } from './003-page-alternate.ts';
import { migrations } from './index.ts';

describe('migration 005: e-invoice XML per document', () => {
  it('adds the table to a database made before it, keeping its documents', () => {
    const db = new Database(':memory:');
    migrate(db, [migration001, migration002, migration003]);
    db.prepare(`INSERT INTO documents (id, sha256, file_name, size_bytes, status, created_at, updated_at) VALUES (1, 'a', 'a.pdf', 1, 'processed', '', '')`).run();
    migrate(db, migrations);
    expect(db.prepare('SELECT count(*) AS n FROM documents').get()).toEqual({ n: 1 });
    db.prepare(`INSERT INTO einvoices (document_id, attachment, syntax, profile, type_code, invoice_json, created_at) VALUES (1, 'factur-x.xml', 'CII', 'urn:x', '380', '{}', '')`).run();
    expect(db.prepare('SELECT attachment, profile FROM einvoices').get()).toEqual({ attachment: 'factur-x.xml', profile: 'urn:x' });
  });

  it('holds either an invoice or the reason it was refused, never neither', () => {
    const db = new Database(':memory:');
    migrate(db, migrations);
    db.prepare(`INSERT INTO documents (id, sha256, file_name, size_bytes, status, created_at, updated_at) VALUES (1, 'a', 'a.pdf', 1, 'processed', '', '')`).run();
    expect(() => db.prepare(`INSERT INTO einvoices (document_id, created_at) VALUES (1, '')`).run()).toThrow(/CHECK/);
    db.prepare(`INSERT INTO einvoices (document_id, error_code, error_message, created_at) VALUES (1, 'xml_malformed', 'bad', '')`).run();
  });
});
