import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src-shared/contract/dispatch.ts';
import { engineContract } from '../../src-shared/contract/index.ts';
import { InsightsSnapshotSchema, type InsightsSnapshot } from '../../src-shared/insights.ts';
import { main } from '../cli/main.ts';
import { Engine } from '../engine/engine.ts';
import { makeTextPdf, sampleInvoiceLines } from '../testing/make-pdf.ts';
import { formatInsights } from './format-insights.ts';
import { BUNDLED_MODEL_VERSION } from '../testing/bundled-model.ts';

const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));
let engine: Engine;
let dataDir: string;
let snapshot: InsightsSnapshot;
let decided: { approve: number; correct: number };

beforeAll(async () => {
  dataDir = tmp('cs-insights-');
  engine = await Engine.open({ dataDir, keyStorage: 'file', onWarning: () => {}, ocrWorkers: 1 });
  const dir = tmp('cs-insights-in-');
  for (let n = 1; n <= 4; n++) fs.writeFileSync(path.join(dir, `inv-${n}.pdf`), makeTextPdf([sampleInvoiceLines(n * 1000)]));
  fs.writeFileSync(path.join(dir, 'letter.pdf'), makeTextPdf([['Dear neighbours,', 'the garden party is on Sunday at three.', 'Please bring a chair.', 'Kind regards, Anna']]));
  fs.writeFileSync(path.join(dir, 'empty.pdf'), '');
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a document');
  await engine.process([dir]);
  await engine.process([path.join(dir, 'inv-1.pdf')]); // a duplicate
  const open = await engine.handlers['tasks.list']({ status: 'open', offset: 0, limit: 50 });
  // Two invoices the machine read fields of: one approved as is, one with its total corrected.
  const [first, second] = open.items.filter((t) => t.docType === 'invoice' && t.total !== null);
  expect(second).toBeDefined();
  await engine.handlers['tasks.decide']({ taskId: first!.id, action: 'approve', actor: 'rita', timeSpentMs: 12_000 });
  await engine.handlers['tasks.decide']({ taskId: second!.id, action: 'correct', actor: 'rita', corrections: { total: '1.00' }, timeSpentMs: 48_000 });
  decided = { approve: 1, correct: 1 };
  const r = await dispatch(engineContract, engine.handlers, 'insights.get', { window: '24h' });
  if (!r.ok) throw new Error(r.error.message);
  snapshot = r.value as InsightsSnapshot;
}, 180_000);
afterAll(async () => engine?.close());

describe('insights from real processed documents and real decisions', () => {
  it('answers insights.get with a snapshot the contract accepts', () => {
    expect(InsightsSnapshotSchema.parse(snapshot)).toBeTruthy();
    expect(snapshot.model?.version).toBe(BUNDLED_MODEL_VERSION);
    expect(snapshot.policyVersion).toMatch(/^\d{4}\.\d+\.\d+$/);
  });

  it('shows where the time went: P50/P95/P99 per stage, and the slowest stage', () => {
    const stage = (s: string) => snapshot.stages.find((x) => x.stage === s)!;
    // Per-document timings as the pipeline stores them (ingest and read only for files that got that far).
    for (const s of ['text', 'classify', 'extract', 'rules', 'route', 'understand']) {
      expect(stage(s).count, s).toBe(5);
      expect(stage(s).p50Ms!).toBeGreaterThan(0);
      expect(stage(s).p99Ms!).toBeGreaterThanOrEqual(stage(s).p95Ms!);
      expect(stage(s).p95Ms!).toBeGreaterThanOrEqual(stage(s).p50Ms!);
    }
    expect(stage('understand').p50Ms!).toBeGreaterThanOrEqual(stage('classify').p50Ms!);
    // End to end: the stages that ran one after another, added up (the pipeline stores a total on failures only).
    expect(stage('total').count).toBe(5);
    expect(stage('total').p50Ms!).toBeGreaterThanOrEqual(stage('text').p50Ms!);
    expect(snapshot.slowestStage).not.toBe('total');
    expect(['text', 'understand', 'classify', 'extract', 'ingest', 'read', 'rules', 'route']).toContain(snapshot.slowestStage);
    expect(snapshot.throughputPerHour).toBeCloseTo(5 / 24, 2);
  });

  it('counts failures by stage and code, duplicates, and documents per text engine and execution provider', () => {
    expect(snapshot.documents).toMatchObject({ processed: 5, failed: 2, duplicate: 1, pending: 0 });
    expect(snapshot.failures).toEqual(expect.arrayContaining([{ stage: 'ingest', code: 'empty_file', count: 1 }, { stage: 'ingest', code: 'unsupported_type', count: 1 }]));
    expect(snapshot.byOcrEngine).toEqual([expect.objectContaining({ engine: expect.stringMatching(/^pdfjs/), pages: 5, failed: 0, count: 5 })]);
    expect(snapshot.byExecutionProvider).toEqual([{ provider: 'cpu', predictions: 5, ocrPages: 0 }]);
  });

  it('shows the human work: review share, queue, decisions, time per review, overrides by field and doc type', () => {
    const r = snapshot.review;
    expect(r.routed.autoApprove + r.routed.review + r.routed.reject).toBe(5);
    expect(r.reviewShare.denominator).toBe(5);
    expect(r.queue.open).toBe(r.routed.review - 2);
    expect(r.decisions).toEqual({ ...decided, reject: 0 });
    expect(r.timePerReview).toMatchObject({ count: 2, p50Ms: 12_000, p99Ms: 48_000 });
    expect(snapshot.overrides.overall).toMatchObject({ numerator: 1, denominator: 2, rate: 0.5 });
    const total = snapshot.overrides.byField.find((f) => f.key === 'total')!;
    expect(total).toMatchObject({ numerator: 1, denominator: 2 });
    expect(snapshot.overrides.byField.find((f) => f.key === 'vendor')).toMatchObject({ numerator: 0 });
    expect(snapshot.overrides.byModelVersion).toEqual([expect.objectContaining({ key: BUNDLED_MODEL_VERSION, numerator: 1, denominator: 2 })]);
  });

  it('compares the predicted classes with the bundled model reference', () => {
    expect(snapshot.drift).toMatchObject({ modelVersion: BUNDLED_MODEL_VERSION, hasReference: true, classified: 5 });
    expect(snapshot.drift.classDistribution.find((c) => c.key === 'receipt')!.reference).toBeGreaterThan(0.5);
    expect(snapshot.drift.classPsi).not.toBeNull();
    // Five documents are below the policy's minimum for a drift alert.
    expect(snapshot.alerts.filter((a) => a.code === 'class_drift')).toEqual([]);
  });

  it('prints the same on the CLI: countersign stats and stats --json', async () => {
    const text = formatInsights(snapshot);
    expect(text).toContain('Slowest stage (P95):');
    expect(text).toMatch(/Overrides: 50\.0% \(1\/2/);
    let out = '';
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
    try {
      await engine.close();
      expect(await main(['stats', '--json', '--window', '24h', '--data-dir', dataDir])).toBe(0);
      expect(await main(['stats', '--window', 'soon', '--data-dir', dataDir])).toBe(2);
    } finally {
      process.stdout.write = write;
    }
    const cli = InsightsSnapshotSchema.parse(JSON.parse(out));
    expect(cli.stages.map((s) => [s.stage, s.count])).toEqual(snapshot.stages.map((s) => [s.stage, s.count]));
    expect(cli.overrides.overall).toEqual(snapshot.overrides.overall);
    engine = await Engine.open({ dataDir, keyStorage: 'file', onWarning: () => {}, ocrWorkers: 1, understanding: null });
  });
});
