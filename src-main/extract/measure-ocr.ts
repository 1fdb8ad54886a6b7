/**
 * Measures extraction and routing on real OCR output: the pages and words an engine run stored in
 * its SQLite database, scored against the corpus labels, split into the classifier's training half
 * (tune here) and the held-out half (report only). No OCR runs, so an iteration takes seconds.
 * Run: npx tsx src-main/extract/measure-ocr.ts --db COPY.db [--half training|held-out|both]
 *      [--misses] [--sweep] [--policy FILE]
 * Point it at a copy of the database: it is opened (and migrated) like the engine's own.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DocType, FieldName, PageText } from '../../src-shared/document-model.ts';
import { fieldMatches } from '../eval/metrics.ts';
import { openDatabase } from '../store/database.ts';
import { DocumentRepo } from '../store/document-repo.ts';
import { evaluateRules, loadRuleSet } from '../rules/evaluate-rules.ts';
import { loadPolicy, type Policy } from '../route/policy.ts';
import { qaRate, routeDocument } from '../../src-common/routing/route-document.ts';
import { rngForDocument } from '../../src-common/routing/seeded-rng.ts';
import { loadTemplates, type ExtractionResult } from './extract-document.ts';
import { extractWithReadings } from './merge-readings.ts';
import { calibrateFields, loadPolicyCalibration, textSourceOf, type Calibration } from '../../src-common/routing/field-calibration.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const CORPUS = resolve(ROOT, '../shared/corpus');
const FIELDS: FieldName[] = ['total', 'issueDate', 'vendor'];

interface Label {
  id: string;
  file: string;
  docType?: string;
  fields?: Partial<Record<FieldName, string>>;
}

export interface OcrDocument {
  id: string;
  docType: DocType;
  docTypeScore: number;
  sha256: string;
  label: Label;
  pages: PageText[];
}

/** Every labelled corpus document that has stored OCR words, with its stored class and score. */
export function loadOcrDocuments(dbFile: string, corpusDir = CORPUS): OcrDocument[] {
  const labels = new Map(
    readFileSync(join(corpusDir, 'labels.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Label)
      .map((l) => [l.file, l]),
  );
  if (!existsSync(dbFile)) throw new Error(`No database at ${dbFile}`);
  // Opened through the engine's own store (migrations bring an older copy up to date), and pages read
  // the way the engine reads them.
  const db = openDatabase(dbFile);
  const repo = new DocumentRepo(db);
  try {
    const docs = db
      .prepare<[], { id: number; source_path: string; sha256: string; doc_type: DocType; doc_type_score: number }>(
        "SELECT id, source_path, sha256, doc_type, doc_type_score FROM documents WHERE status = 'processed' AND doc_type IS NOT NULL",
      )
      .all();
    const out: OcrDocument[] = [];
    for (const d of docs) {
      const rel = d.source_path.slice(d.source_path.indexOf('/corpus/') + '/corpus/'.length);
      const label = labels.get(rel);
      if (!label?.fields || !label.docType) continue;
      out.push({ id: label.id, docType: d.doc_type, docTypeScore: d.doc_type_score, sha256: d.sha256, label, pages: repo.pages(d.id) });
    }
    return out;
  } finally {
    db.close();
  }
}

export interface HalfReport {
  documents: number;
  fields: Record<string, { matched: number; labelled: number }>;
  /** Routed with a draw that never QA-samples: what the policy's thresholds alone approve. */
  autoApproved: number;
  wrong: number;
  /** Auto-approved with a wrong issue date or vendor (not counted in `wrong`, which is total or type). */
  wrongOther: { issueDate: number; vendor: number };
  /** Expected auto-approvals once QA sampling (all vendors new) takes its share. */
  afterQa: number;
  /** Auto-approvals with the engine's own seeded QA draw per document (all vendors new). */
  seeded: number;
  misses: string[];
  samples: { id: string; field: FieldName; confidence: number; correct: boolean }[];
}

export function measureOcr(docs: OcrDocument[], policy: Policy, opts: { templatesDir?: string; rulesFile?: string; calibration?: Calibration | null } = {}): HalfReport {
  const templates = loadTemplates(opts.templatesDir ?? join(ROOT, 'resources/templates'));
  const ruleSet = loadRuleSet(opts.rulesFile ?? join(ROOT, 'resources/rules/default.yaml'));
  const report: HalfReport = { documents: docs.length, fields: {}, autoApproved: 0, wrong: 0, wrongOther: { issueDate: 0, vendor: 0 }, afterQa: 0, seeded: 0, misses: [], samples: [] };
  for (const doc of docs) {
    const extracted: ExtractionResult = extractWithReadings(doc.pages, { docType: doc.docType, templates });
    // Routed as the engine routes: on calibrated confidences when the policy names a calibration.
    const x = opts.calibration ? { ...extracted, fields: calibrateFields(extracted.fields, opts.calibration, textSourceOf(doc.pages)) } : extracted;
    for (const name of FIELDS) {
      const expected = doc.label.fields?.[name];
      if (expected === undefined) continue;
      const got = x.fields[name];
      const ok = fieldMatches(name, got?.value, expected);
      const s = (report.fields[name] ??= { matched: 0, labelled: 0 });
      s.labelled++;
      if (ok) s.matched++;
      if (got) report.samples.push({ id: doc.id, field: name, confidence: got.confidence, correct: ok });
      if (!ok) report.misses.push(`${doc.id} ${name}: got ${JSON.stringify(got?.value)} (${got?.confidence ?? '-'}) want ${JSON.stringify(expected)}`);
    }
    const rules = evaluateRules({ docType: doc.docType, fields: x.fields, lineItems: x.lineItems, sha256: doc.id, text: doc.pages.map((p) => p.text).join('\n') }, ruleSet, {
      now: new Date(),
      findDuplicates: () => [],
    });
    const input = { docType: doc.docType, docTypeScore: doc.docTypeScore, fields: x.fields, rules, vendorHistoryCount: 0 };
    const route = routeDocument(input, policy, () => 0.999);
    if (route.action !== 'auto_approve') continue;
    report.autoApproved++;
    report.afterQa += 1 - qaRate(input, policy).rate;
    if (routeDocument(input, policy, rngForDocument(doc.sha256, policy.version)).action === 'auto_approve') report.seeded++;
    for (const name of ['issueDate', 'vendor'] as const) {
      const expected = doc.label.fields?.[name];
      if (expected !== undefined && !fieldMatches(name, x.fields[name]?.value, expected)) report.wrongOther[name]++;
    }
    const expectedTotal = doc.label.fields?.total;
    if (doc.docType !== doc.label.docType || (expectedTotal !== undefined && !fieldMatches('total', x.fields.total?.value, expectedTotal))) {
      report.wrong++;
      report.misses.push(`${doc.id} AUTO-APPROVED WRONG: total ${x.fields.total?.value} want ${expectedTotal}`);
    }
  }
  return report;
}

/** Share kept and accuracy above each confidence threshold, per field. */
function sweep(samples: HalfReport['samples']): string[] {
  const out: string[] = [];
  for (const field of FIELDS) {
    const ss = samples.filter((s) => s.field === field);
    const cells = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95].map((t) => {
      const kept = ss.filter((s) => s.confidence >= t);
      const right = kept.filter((s) => s.correct).length;
      return `≥${t}: ${kept.length} kept, ${kept.length - right} wrong`;
    });
    out.push(`  ${field.padEnd(10)} ${cells.join(' | ')}`);
  }
  return out;
}

function main(): void {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const dbFile = arg('--db');
  if (!dbFile) throw new Error('--db COPY.db is required (a copy of an engine database that processed the corpus)');
  const half = arg('--half') ?? 'training';
  const policyFile = arg('--policy') ?? join(ROOT, 'resources/policies/default.yaml');
  const policy = loadPolicy(policyFile);
  const calibration = loadPolicyCalibration(policyFile, policy);
  const training = new Set((JSON.parse(readFileSync(join(ROOT, 'models/doc-classifier/training-documents.json'), 'utf8')) as { ids: string[] }).ids);
  const all = loadOcrDocuments(dbFile).filter((d) => d.id.startsWith('sroie/'));
  const halves: [string, OcrDocument[]][] = [];
  if (half === 'training' || half === 'both') halves.push(['training', all.filter((d) => training.has(d.id))]);
  if (half === 'held-out' || half === 'both') halves.push(['held-out', all.filter((d) => !training.has(d.id))]);
  for (const [name, docs] of halves) {
    const r = measureOcr(docs, policy, { calibration });
    if (process.argv.includes('--misses')) for (const m of r.misses) console.log(m);
    console.log(`\n${name}: ${r.documents} SROIE receipts with OCR words`);
    for (const [f, s] of Object.entries(r.fields)) console.log(`  ${f.padEnd(10)} ${((s.matched / s.labelled) * 100).toFixed(1).padStart(5)}%  ${s.matched}/${s.labelled}`);
    const pct = (n: number) => `${((n / Math.max(1, r.documents)) * 100).toFixed(1)}%`;
    console.log(`  auto-approved before QA sampling: ${r.autoApproved} (${pct(r.autoApproved)}), wrong total or type: ${r.wrong} (${((r.wrong / Math.max(1, r.autoApproved)) * 100).toFixed(1)}%)`);
    console.log(`  of those, wrong issue date: ${r.wrongOther.issueDate}, wrong vendor: ${r.wrongOther.vendor}`);
    console.log(`  expected auto-approved after QA sampling (new vendors): ${r.afterQa.toFixed(1)} (${pct(r.afterQa)})`);
    console.log(`  auto-approved with the engine's seeded QA draw: ${r.seeded} (${pct(r.seeded)})`);
    if (process.argv.includes('--sweep')) console.log(sweep(r.samples).join('\n'));
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) main();
