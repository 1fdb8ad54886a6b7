import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTextPdf, sampleInvoiceLines } from '../testing/make-pdf.ts';
import { openStoredDatabase } from '../store/testing.ts';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'bin', 'countersign.mjs');

/** A small deterministic RNG so a failing kill schedule can be replayed. */
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs the CLI; with `killAfterFirstResultMs`, kills it with SIGKILL that long after its first result line, i.e. mid-batch. */
function runCli(args: string[], killAfterFirstResultMs?: number): Promise<{ code: number | null; signal: string | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, COUNTERSIGN_KEY_STORAGE: 'file' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let timer: NodeJS.Timeout | null = null;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (killAfterFirstResultMs !== undefined && !timer) timer = setTimeout(() => child.kill('SIGKILL'), killAfterFirstResultMs);
    });
    child.stderr.on('data', () => {});
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout });
    });
  });
}

describe('killed with SIGKILL mid-batch, then restarted', () => {
  it('ends with every document processed exactly once and an intact audit chain', async () => {
    const input = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-kill-in-'));
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-kill-data-'));
    for (let i = 0; i < 14; i++) fs.writeFileSync(path.join(input, `inv-${String(i).padStart(2, '0')}.pdf`), makeTextPdf([sampleInvoiceLines(i), [`page 2 of invoice ${i}`]]));
    // Two scans so OCR work is in flight when a kill lands, and a repeat of the same bytes.
    fs.copyFileSync(path.join(ROOT, 'resources/samples/receipt-001.jpg'), path.join(input, 'scan-a.jpg'));
    fs.copyFileSync(path.join(ROOT, 'resources/samples/oyo-scan.jpg'), path.join(input, 'scan-b.jpg'));
    fs.copyFileSync(path.join(input, 'inv-03.pdf'), path.join(input, 'zz-repeat-of-03.pdf'));
    const distinct = 16;

    const rng = mulberry32(20261125);
    let killed = 0;
    for (let round = 0; round < 8 && killed < 4; round++) {
      const r = await runCli(['process', input, '--data-dir', dataDir, '--json', '--workers', '2'], Math.floor(rng() * 2500));
      if (r.signal === 'SIGKILL') killed += 1;
      else break; // the batch completed before the kill landed: nothing left to interrupt
    }
    expect(killed).toBeGreaterThanOrEqual(3);
    const final = await runCli(['process', input, '--data-dir', dataDir, '--json', '--workers', '2']);
    expect(final.code).toBe(0);
    const lines = final.stdout.trim().split('\n').map((l) => JSON.parse(l) as { status: string; file: string });
    expect(lines).toHaveLength(distinct + 1);
    expect(lines.every((l) => l.status === 'processed' || l.status === 'duplicate')).toBe(true);

    const db = openStoredDatabase(dataDir, { readonly: true });
    const originals = db.prepare(`SELECT sha256, status FROM documents WHERE status != 'duplicate'`).all() as { sha256: string; status: string }[];
    expect(originals).toHaveLength(distinct);
    expect(originals.every((o) => o.status === 'processed')).toBe(true);
    const processedEvents = db.prepare(`SELECT document_sha256 AS sha, count(*) AS n FROM audit WHERE event = 'document.processed' GROUP BY document_sha256`).all() as { sha: string; n: number }[];
    expect(processedEvents).toHaveLength(distinct);
    expect(processedEvents.every((e) => e.n === 1)).toBe(true);
    const pageRows = db.prepare(`SELECT count(*) AS n FROM pages`).get() as { n: number };
    expect(pageRows.n).toBe(14 * 2 + 2);
    db.close();

    const verify = spawnSync(process.execPath, [CLI, 'audit', 'verify', '--data-dir', dataDir], { encoding: 'utf8', env: { ...process.env, COUNTERSIGN_KEY_STORAGE: 'file' } });
    expect(verify.stdout).toMatch(/Audit chain intact/);
    expect(verify.status).toBe(0);
  }, 600_000);
});
