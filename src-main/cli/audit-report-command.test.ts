import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../../e2e/support/browser.ts';
import { Engine } from '../engine/engine.ts';
import { main } from './main.ts';
import { parseExport } from '../../src-common/audit-report/verify-export.ts';

const ROOT = path.resolve(__dirname, '../..');
const SAMPLES = path.join(ROOT, 'resources', 'samples');

/** `countersign audit report` and `audit verify --export` on a data directory with real processed documents and a reviewer's decision. */
describe('audit reports for auditors', () => {
  let dataDir: string;
  let out: string;
  let stdout: string[] = [];
  const cli = async (...args: string[]) => {
    stdout = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => (stdout.push(String(s)), true)) as typeof process.stdout.write;
    const errWrite = process.stderr.write.bind(process.stderr);
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      return await main([...args, '--data-dir', dataDir]);
    } finally {
      process.stdout.write = write;
      process.stderr.write = errWrite;
    }
  };

  beforeAll(async () => {
    process.env.COUNTERSIGN_KEY_STORAGE = 'file';
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-report-'));
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-report-out-'));
    const engine = await Engine.open({ dataDir, keyStorage: 'file', onWarning: () => {}, ocrWorkers: 1 });
    try {
      await engine.process([path.join(SAMPLES, 'AzureInterior.pdf'), path.join(SAMPLES, 'coolblue1.pdf')], 'clerk');
      const open = await engine.handlers['tasks.list']({ offset: 0, limit: 10, status: 'open' });
      expect(open.items.length).toBeGreaterThan(0);
      await engine.handlers['tasks.decide']({ taskId: open.items[0]!.id, action: 'correct', actor: 'rita', corrections: { total: '1.00' }, timeSpentMs: 3100 });
    } finally {
      await engine.close();
    }
  }, 300_000);
  afterAll(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('an exported JSON Lines report verifies against the recorded chain', async () => {
    const file = path.join(out, 'all.jsonl');
    expect(await cli('audit', 'report', '--format', 'jsonl', '--out', file)).toBe(0);
    const exp = parseExport(fs.readFileSync(file, 'utf8'));
    expect(exp.header.verification.chain.ok).toBe(true);
    expect(exp.header.verification.hashes).toMatchObject({ ok: true, checked: exp.entries.length });
    expect(exp.header.verification.signatures.status).toBe('not_checked');
    const routed = exp.entries.filter((e) => e.event === 'document.routed');
    expect(routed).toHaveLength(2);
    expect(routed.every((e) => e.model?.name && e.policyVersion)).toBe(true);
    expect(await cli('audit', 'verify', '--export', file)).toBe(0);
    expect(stdout.join('')).toContain(`Export verifies: its ${exp.entries.length} entries are the recorded ones`);
  });

  it('an edited export fails verification naming the entry; so do a removed and an added one', async () => {
    const file = path.join(out, 'rita.jsonl');
    expect(await cli('audit', 'report', '--user', 'rita', '--out', file)).toBe(0);
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    const decided = JSON.parse(lines[1]!);
    expect(decided.event).toBe('task.corrected');

    const edited = path.join(out, 'edited.jsonl');
    fs.writeFileSync(edited, [lines[0], JSON.stringify({ ...decided, data: { ...decided.data, timeSpentMs: 99 } })].join('\n'));
    expect(await cli('audit', 'verify', '--export', edited)).toBe(1);
    expect(stdout.join('')).toContain(`Export does NOT verify: entry ${decided.seq} (task.corrected) was edited: data differs from the recorded entry`);

    const removed = path.join(out, 'removed.jsonl');
    fs.writeFileSync(removed, `${lines[0]}\n`);
    expect(await cli('audit', 'verify', '--export', removed)).toBe(1);
    expect(stdout.join('')).toContain(`entry ${decided.seq} (task.corrected) is missing from the export: it was removed`);

    const forged = path.join(out, 'forged.jsonl');
    fs.writeFileSync(forged, [lines[0], lines[1], JSON.stringify({ ...decided, seq: 1, actor: 'rita' })].join('\n'));
    expect(await cli('audit', 'verify', '--export', forged)).toBe(1);
    expect(stdout.join('')).toMatch(/entry 1 \(task\.corrected\) is not one the export's filters choose: it was edited/);
  });

  it('chooses by period and document, and writes CSV with model and policy per entry', async () => {
    const empty = path.join(out, 'future.jsonl');
    expect(await cli('audit', 'report', '--from', '2999-01-01', '--out', empty)).toBe(0);
    expect(parseExport(fs.readFileSync(empty, 'utf8')).entries).toHaveLength(0);
    expect(await cli('audit', 'report', '--from', 'yesterday', '--out', empty)).toBe(2);

    const csv = path.join(out, 'doc.csv');
    expect(await cli('audit', 'report', '--document', '1', '--format', 'csv', '--out', csv)).toBe(0);
    const rows = fs.readFileSync(csv, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('seq,ts,actor,event,document_sha256,model_name,model_version,model_sha256,execution_provider,policy_version,data_json,prev_hash,hash');
    const routed = rows.find((r) => r.includes(',document.routed,'))!;
    expect(routed).toMatch(/,document\.routed,[0-9a-f]{64},[^,]+,[^,]+,[0-9a-f]{64},[^,]+,[^,]+,/);
    expect(new Set(rows.slice(1).map((r) => r.split(',')[4]))).toEqual(new Set([rows[1]!.split(',')[4]]));
  });

  it.skipIf(!hasChromium)('prints a PDF with the verification section and the model and policy of each decision', async () => {
    const pdf = path.join(out, 'report.pdf');
    expect(await cli('audit', 'report', '--format', 'pdf', '--out', pdf)).toBe(0);
    const bytes = new Uint8Array(fs.readFileSync(pdf));
    expect(Buffer.from(bytes.subarray(0, 5)).toString()).toBe('%PDF-');
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const doc = await pdfjs.getDocument({ data: bytes }).promise;
    let text = '';
    for (let i = 1; i <= doc.numPages; i++) text += `${(await (await doc.getPage(i)).getTextContent()).items.map((t) => ('str' in t ? t.str : '')).join(' ')}\n`;
    expect(text).toContain('Verification');
    expect(text).toMatch(/Chain:\s*✓\s*intact/);
    expect(text).toMatch(/hashes recomputed/);
    expect(text).toContain('corrected');
    expect(text).toMatch(/policy \S+/);
  }, 120_000);
});
