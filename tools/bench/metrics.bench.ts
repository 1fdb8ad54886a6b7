// The cost of collecting metrics: nothing extra is written per document (insights read what the
// pipeline records), so the cost is (a) the four time indexes of migration 010 on the pipeline's writes
// and (b) computing a snapshot or an hourly upload from the store, per document in the window.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeviceInsights } from '../../src-main/insights/device-insights.ts';
import { openDatabase, type Db } from '../../src-main/store/database.ts';
import { migrations } from '../../src-main/store/migrations/index.ts';
import { BUNDLED } from '../../src-main/understand/pipeline-understanding.ts';
import { loadPolicy } from '../../src-main/route/policy.ts';

const DOCS = Number(process.env.METRICS_BENCH_DOCS ?? 2000);
const FIELDS = ['vendor', 'documentNumber', 'issueDate', 'total', 'subtotal', 'tax', 'currency', 'iban'];
const LABELS = ['invoice', 'receipt', 'receipt', 'receipt', 'other'];

/** The pipeline's write pattern for one document: row, text stage, understanding, review task and decision for some. */
function writeDocs(db: Db, start: Date): number {
  const doc = db.prepare(`INSERT INTO documents (sha256, file_name, size_bytes, status, stage, created_at, updated_at) VALUES (?, ?, 1000, 'pending', 'text', ?, ?)`);
  const text = db.prepare(`UPDATE documents SET page_count = 1, text_source = 'pdf_text', text_engine = 'pdfjs-5', char_count = 900, stage = 'understand', timings_json = ?, updated_at = ? WHERE id = ?`);
  const run = db.prepare(`INSERT INTO stage_runs (document_id, stage, status, started_at, duration_ms, engine) VALUES (?, ?, 'ok', ?, ?, ?)`);
  const pred = db.prepare(`INSERT INTO predictions (document_id, kind, label, score, scores_json, model_name, model_version, model_sha256, execution_provider, created_at) VALUES (?, 'doc_type', ?, ?, '{}', 'countersign-doc-classifier/model_quantized.onnx', '1.1.0', 'x', 'cpu', ?)`);
  const field = db.prepare(`INSERT INTO extractions (document_id, field, value, confidence, source, created_at) VALUES (?, ?, ?, 0.9, 'generic', ?)`);
  const done = db.prepare(`UPDATE documents SET status = 'processed', stage = NULL, doc_type = ?, doc_type_score = ?, route_action = ?, policy_version = '2026.12.2', model_json = '{"name":"countersign-doc-classifier/model_quantized.onnx","version":"1.1.0","sha256":"x","executionProvider":"cpu"}', timings_json = ?, updated_at = ? WHERE id = ?`);
  const task = db.prepare(`INSERT INTO tasks (document_id, status, reasons_json, priority, policy_version, qa_sampled, created_at, decided_at) VALUES (?, ?, '[]', 1, '2026.12.2', ?, ?, ?)`);
  const decision = db.prepare(`INSERT INTO decisions (task_id, document_id, action, actor, changes_json, time_spent_ms, policy_version, created_at) VALUES (?, ?, ?, 'rita', ?, ?, '2026.12.2', ?)`);
  const t0 = performance.now();
  for (let i = 0; i < DOCS; i++) {
    const at = new Date(start.getTime() + i * 60_000).toISOString();
    const label = LABELS[i % LABELS.length]!;
    const timings = { read: 0.4, ingest: 20 + (i % 7), text: 40 + (i % 50), classify: 15 + (i % 9), extract: 30 + (i % 13), rules: 1, route: 0.4, understand: 50 + (i % 30) };
    db.transaction(() => {
      const id = Number(doc.run(randomBytes(32).toString('hex'), `doc-${i}.pdf`, at, at).lastInsertRowid);
      text.run(JSON.stringify(timings), at, id);
      run.run(id, 'text', at, timings.text, 'pdfjs-5');
    })();
    db.transaction(() => {
      const id = i + 1;
      pred.run(id, label, 0.9 + (i % 10) / 100, at);
      for (const f of FIELDS) field.run(id, f, `${f}-${i % 40}`, at);
      run.run(id, 'understand', at, timings.understand, 'countersign-doc-classifier@1.1.0');
      const route = i % 3 === 0 ? 'review' : 'auto_approve';
      done.run(label, 0.95, route, JSON.stringify(timings), at, id);
      if (route === 'review') {
        const decided = i % 2 === 0;
        const taskId = Number(task.run(id, decided ? 'decided' : 'open', i % 9 === 0 ? 1 : 0, at, decided ? at : null).lastInsertRowid);
        if (decided) decision.run(taskId, id, i % 4 === 0 ? 'correct' : 'approve', i % 4 === 0 ? JSON.stringify([{ field: 'total', oldValue: '1', newValue: '2' }]) : '[]', 20_000 + (i % 17) * 1000, at);
      }
    })();
  }
  return performance.now() - t0;
}

function store(withMetricsIndexes: boolean): { db: Db; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-metrics-bench-'));
  const db = openDatabase(path.join(dir, 'countersign.db'), withMetricsIndexes ? migrations : migrations.filter((m) => m.version !== 10), { key: randomBytes(32) });
  return { db, dir };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export default async function metricsBench(): Promise<string> {
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const now = new Date();
  const start = new Date(now.getTime() - DOCS * 60_000);
  const writes: Record<string, number[]> = { without: [], with: [] };
  let insights: DeviceInsights | null = null;
  let kept: { db: Db; dir: string } | null = null;
  const rounds = Number(process.env.METRICS_BENCH_ROUNDS ?? 5);
  for (let round = 0; round < rounds; round++) {
    for (const variant of ['without', 'with'] as const) {
      const s = store(variant === 'with');
      writes[variant]!.push(writeDocs(s.db, start));
      if (variant === 'with' && round === rounds - 1) kept = s;
      else {
        s.db.close();
        fs.rmSync(s.dir, { recursive: true, force: true });
      }
    }
  }
  const bundledPolicy = loadPolicy(BUNDLED.policyFile);
  insights = new DeviceInsights({ db: kept!.db, modelDir: () => BUNDLED.modelDir, policy: () => bundledPolicy, primary: { executionProvider: 'cpu', ocrEngine: 'ppocr-v4/onnxruntime' } });
  const time = (fn: () => unknown) => {
    const t0 = performance.now();
    fn();
    return performance.now() - t0;
  };
  const snap: number[] = [];
  const hourly: number[] = [];
  let hoursSent = 0;
  let bytes = 0;
  for (let i = 0; i < 5; i++) {
    snap.push(time(() => insights!.snapshot('all', now)));
    hourly.push(
      time(() => {
        const u = insights!.upload({ from: null, to: new Date(now.getTime() + 1).toISOString() }, (v) => v);
        hoursSent = u.hours.length;
        bytes = JSON.stringify(u).length;
      }),
    );
  }
  kept!.db.close();
  fs.rmSync(kept!.dir, { recursive: true, force: true });
  const w0 = median(writes.without!);
  const w1 = median(writes.with!);
  const per = (ms: number) => `${((ms / DOCS) * 1000).toFixed(1)} µs`;
  return [
    '## Metrics: the cost of collecting them (issue 13)',
    '',
    `${DOCS} documents written with the pipeline's pattern (two transactions each, 8 fields, a third to review, half of those decided) into an encrypted store; median of ${rounds} runs, alternating. Load average before: ${load}.`,
    '',
    '| what | total | per document |',
    '|---|---|---|',
    `| pipeline writes without the metrics indexes (migrations 001–006) | ${w0.toFixed(0)} ms | ${per(w0)} |`,
    `| pipeline writes with migration 010's four time indexes | ${w1.toFixed(0)} ms | ${per(w1)} |`,
    `| extra write cost of collecting metrics | ${(w1 - w0).toFixed(0)} ms | ${per(w1 - w0)} (${(((w1 - w0) / w0) * 100).toFixed(1)}%) |`,
    `| insights snapshot over all ${DOCS} documents (\`countersign stats --window all\`), median of 5 | ${median(snap).toFixed(0)} ms | ${per(median(snap))} |`,
    `| hourly aggregates for the hub (${hoursSent} hours, ${(bytes / 1024).toFixed(0)} KiB JSON), median of 5 | ${median(hourly).toFixed(0)} ms | ${per(median(hourly))} |`,
    '',
  ].join('\n');
}
