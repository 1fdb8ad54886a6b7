// The cost of encrypting the local store at rest (SQLCipher 4 format through SQLite3 Multiple
// Ciphers): the pipeline's write pattern (one transaction per document: a row, its pages, words and
// field values) and the reviewer's reads (a document with its words), plain against encrypted.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../../src-main/store/database.ts';

const DOCS = Number(process.env.STORE_BENCH_DOCS ?? 400);
const WORDS_PER_PAGE = 300;

function writeDocs(db: Db): number {
  const doc = db.prepare(`INSERT INTO documents (sha256, file_name, size_bytes, status, created_at, updated_at) VALUES (?, ?, 1000, 'processed', '', '')`);
  const page = db.prepare(`INSERT INTO pages (document_id, page_no, width, height, source, engine, text) VALUES (?, 1, 612, 792, 'pdf_text', 'pdfjs', ?)`);
  const word = db.prepare(`INSERT INTO words (document_id, page_no, idx, text, x0, y0, x1, y1, confidence, line) VALUES (?, 1, ?, ?, 0.1, 0.1, 0.2, 0.12, 1, ?)`);
  const field = db.prepare(`INSERT INTO extractions (document_id, field, value, confidence, source, created_at) VALUES (?, ?, ?, 0.9, 'generic', '')`);
  const t0 = performance.now();
  for (let i = 0; i < DOCS; i++) {
    db.transaction(() => {
      const id = Number(doc.run(randomBytes(32).toString('hex'), `invoice-${i}.pdf`).lastInsertRowid);
      const words = Array.from({ length: WORDS_PER_PAGE }, (_, w) => `word${(i * 31 + w) % 997}`);
      page.run(id, words.join(' '));
      words.forEach((w, k) => word.run(id, k, w, Math.floor(k / 10)));
      for (const f of ['vendor', 'total', 'iban', 'vendorTaxId', 'issueDate']) field.run(id, f, `${f}-${i}`);
    })();
  }
  return performance.now() - t0;
}

function readDocs(db: Db): number {
  const words = db.prepare('SELECT * FROM words WHERE document_id = ? ORDER BY idx');
  const fields = db.prepare('SELECT * FROM extractions WHERE document_id = ?');
  const t0 = performance.now();
  for (let i = 1; i <= DOCS; i++) {
    words.all(i);
    fields.all(i);
  }
  return performance.now() - t0;
}

function run(key: Buffer | undefined): { write: number; read: number; open: number; bytes: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-store-bench-'));
  const file = path.join(dir, 'countersign.db');
  const db = openDatabase(file, undefined, key ? { key } : {});
  const write = writeDocs(db);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const t0 = performance.now();
  const again = openDatabase(file, undefined, key ? { key } : {});
  const open = performance.now() - t0;
  const read = readDocs(again);
  again.close();
  const bytes = fs.statSync(file).size;
  fs.rmSync(dir, { recursive: true, force: true });
  return { write, read, open, bytes };
}

export default async function storeBench(): Promise<string> {
  const key = randomBytes(32);
  run(undefined); // warm the file cache and the statement paths
  const plain = run(undefined);
  const enc = run(key);
  const pct = (a: number, b: number) => `${b >= a ? '+' : ''}${(((b - a) / a) * 100).toFixed(0)}%`;
  const row = (name: string, a: number, b: number) => `| ${name} | ${a.toFixed(0)} | ${b.toFixed(0)} | ${pct(a, b)} |`;
  return [
    '## store',
    '',
    `${DOCS} documents, one page of ${WORDS_PER_PAGE} words and 5 field values each, one transaction per document (WAL, synchronous=NORMAL).`,
    '',
    '| | plain (ms) | encrypted (ms) | overhead |',
    '|---|---:|---:|---:|',
    row('write all documents', plain.write, enc.write),
    row('read every document (words, fields)', plain.read, enc.read),
    row('open the file', plain.open, enc.open),
    `| file size (KiB) | ${(plain.bytes / 1024).toFixed(0)} | ${(enc.bytes / 1024).toFixed(0)} | ${pct(plain.bytes, enc.bytes)} |`,
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${await storeBench()}\n`);
