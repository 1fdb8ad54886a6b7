import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database.ts';
import { migration001 } from './001-initial.ts';
import { migration002 } from './002-sync.ts';
import { migration003 } from './003-page-alternate.ts';
import { migration004 } from './004-page-ocr-model.ts';
import { migration005 } from './005-einvoices.ts';
import { migration006 } from './006-residency-store.ts';
import { migrations } from './index.ts';

describe('migration 007: the current value of each field', () => {
  it('shows, on a database written before it, the latest reading of each field that nothing superseded', () => {
    const db = new Database(':memory:');
    migrate(db, [migration001, migration002, migration003, migration004, migration005, migration006]);
    db.prepare(`INSERT INTO documents (id, sha256, file_name, size_bytes, status, created_at, updated_at) VALUES (1, 'a', 'a.pdf', 1, 'processed', '', '')`).run();
    const read = db.prepare(`INSERT INTO extractions (id, document_id, field, value, confidence, source, superseded_by, created_at) VALUES (?, 1, ?, ?, 0.9, 'generic', ?, '')`);
    read.run(1, 'total', '10.00', null);
    read.run(2, 'vendor', 'ACME', null);
    read.run(3, 'total', '12.00', null); // a later reading of the same field
    read.run(4, 'currency', 'EUR', 4); // withdrawn (an undone correction supersedes itself)
    read.run(5, 'vendor', 'ACME GmbH', null);
    db.prepare('UPDATE extractions SET superseded_by = 5 WHERE id = 2').run(); // a reviewer's correction
    migrate(db, migrations);
    expect(db.prepare('SELECT field, value FROM current_fields WHERE document_id = 1 ORDER BY field').all()).toEqual([
      { field: 'total', value: '12.00' },
      { field: 'vendor', value: 'ACME GmbH' },
    ]);
    // Looked up by document and field through the extractions index, not by scanning.
    const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT value FROM current_fields WHERE document_id = 1 AND field = 'total'`).all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).not.toMatch(/SCAN e\b|SCAN extractions\b/);
  });
});
