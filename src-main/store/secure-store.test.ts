import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../engine/engine.ts';
import { makeTextPdf } from '../testing/make-pdf.ts';
import { isPlainDatabase, openDatabase, WrongDatabaseKeyError } from './database.ts';
import { DATABASE_FILE, encryptDatabaseFile, openDataDirDatabase } from './secure-store.ts';

const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));
const mode = (p: string) => fs.statSync(p).mode & 0o777;
/** Every byte SQLite keeps for the database: the file and its WAL. */
const rawBytes = (dataDir: string) =>
  Buffer.concat([DATABASE_FILE, `${DATABASE_FILE}-wal`].map((f) => path.join(dataDir, f)).filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));

const SECRET_LINE = 'Settlement for Kowalczyk divorce case';

describe('the local store at rest', () => {
  it('keeps page text, words and field values encrypted, in owner-only files', async () => {
    const dataDir = tmp('cs-store-');
    const inbox = tmp('cs-store-in-');
    fs.writeFileSync(path.join(inbox, 'letter.pdf'), makeTextPdf([[SECRET_LINE, 'IBAN DE89 3704 0044 0532 0130 00']]));
    const engine = await Engine.open({ dataDir, understanding: null, keyStorage: 'file', onWarning: () => {}, ocrWorkers: 1 });
    const [r] = await engine.process([inbox]);
    expect(r!.status).toBe('processed');
    expect((await engine.handlers['documents.text']({ id: r!.documentId! })).text).toContain(SECRET_LINE);
    const file = path.join(dataDir, DATABASE_FILE);
    // While the app runs (the WAL holds the newest pages) and after it closes.
    for (const when of ['open', 'closed']) {
      if (when === 'closed') await engine.close();
      const raw = rawBytes(dataDir);
      expect(raw.length).toBeGreaterThan(4096);
      expect(raw.includes(Buffer.from('SQLite format 3')), `plain header (${when})`).toBe(false);
      for (const s of [SECRET_LINE, 'Kowalczyk', 'DE89', 'letter.pdf']) expect(raw.includes(Buffer.from(s)), `${s} in the database file (${when})`).toBe(false);
    }
    expect(isPlainDatabase(file)).toBe(false);
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(file)).toBe(0o600);
    for (const f of fs.readdirSync(path.join(dataDir, 'keys'))) expect(mode(path.join(dataDir, 'keys', f)), f).toBe(0o600);

    // The same data directory opens again; a wrong key is a clear error, not garbage.
    const again = await Engine.open({ dataDir, understanding: null, keyStorage: 'file', onWarning: () => {}, ocrWorkers: 1 });
    expect((await again.handlers['documents.text']({ id: r!.documentId! })).text).toContain(SECRET_LINE);
    expect(again.audit.verify()).toMatchObject({ ok: true });
    await again.close();
    expect(() => openDatabase(file, undefined, { key: Buffer.alloc(32, 1) })).toThrow(WrongDatabaseKeyError);
  });

  it('encrypts a plain database from an older version on start, keeping every row, and tightens loose modes', async () => {
    const dataDir = tmp('cs-store-old-');
    const file = path.join(dataDir, DATABASE_FILE);
    const plain = openDatabase(file);
    plain.prepare(`INSERT INTO documents (id, sha256, file_name, size_bytes, status, created_at, updated_at) VALUES (1, 'a', 'old.pdf', 1, 'processed', '', '')`).run();
    plain.prepare(`INSERT INTO pages (document_id, page_no, width, height, source, engine, text) VALUES (1, 1, 10, 10, 'pdf_text', 'x', ?)`).run(SECRET_LINE);
    plain.close();
    fs.chmodSync(dataDir, 0o755);
    fs.chmodSync(file, 0o644);
    expect(isPlainDatabase(file)).toBe(true);
    expect(fs.readFileSync(file).includes(Buffer.from(SECRET_LINE))).toBe(true);

    const warnings: string[] = [];
    const db = await openDataDirDatabase(dataDir, { prefer: 'file' }, (m) => warnings.push(m));
    expect(db.prepare('SELECT text FROM pages WHERE document_id = 1').get()).toEqual({ text: SECRET_LINE });
    db.close();
    expect(warnings.join('\n')).toMatch(/was stored unencrypted; it is now encrypted \(\d+ tables, 2 rows checked\)/);
    expect(isPlainDatabase(file)).toBe(false);
    expect(rawBytes(dataDir).includes(Buffer.from(SECRET_LINE))).toBe(false);
    expect(fs.existsSync(`${file}.plain-backup`)).toBe(false);
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(file)).toBe(0o600);
    expect(() => encryptDatabaseFile(file, Buffer.alloc(32, 2))).toThrow(/not a plain SQLite database/);
  });

  it('starts the encryption again from the plain backup when a process was killed in the middle of it', async () => {
    const dataDir = tmp('cs-store-cut-');
    const file = path.join(dataDir, DATABASE_FILE);
    const plain = openDatabase(file);
    plain.prepare(`INSERT INTO documents (id, sha256, file_name, size_bytes, status, created_at, updated_at) VALUES (7, 'b', 'kept.pdf', 1, 'processed', '', '')`).run();
    plain.pragma('wal_checkpoint(TRUNCATE)');
    plain.close();
    // What a kill mid-rekey leaves: the backup, and a main file that is neither plain nor readable.
    fs.copyFileSync(file, `${file}.plain-backup`);
    const half = fs.readFileSync(file);
    half.fill(0x5a, 0, 4096);
    fs.writeFileSync(file, half);
    const warnings: string[] = [];
    const db = await openDataDirDatabase(dataDir, { prefer: 'file' }, (m) => warnings.push(m));
    expect(db.prepare('SELECT file_name FROM documents WHERE id = 7').get()).toEqual({ file_name: 'kept.pdf' });
    db.close();
    expect(warnings.join('\n')).toMatch(/did not finish; it starts again from the plain copy[\s\S]*now encrypted/);
    expect(fs.existsSync(`${file}.plain-backup`)).toBe(false);
    expect(isPlainDatabase(file)).toBe(false);
  });
});
