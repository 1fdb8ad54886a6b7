import { describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../database.ts';
import { migration001 } from './001-initial.ts';
import { migration002 } from './002-sync.ts';
import { migration003 } from './003-page-alternate.ts';
import { migration004 } from './004-page-ocr-model.ts';
import { migration005 } from './005-einvoices.ts';
import { migration006 } from './006-residency-store.ts';
import { migrations } from './index.ts';

describe('migration 009: model packages', () => {
  it('adds the model tables to a database made before it, keeping its documents', () => {
    const db = openDatabase(':memory:', [migration001, migration002, migration003, migration004, migration005, migration006]);
    db.prepare(`INSERT INTO documents (id, sha256, file_name, size_bytes, status, created_at, updated_at) VALUES (1, 'a', 'a.pdf', 1, 'processed', '', '')`).run();
    migrate(db, migrations);
    expect(db.prepare('SELECT count(*) AS n FROM documents').get()).toEqual({ n: 1 });
    db.prepare(`INSERT INTO model_runs (document_id, task, served_by, stable_label, candidate_label, created_at) VALUES (1, 'doc-classifier', 'stable', 'invoice', 'receipt', '')`).run();
    // A slot names a task the device knows, and a candidate stage of the rollout.
    expect(() => db.prepare(`INSERT INTO model_slots (task, candidate_stage, switched_at) VALUES ('speech', NULL, '')`).run()).toThrow(/CHECK/);
    expect(() => db.prepare(`INSERT INTO model_slots (task, candidate_stage, switched_at) VALUES ('ocr', 'stable', '')`).run()).toThrow(/CHECK/);
  });
});
