import Database from 'better-sqlite3-multiple-ciphers';
import type BetterSqlite3 from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { migrations as allMigrations, type Migration } from './migrations/index.ts';

export type Db = BetterSqlite3.Database;

export class SchemaTooNewError extends Error {
  constructor(found: number, known: number) {
    super(`This data directory was written by a newer Countersign (schema ${found}; this build knows up to ${known}). Upgrade the app.`);
  }
}

export class WrongDatabaseKeyError extends Error {
  constructor(file: string) {
    super(`${file} cannot be opened with this data directory's database key: the key is not the one it was encrypted with, or the file is not a Countersign database.`);
  }
}

/** The first 16 bytes of every unencrypted SQLite file. */
const PLAIN_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** Whether the file is a plain (unencrypted) SQLite database. */
export function isPlainDatabase(file: string): boolean {
  if (!fs.existsSync(file) || fs.statSync(file).size < PLAIN_HEADER.length) return false;
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(PLAIN_HEADER.length);
    fs.readSync(fd, head, 0, head.length, 0);
    return head.equals(PLAIN_HEADER);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * SQLCipher 4 format (AES-256-CBC, HMAC-SHA512 per page) through SQLite3 Multiple Ciphers, with a raw
 * 32-byte key (SQLCipher's `x'…'` form: random bytes need no key derivation, so opening is instant),
 * so `sqlcipher` itself can open the file given the key. Must run before anything else.
 */
export function applyKey(db: BetterSqlite3.Database, key: Buffer, pragma: 'key' | 'rekey' = 'key'): void {
  if (key.length !== 32) throw new Error('The database key must be 32 bytes');
  db.pragma(`cipher = 'sqlcipher'`);
  db.pragma('legacy = 4');
  db.pragma(`${pragma} = "x'${key.toString('hex')}'"`);
}

/**
 * Opens (creating if needed) the SQLite file: encrypted when a key is given, WAL so readers never
 * block the writer, foreign keys on, and every pending migration applied in one transaction each.
 */
export function openDatabase(file: string, migrations: Migration[] = allMigrations, opts: { key?: Buffer } = {}): Db {
  if (file !== ':memory:') {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // Created 0600 before SQLite opens it: its -wal and -shm files take the same mode.
    fs.closeSync(fs.openSync(file, 'a', 0o600));
  }
  const db = new Database(file) as unknown as Db;
  if (opts.key) {
    applyKey(db, opts.key);
    try {
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch {
      db.close();
      throw new WrongDatabaseKeyError(file);
    }
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, migrations);
  return db;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Db, migrations: Migration[]): void {
  const current = schemaVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) throw new SchemaTooNewError(current, latest);
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
