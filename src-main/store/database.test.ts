import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion, SchemaTooNewError } from './database.ts';
import { migrations } from './migrations/index.ts';

describe('database and migrations', () => {
  it('creates every table the pipeline needs, in WAL mode with foreign keys', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cs-db-')), 'x.db');
    const db = openDatabase(file);
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['documents', 'pages', 'words', 'stage_runs', 'predictions', 'extractions', 'rule_results', 'tasks', 'decisions', 'audit']));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(schemaVersion(db)).toBe(migrations.at(-1)!.version);
    db.close();
  });

  it('numbers migrations in order and re-opening applies nothing twice', () => {
    // Numbers are handed out per branch (004 and 005 live on other branches until they merge): strictly increasing.
    migrations.forEach((m, i) => i > 0 && expect(m.version).toBeGreaterThan(migrations[i - 1]!.version));
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cs-db-')), 'x.db');
    openDatabase(file).close();
    const again = openDatabase(file);
    expect(schemaVersion(again)).toBe(migrations.at(-1)!.version);
    again.close();
  });

  it('refuses a data directory written by a newer build instead of damaging it', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cs-db-')), 'x.db');
    const db = openDatabase(file);
    db.pragma('user_version = 999');
    db.close();
    expect(() => openDatabase(file)).toThrow(SchemaTooNewError);
  });

  it('keeps one original per content hash', () => {
    const db = openDatabase(':memory:');
    const ins = db.prepare(`INSERT INTO documents (sha256, file_name, size_bytes, status, created_at, updated_at) VALUES ('abc', 'a.pdf', 1, ?, '', '')`);
    ins.run('processed');
    ins.run('duplicate');
    expect(() => ins.run('pending')).toThrow(/UNIQUE/);
  });
});
