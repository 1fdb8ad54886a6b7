import Database from 'better-sqlite3-multiple-ciphers';
import type BetterSqlite3 from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { resolveDataKey, type KeyStorage, type SecretStore } from '../blob/key-provider.ts';
import { applyKey, isPlainDatabase, openDatabase, type Db } from './database.ts';

export const DATABASE_FILE = 'countersign.db';

export interface StoreKeyOptions {
  prefer?: KeyStorage | undefined;
  secretStore?: SecretStore | null;
}

/**
 * Owner-only modes on the data directory and what it holds (0700 folders, 0600 files), set again on
 * every start in case a copy, a restore or a umask loosened them. Blob files are already written 0600;
 * their folders (at most 256) are checked, not every blob.
 */
export function tightenPermissions(dataDir: string): void {
  if (process.platform === 'win32') return;
  const chmod = (p: string, mode: number) => {
    try {
      if ((fs.lstatSync(p).mode & 0o777) !== mode) fs.chmodSync(p, mode);
    } catch {
      // gone meanwhile, or not ours: nothing to tighten
    }
  };
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmod(dataDir, 0o700);
  for (const e of fs.readdirSync(dataDir, { withFileTypes: true })) {
    const p = path.join(dataDir, e.name);
    if (e.isDirectory()) {
      chmod(p, 0o700);
      for (const inner of fs.readdirSync(p, { withFileTypes: true })) {
        if (inner.isDirectory()) chmod(path.join(p, inner.name), 0o700);
        else if (inner.isFile() && e.name === 'keys') chmod(path.join(p, inner.name), 0o600);
      }
    } else if (e.isFile()) chmod(p, 0o600);
  }
}

/** Row counts of every table, to check an encrypted copy against the original. */
function tableCounts(db: BetterSqlite3.Database): Record<string, number> {
  const names = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[]).map((t) => t.name);
  return Object.fromEntries(names.map((n) => [n, (db.prepare(`SELECT count(*) AS n FROM "${n.replace(/"/g, '""')}"`).get() as { n: number }).n]));
}

/**
 * Encrypts a plain database file in place. The WAL is folded in first; a 0600 backup of the plain
 * file is kept until the encrypted file has been opened with the key and holds the same rows (then
 * it is deleted, unless `keepBackup`); on any failure the plain file is put back.
 */
export function encryptDatabaseFile(file: string, key: Buffer, opts: { keepBackup?: boolean } = {}): { tables: number; rows: number; backup: string | null } {
  if (!isPlainDatabase(file)) throw new Error(`${file} is not a plain SQLite database (already encrypted, or not a database)`);
  const plain = new Database(file) as unknown as BetterSqlite3.Database;
  let before: Record<string, number>;
  try {
    plain.pragma('wal_checkpoint(TRUNCATE)');
    plain.pragma('journal_mode = DELETE');
    before = tableCounts(plain);
  } finally {
    plain.close();
  }
  const backup = `${file}.plain-backup`;
  fs.copyFileSync(file, backup);
  fs.chmodSync(backup, 0o600);
  try {
    const db = new Database(file) as unknown as BetterSqlite3.Database;
    try {
      applyKey(db, key, 'rekey');
    } finally {
      db.close();
    }
    if (isPlainDatabase(file)) throw new Error('the file is still plain after rekey');
    const check = new Database(file) as unknown as BetterSqlite3.Database;
    try {
      applyKey(check, key);
      const after = tableCounts(check);
      if (JSON.stringify(after) !== JSON.stringify(before)) throw new Error('the encrypted copy does not hold the same rows');
      if (check.pragma('quick_check', { simple: true }) !== 'ok') throw new Error('the encrypted copy fails its integrity check');
    } finally {
      check.close();
    }
  } catch (err) {
    fs.copyFileSync(backup, file);
    fs.rmSync(backup, { force: true });
    throw new Error(`Encrypting ${file} failed, the plain database is unchanged: ${(err as Error).message}`);
  }
  if (!opts.keepBackup) fs.rmSync(backup, { force: true });
  return { tables: Object.keys(before).length, rows: Object.values(before).reduce((a, b) => a + b, 0), backup: opts.keepBackup ? backup : null };
}

/**
 * The data directory's database, encrypted at rest with its own key (kept like the document key:
 * the OS keychain, or a 0600 key file with a warning). A plain database from an older version is
 * encrypted on the spot, and the data directory's modes are tightened.
 */
export async function openDataDirDatabase(dataDir: string, keys: StoreKeyOptions = {}, onWarning: (m: string) => void = (m) => process.stderr.write(`warning: ${m}\n`)): Promise<Db> {
  tightenPermissions(dataDir);
  const file = path.join(dataDir, DATABASE_FILE);
  const key = await resolveDataKey(dataDir, 'database', { ...(keys.prefer ? { prefer: keys.prefer } : {}), ...(keys.secretStore !== undefined ? { secretStore: keys.secretStore } : {}) });
  if (key.warning) onWarning(key.warning);
  // A backup left behind means an encryption was cut off (the process killed mid-rekey): start again from it.
  const backup = `${file}.plain-backup`;
  if (fs.existsSync(backup) && isPlainDatabase(backup)) {
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
    fs.renameSync(backup, file);
    onWarning(`An earlier encryption of ${file} did not finish; it starts again from the plain copy.`);
  }
  if (isPlainDatabase(file)) {
    const r = encryptDatabaseFile(file, key.key);
    onWarning(`The database ${file} was stored unencrypted; it is now encrypted (${r.tables} tables, ${r.rows} rows checked).`);
  }
  const db = openDatabase(file, undefined, { key: key.key });
  tightenPermissions(dataDir);
  return db;
}
