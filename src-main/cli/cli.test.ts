import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProcessResultSchema } from '../../src-shared/process-result.ts';
import { openStoredDatabase } from '../store/testing.ts';

const ROOT = path.resolve(__dirname, '../..');
const cli = (args: string[]) =>
  spawnSync(process.execPath, [path.join(ROOT, 'bin', 'countersign.mjs'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, COUNTERSIGN_KEY_STORAGE: 'file' },
    timeout: 300_000,
  });

describe('countersign CLI', () => {
  it('exits 2 on usage errors', () => {
    expect(cli(['process']).status).toBe(2);
    expect(cli(['no-such-command']).status).toBe(2);
    expect(cli(['process', 'x', '--max-pages', 'zero']).status).toBe(2);
  });

  it('processes the bundled samples: one JSON object per document in input order, exit 1 when one failed', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-cli-'));
    const samples = path.join(ROOT, 'resources', 'samples');
    const r = cli(['process', samples, '--data-dir', dataDir, '--json']);
    const lines = r.stdout.trim().split('\n').map((l) => ProcessResultSchema.parse(JSON.parse(l)));
    expect(lines.map((l) => path.basename(l.file))).toEqual(fs.readdirSync(samples).sort());
    const byName = Object.fromEntries(lines.map((l) => [path.basename(l.file), l]));
    expect(byName['truncated.pdf']).toMatchObject({ status: 'failed', error: { code: 'corrupt_pdf' } });
    expect(byName['coolblue1.pdf']).toMatchObject({ status: 'processed', text: { source: 'pdf_text' } });
    expect(byName['receipt-001.jpg']).toMatchObject({ status: 'processed', text: { source: 'ocr' } });
    expect(r.status).toBe(1);

    const verify = cli(['audit', 'verify', '--data-dir', dataDir]);
    expect(verify.status).toBe(0);
    const exported = cli(['audit', 'export', '--data-dir', dataDir]);
    const entries = exported.stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; event: string });
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    expect(entries.some((e) => e.event === 'document.failed')).toBe(true);

    // Someone edits the SQLite file behind the app's back.
    const db = openStoredDatabase(dataDir);
    db.exec('DROP TRIGGER audit_no_update');
    db.prepare(`UPDATE audit SET actor = 'mallory' WHERE seq = 3`).run();
    db.close();
    const broken = cli(['audit', 'verify', '--data-dir', dataDir]);
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(/BROKEN at entry 3/);
  }, 300_000);

  it('prints the text it reads', () => {
    const r = cli(['text', path.join(ROOT, 'resources', 'samples', 'coolblue1.pdf')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--- page 1 \(PDF text/);
    expect(r.stdout.toLowerCase()).toContain('coolblue');
  });

  it('prints the text of several files as JSON lines, naming a file it cannot read', () => {
    const r = cli(['text', '--jsonl', path.join(ROOT, 'resources', 'samples', 'coolblue1.pdf'), path.join(ROOT, 'no-such-file.pdf')]);
    expect(r.status).toBe(1);
    const [read, missing] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(read.pages[0]).toMatchObject({ pageNo: 1, source: 'pdf_text' });
    expect(read.pages[0].text.toLowerCase()).toContain('coolblue');
    expect(missing).toMatchObject({ file: expect.stringContaining('no-such-file.pdf'), error: { code: 'file_missing' } });
  });
});
