import Database from 'better-sqlite3-multiple-ciphers';
import fs from 'node:fs';
import path from 'node:path';
import { AuditLog } from '../audit/audit-log.ts';
import { applyKey, openDatabase, type Db } from './database.ts';
import { WriteDoor } from './mutate.ts';
import { DATABASE_FILE } from './secure-store.ts';

/** For tests that look inside a data directory whose keys are files (COUNTERSIGN_KEY_STORAGE=file). */
export function openStoredDatabase(dataDir: string, opts: { readonly?: boolean } = {}): Db {
  const key = Buffer.from(fs.readFileSync(path.join(dataDir, 'keys', 'database.key'), 'utf8').trim(), 'base64');
  const db = new Database(path.join(dataDir, DATABASE_FILE), { readonly: opts.readonly ?? false }) as unknown as Db;
  applyKey(db, key);
  return db;
}

/** A write door over a fresh SQLite file in `dataDir` (every migration applied), for tests of code that writes through it. */
export function openTestDoor(dataDir: string): { db: Db; audit: AuditLog; door: WriteDoor } {
  const db = openDatabase(path.join(dataDir, 'door-test.db'));
  const audit = new AuditLog(db);
  return { db, audit, door: new WriteDoor(db, audit) };
}
