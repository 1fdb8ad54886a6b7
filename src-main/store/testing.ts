import Database from 'better-sqlite3-multiple-ciphers';
import fs from 'node:fs';
import path from 'node:path';
import { applyKey, type Db } from './database.ts';
import { DATABASE_FILE } from './secure-store.ts';

/** For tests that look inside a data directory whose keys are files (COUNTERSIGN_KEY_STORAGE=file). */
export function openStoredDatabase(dataDir: string, opts: { readonly?: boolean } = {}): Db {
  const key = Buffer.from(fs.readFileSync(path.join(dataDir, 'keys', 'database.key'), 'utf8').trim(), 'base64');
  const db = new Database(path.join(dataDir, DATABASE_FILE), { readonly: opts.readonly ?? false }) as unknown as Db;
  applyKey(db, key);
  return db;
}
