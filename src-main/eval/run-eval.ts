import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { ExtractedField, FieldName, TextSource } from '../../src-shared/document-model.ts';
import type { ProcessResult } from '../../src-shared/process-result.ts';
import { Engine } from '../engine/engine.ts';
import type { Understanding } from '../understand/understanding.ts';
import {
  autoApprovedErrorRate,
  characterErrorRate,
  classificationScore,
  expectedCalibrationError,
  fieldMatches,
  reliabilityBins,
  scoreFields,
  type FieldScore,
  type ReliabilityBin,
} from './metrics.ts';
import { clopperPearsonUpper } from './binomial.ts';
import { fieldSamples } from '../calibrate/fit-calibration.ts';
import { rawConfidenceOf } from '../../src-common/routing/field-calibration.ts';

/** One line of a corpus's labels.jsonl (see ../shared/corpus/README.md). */
const LabelSchema = z.object({
  id: z.string(),
  file: z.string(),
  kind: z.string().optional(),
  docType: z.string().optional(),
  fields: z.record(z.string(), z.string()).optional(),
  text: z.string().optional(),
  expect: z.enum(['processed', 'failed', 'processed_or_failed']).optional(),
});
type Label = z.infer<typeof LabelSchema>;

export interface DatasetReport {
  dataset: string;
  documents: number;
  docType: { labelled: number; accuracy: number; macroF1: number; ece: number };
  fields: FieldScore[];
  routes: { auto_approve: number; review: number; reject: number; none: number };
  autoApproved: { count: number; wrong: number; rate: number; /** One-sided 95% exact binomial upper bound on the rate. */ upper95: number };
  /** Per field: how well its confidence predicts being right, before (raw) and after calibration. */
  confidence: FieldConfidenceReport[];
  expectations: { checked: number; held: number; broken: string[] };
  cer: { documents: number; mean: number } | null;
  failures: Record<string, number>;
  /** Each wrong type or field, as `id field: got … want …`, so a reader can see what to fix. */
  misses: string[];
}

export interface FieldConfidenceReport {
  field: FieldName;
  samples: number;
  accuracy: number;
  eceRaw: number;
  eceCalibrated: number;
  /** Reliability of the confidence the engine shows (the calibrated one where a map exists). */
  reliability: ReliabilityBin[];
}

/** One document as the engine left it: enough to re-route it under another policy or calibration without running the engine. */
export interface DocumentOutcome {
  id: string;
  expected: { docType?: string; fields?: Record<string, string> };
  status: string;
  textSource?: TextSource;
  docType?: { label: string; score: number };
  fields: Record<string, { value: string; confidence: number; rawConfidence: number }>;
  rules: { id: string; passed: boolean; detail: string; severity?: 'info' | 'warning' | 'error' }[];
  route?: string;
}

export interface EvalReport {
  folder: string;
  excluded: number;
  datasets: DatasetReport[];
  overall: DatasetReport;
  seconds: number;
  /** Per document (in the JSON report only). */
  documents: DocumentOutcome[];
}

export function readLabels(folder: string): Label[] {
  const files = fs.readdirSync(folder).filter((f) => f.endsWith('.jsonl'));
  if (!files.length) throw new Error(`No labels (*.jsonl) in ${folder}: expected a folder laid out like ../shared/corpus`);
  return files.flatMap((f) =>
    fs
      .readFileSync(path.join(folder, f), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => LabelSchema.parse(JSON.parse(l))),
  );
}

/** Ids the bundled model was trained on: never scored, so the figures are held-out figures. */
export function trainingIds(modelDir: string): Set<string> {
  const f = path.join(modelDir, 'training-documents.json');
  if (!fs.existsSync(f)) return new Set();
  return new Set((JSON.parse(fs.readFileSync(f, 'utf8')) as { ids: string[] }).ids);
}

/** A label's dataset: the first part of its id (`einvoice-flat/ei-…` → `einvoice-flat`). */
export const datasetOf = (id: string) => id.split('/')[0] ?? id;

function score(dataset: string, rows: { label: Label; result: ProcessResult; cer?: number }[]): DatasetReport {
  const typed = rows.filter((r) => r.label.docType && r.result.docType);
  const labelledTypes = rows.filter((r) => r.label.docType);
  const cls = classificationScore(labelledTypes.map((r) => ({ expected: r.label.docType!, predicted: r.result.docType?.label ?? '(none)' })));
  const ece = expectedCalibrationError(typed.map((r) => ({ confidence: r.result.docType!.score, correct: r.result.docType!.label === r.label.docType })));
  const fields = scoreFields(
    rows
      .filter((r) => r.label.fields && r.result.status !== 'duplicate')
      .map((r) => ({
        expected: r.label.fields as Partial<Record<FieldName, string>>,
        predicted: Object.fromEntries(Object.entries(r.result.fields ?? {}).map(([k, f]) => [k, f.value])) as Partial<Record<FieldName, string>>,
      })),
  ).filter((f) => f.field !== 'vendorAddress');
  const routes = { auto_approve: 0, review: 0, reject: 0, none: 0 };
  for (const r of rows) routes[r.result.route?.action ?? 'none'] += 1;
  const aa = autoApprovedErrorRate(
    rows
      .filter((r) => r.result.route)
      .map((r) => ({
        action: r.result.route!.action,
        predictedDocType: r.result.docType?.label ?? '',
        ...(r.label.docType ? { expectedDocType: r.label.docType } : {}),
        ...(r.label.fields?.total ? { expectedTotal: r.label.fields.total } : {}),
        ...(r.result.fields?.total ? { predictedTotal: r.result.fields.total.value } : {}),
      })),
  );
  const labelled = rows
    .filter((r) => r.label.fields && r.result.fields && r.result.status !== 'duplicate')
    .map((r) => ({ expected: r.label.fields as Partial<Record<FieldName, string>>, fields: r.result.fields as Partial<Record<FieldName, ExtractedField>> }));
  const raw = fieldSamples(labelled);
  const shown = new Map(
    [...raw.keys()].map((name) => [
      name,
      labelled.filter((d) => d.fields[name] && d.expected[name] !== undefined).map((d) => ({ confidence: d.fields[name]!.confidence, correct: fieldMatches(name, d.fields[name]!.value, d.expected[name]!) })),
    ]),
  );
  const confidence: FieldConfidenceReport[] = [...raw.entries()].map(([field, samples]) => ({
    field,
    samples: samples.length,
    accuracy: samples.filter((x) => x.correct).length / samples.length,
    eceRaw: expectedCalibrationError(samples),
    eceCalibrated: expectedCalibrationError(shown.get(field)!),
    reliability: reliabilityBins(shown.get(field)!),
  }));
  const expectations = { checked: 0, held: 0, broken: [] as string[] };
  for (const r of rows) {
    if (!r.label.expect) continue;
    expectations.checked += 1;
    const ok = r.label.expect === 'processed_or_failed' || (r.label.expect === 'processed' ? r.result.status === 'processed' : r.result.status === 'failed');
    if (ok) expectations.held += 1;
    else expectations.broken.push(`${r.label.id}: expected ${r.label.expect}, got ${r.result.status}${r.result.error ? ` [${r.result.error.code}]` : ''}`);
  }
  const cers = rows.filter((r) => r.cer !== undefined).map((r) => r.cer!);
  const failures: Record<string, number> = {};
  for (const r of rows) if (r.result.error) failures[r.result.error.code] = (failures[r.result.error.code] ?? 0) + 1;
  const misses: string[] = [];
  for (const r of rows) {
    const got = r.result.docType?.label;
    if (r.label.docType && got !== r.label.docType) misses.push(`${r.label.id} docType: got ${got ?? '(none)'} want ${r.label.docType}`);
    if (r.result.status === 'duplicate') continue;
    for (const [name, want] of Object.entries(r.label.fields ?? {}) as [FieldName, string][]) {
      if (name === 'vendorAddress') continue;
      const value = r.result.fields?.[name]?.value;
      if (!fieldMatches(name, value, want)) misses.push(`${r.label.id} ${name}: got ${JSON.stringify(value ?? null)} want ${JSON.stringify(want)}`);
    }
  }
  return {
    dataset,
    documents: rows.length,
    docType: { labelled: labelledTypes.length, accuracy: cls.accuracy, macroF1: cls.macroF1, ece },
    fields,
    routes,
    autoApproved: { count: aa.autoApproved, wrong: aa.wrong, rate: aa.rate, upper95: clopperPearsonUpper(aa.wrong, aa.autoApproved) },
    confidence,
    expectations,
    cer: cers.length ? { documents: cers.length, mean: cers.reduce((a, b) => a + b, 0) / cers.length } : null,
    failures,
    misses,
  };
}

/**
 * Runs every labelled document of a corpus folder through a fresh engine and scores the outcome per
 * dataset, with the corpus README's judging rules.
 */
export interface EvalOptions {
  modelDir: string;
  dataDir?: string;
  workers?: number;
  /** Keep page OCR in this folder so a rerun (after an extraction or policy change) does not OCR again. */
  ocrCacheDir?: string;
  /** Which half of the corpus: the held-out documents (default), the training half, or all. */
  half?: CorpusHalf;
  /** Only these datasets (the label ids' prefix: sroie, einvoice-flat, …); none given means all. */
  datasets?: string[];
  /** Score every n-th document of each dataset (a quick, deterministic sample). */
  every?: number;
  /** The understanding stages to run (default: the bundled model, rules, policy and calibration). */
  understanding?: () => Promise<Understanding>;
  onProgress?: (done: number, total: number) => void;
}

export type CorpusHalf = 'held-out' | 'training' | 'all';
export type EvalRow = { label: Label; result: ProcessResult; cer?: number };

/** The labels of one half of the corpus: training ids are those the bundled model was trained on. */
export function labelsOfHalf(folder: string, modelDir: string, half: CorpusHalf = 'held-out'): { labels: Label[]; training: Set<string> } {
  const training = trainingIds(modelDir);
  const all = readLabels(folder);
  const labels = half === 'all' ? all : all.filter((l) => training.has(l.id) === (half === 'training'));
  return { labels, training };
}

export async function runEval(folder: string, opts: EvalOptions): Promise<EvalReport> {
  const started = performance.now();
  const { rows, excluded } = await processCorpus(folder, opts);
  return reportOf(folder, rows, excluded, started);
}

/** Every labelled document of one half through a fresh engine; results in label order. */
export async function processCorpus(folder: string, opts: EvalOptions): Promise<{ rows: EvalRow[]; excluded: number }> {
  const all = readLabels(folder);
  if (opts.datasets?.length) {
    const known = new Set(all.map((l) => datasetOf(l.id)));
    const unknown = opts.datasets.filter((d) => !known.has(d));
    if (unknown.length) throw new Error(`No dataset ${unknown.join(', ')} in ${folder}; it has: ${[...known].sort().join(', ')}`);
  }
  const seen = new Map<string, number>();
  const labels = labelsOfHalf(folder, opts.modelDir, opts.half)
    .labels.filter((l) => !opts.datasets?.length || opts.datasets.includes(datasetOf(l.id)))
    .filter((l) => {
      const n = seen.get(datasetOf(l.id)) ?? 0;
      seen.set(datasetOf(l.id), n + 1);
      return !opts.every || n % opts.every === 0;
    });
  const excluded = all.length - labels.length;
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'countersign-eval-'));
  const engine = await Engine.open({
    dataDir,
    keyStorage: 'file',
    onWarning: () => {},
    ...(opts.workers ? { ocrWorkers: opts.workers } : {}),
    ...(opts.ocrCacheDir ? { ocrCacheDir: opts.ocrCacheDir } : {}),
    ...(opts.understanding ? { understanding: opts.understanding } : {}),
  });
  const rows: EvalRow[] = [];
  try {
    let done = 0;
    const results = await engine.pipeline.processSources(
      labels.map((l) => ({ kind: 'path' as const, file: path.join(folder, l.file) })),
      'eval',
      () => opts.onProgress?.(++done, labels.length),
    );
    for (const [i, label] of labels.entries()) {
      const result = results[i]!;
      let cer: number | undefined;
      if (label.text && result.documentId && result.status === 'processed') {
        const reference = fs.readFileSync(path.join(folder, label.text), 'utf8');
        const { text } = await engine.handlers['documents.text']({ id: result.documentId });
        cer = characterErrorRate(text, reference);
      }
      rows.push({ label, result, ...(cer !== undefined ? { cer } : {}) });
    }
  } finally {
    await engine.close();
    if (!opts.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return { rows, excluded };
}

function reportOf(folder: string, rows: EvalRow[], excluded: number, started: number): EvalReport {
  const byDataset = new Map<string, typeof rows>();
  for (const r of rows) byDataset.set(datasetOf(r.label.id), [...(byDataset.get(datasetOf(r.label.id)) ?? []), r]);
  return {
    folder,
    excluded,
    datasets: [...byDataset.entries()].map(([name, rs]) => score(name, rs)),
    overall: score('all', rows),
    seconds: (performance.now() - started) / 1000,
    documents: rows.map(documentOutcome),
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function formatEval(r: EvalReport, opts: { misses?: boolean } = {}): string {
  const out: string[] = [];
  out.push(`# Evaluation on ${r.folder}`, '', `${r.overall.documents} documents scored (${r.excluded} training documents excluded), ${r.seconds.toFixed(0)} s.`, '');
  out.push('| dataset | docs | type acc | macro-F1 | ECE | auto / review / reject / none | auto-approved error | expectations | mean CER |', '|---|---|---|---|---|---|---|---|---|');
  for (const d of [...r.datasets, r.overall]) {
    out.push(
      `| ${d.dataset} | ${d.documents} | ${d.docType.labelled ? pct(d.docType.accuracy) : '–'} | ${d.docType.labelled ? d.docType.macroF1.toFixed(3) : '–'} | ${d.docType.labelled ? d.docType.ece.toFixed(3) : '–'} | ${d.routes.auto_approve} / ${d.routes.review} / ${d.routes.reject} / ${d.routes.none} | ${d.autoApproved.count ? `${pct(d.autoApproved.rate)} (${d.autoApproved.wrong}/${d.autoApproved.count})` : '–'} | ${d.expectations.checked ? `${d.expectations.held}/${d.expectations.checked}` : '–'} | ${d.cer ? `${pct(d.cer.mean)} (${d.cer.documents})` : '–'} |`,
    );
  }
  out.push('', '## Per-field exact match', '', '| dataset | field | labelled | matched | missing | exact match |', '|---|---|---|---|---|---|');
  for (const d of [...r.datasets, r.overall]) {
    for (const f of d.fields) out.push(`| ${d.dataset} | ${f.field} | ${f.labelled} | ${f.matched} | ${f.missing} | ${pct(f.exactMatch)} |`);
  }
  out.push(...formatConfidence(r));
  const broken = r.datasets.flatMap((d) => d.expectations.broken);
  if (broken.length) out.push('', '## Expectations not held', '', ...broken.map((b) => `- ${b}`));
  if (opts.misses) {
    const misses = r.datasets.flatMap((d) => d.misses);
    if (misses.length) out.push('', '## Misses', '', ...misses.map((m) => `- ${m}`));
  }
  const failures = Object.entries(r.overall.failures);
  if (failures.length) out.push('', '## Failures by code', '', ...failures.map(([c, n]) => `- ${c}: ${n}`));
  return `${out.join('\n')}\n`;
}

/** Auto-approved error with its exact upper bound, and per-field calibration (ECE and reliability). */
function formatConfidence(r: EvalReport): string[] {
  const out: string[] = [];
  out.push('', '## Auto-approved error with its 95% upper bound', '', '| dataset | auto-approved | wrong | error | 95% upper bound (exact binomial, one-sided) |', '|---|---|---|---|---|');
  for (const d of [...r.datasets, r.overall]) {
    if (!d.autoApproved.count) continue;
    out.push(`| ${d.dataset} | ${d.autoApproved.count} | ${d.autoApproved.wrong} | ${pct(d.autoApproved.rate)} | ${pct(d.autoApproved.upper95)} |`);
  }
  out.push('', '## Field confidence: calibration', '', 'ECE (10 equal bins) of the raw extractor confidence and of the confidence the engine shows (calibrated where the policy names a calibration).', '');
  out.push('| dataset | field | samples | accuracy | ECE raw | ECE shown |', '|---|---|---|---|---|---|');
  for (const d of [...r.datasets, r.overall]) {
    for (const c of d.confidence) out.push(`| ${d.dataset} | ${c.field} | ${c.samples} | ${pct(c.accuracy)} | ${c.eceRaw.toFixed(3)} | ${c.eceCalibrated.toFixed(3)} |`);
  }
  out.push('', 'Reliability of the shown confidence, all datasets:', '', '| field | bin | samples | mean confidence | share right |', '|---|---|---|---|---|');
  for (const c of r.overall.confidence) {
    for (const b of c.reliability) out.push(`| ${c.field} | ${b.from.toFixed(1)}–${b.to.toFixed(1)} | ${b.count} | ${b.meanConfidence.toFixed(3)} | ${pct(b.accuracy)} |`);
  }
  return out;
}

export function documentOutcome(r: EvalRow): DocumentOutcome {
  return {
    id: r.label.id,
    expected: { ...(r.label.docType ? { docType: r.label.docType } : {}), ...(r.label.fields ? { fields: r.label.fields } : {}) },
    status: r.result.status,
    ...(r.result.text ? { textSource: r.result.text.source } : {}),
    ...(r.result.docType ? { docType: r.result.docType } : {}),
    fields: Object.fromEntries(Object.entries(r.result.fields ?? {}).map(([k, f]) => [k, { value: f.value, confidence: f.confidence, rawConfidence: rawConfidenceOf(f) }])),
    rules: (r.result.rules ?? []).map((x) => ({ id: x.id, passed: x.passed, detail: x.detail, ...(x.severity ? { severity: x.severity } : {}) })),
    ...(r.result.route ? { route: r.result.route.action } : {}),
  };
}
