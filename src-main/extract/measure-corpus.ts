/**
 * Measures generic extraction on the shared corpus: SROIE transcripts (laid out with
 * pagesFromLines) and the invoice2data and flattened e-invoice PDFs (poppler's `pdftotext -bbox-layout`), scored with the
 * README's judging rules. Run: npx tsx src-main/extract/measure-corpus.ts [--misses] [--no-templates]
 * [--calibration] [--tesseract-tsv DIR] (DIR holds `tesseract img.jpg DIR/NNN -l eng tsv` output for SROIE).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DocType, FieldName, PageText, Word } from '../../src-shared/document-model.ts';
import { expectedCalibrationError, fieldMatches, scoreFields, type FieldScore } from '../eval/metrics.ts';
import { extractDocument, loadTemplates, type VendorTemplate } from './extract-document.ts';
import { pagesFromLines } from './page-layout.ts';

const CORPUS = resolve(import.meta.dirname, '../../../shared/corpus');
const TEMPLATES = resolve(import.meta.dirname, '../../resources/templates');

interface Label {
  id: string;
  file: string;
  kind: string;
  docType?: string;
  fields?: Partial<Record<FieldName, string>>;
  text?: string;
}

/** Words and lines from poppler's bbox-layout XHTML, in page-relative coordinates. */
export function pagesFromPdf(file: string): PageText[] {
  const xml = execFileSync('pdftotext', ['-bbox-layout', file, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const pages: PageText[] = [];
  for (const pm of xml.matchAll(/<page width="([\d.]+)" height="([\d.]+)">([\s\S]*?)<\/page>/g)) {
    const width = Number(pm[1]);
    const height = Number(pm[2]);
    const words: Word[] = [];
    const lines: string[] = [];
    let line = 0;
    for (const lm of pm[3]!.matchAll(/<line [^>]*>([\s\S]*?)<\/line>/g)) {
      const texts: string[] = [];
      for (const wm of lm[1]!.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)) {
        const text = decode(wm[5]!);
        texts.push(text);
        words.push({ text, box: [Number(wm[1]) / width, Number(wm[2]) / height, Number(wm[3]) / width, Number(wm[4]) / height], confidence: 1, line });
      }
      lines.push(texts.join(' '));
      line++;
    }
    pages.push({ pageNo: pages.length + 1, width, height, source: 'pdf_text', engine: 'pdftotext', words, text: lines.join('\n') });
  }
  return pages;
}

function decode(s: string): string {
  return s.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'");
}

export interface CorpusMeasurement {
  groups: Record<string, FieldScore[]>;
  misses: string[];
  /** Per field over all groups: how well confidence predicts a correct value. */
  calibration: Record<string, { n: number; ece: number; above: { threshold: number; share: number; accuracy: number }[] }>;
}

/** Words and lines from `tesseract <img> <out> tsv`, as the OCR stage would give them. */
export function pagesFromTesseractTsv(tsv: string): PageText[] {
  const rows = tsv.split('\n').slice(1).map((l) => l.split('\t'));
  const page = rows.find((r) => r[0] === '1');
  const width = Number(page?.[8] ?? 1);
  const height = Number(page?.[9] ?? 1);
  const words: Word[] = [];
  const lineIds = new Map<string, number>();
  for (const r of rows) {
    if (r[0] !== '5' || !r[11] || r[11].trim() === '') continue;
    const key = `${r[2]}/${r[3]}/${r[4]}`;
    if (!lineIds.has(key)) lineIds.set(key, lineIds.size);
    const [left, top, w, h] = [Number(r[6]), Number(r[7]), Number(r[8]), Number(r[9])];
    words.push({ text: r[11], box: [left / width, top / height, (left + w) / width, (top + h) / height], confidence: Math.max(0, Number(r[10])) / 100, line: lineIds.get(key)! });
  }
  const text = [...lineIds.values()].map((id) => words.filter((w) => w.line === id).map((w) => w.text).join(' ')).join('\n');
  return [{ pageNo: 1, width, height, source: 'ocr', engine: 'tesseract', words, text }];
}

/** Extracts every labelled SROIE transcript and invoice2data PDF and scores it per field. */
export function measureCorpus(
  opts: { corpusDir?: string; templates?: VendorTemplate[]; pdfs?: boolean; sroieTsvDir?: string } = {},
): CorpusMeasurement {
  const samples: Record<string, { confidence: number; correct: boolean }[]> = {};
  const corpus = opts.corpusDir ?? CORPUS;
  const labels = readFileSync(join(corpus, 'labels.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Label);
  const groups: Record<string, { predicted: Partial<Record<FieldName, string>>; expected: Partial<Record<FieldName, string>> }[]> = {
    sroie: [],
    'sroie-tesseract': [],
    invoice2data: [],
    'einvoice-flat': [],
  };
  const misses: string[] = [];
  for (const label of labels) {
    if (!label.fields || !label.docType) continue;
    let pages: PageText[];
    let group: string;
    const tsv = opts.sroieTsvDir && join(opts.sroieTsvDir, `${label.id.slice(6)}.tsv`);
    if (label.id.startsWith('sroie/') && tsv) {
      if (!existsSync(tsv)) continue;
      pages = pagesFromTesseractTsv(readFileSync(tsv, 'utf8'));
      group = 'sroie-tesseract';
    } else if (label.id.startsWith('sroie/') && label.text) {
      pages = pagesFromLines(readFileSync(join(corpus, label.text), 'utf8').split('\n'), { source: 'ocr' });
      group = 'sroie';
    } else if (
      opts.pdfs !== false &&
      (label.id.startsWith('invoice2data/') || label.id.startsWith('einvoice-flat/')) &&
      label.file.endsWith('.pdf') &&
      existsSync(join(corpus, label.file))
    ) {
      pages = pagesFromPdf(join(corpus, label.file));
      group = label.id.split('/')[0]!;
    } else continue;
    const result = extractDocument(pages, { docType: label.docType as DocType, templates: opts.templates ?? [] });
    const predicted = Object.fromEntries(Object.entries(result.fields).map(([k, v]) => [k, v.value]));
    groups[group]!.push({ predicted, expected: label.fields });
    for (const [name, expected] of Object.entries(label.fields) as [FieldName, string][]) {
      const got = result.fields[name];
      if (got) (samples[name] ??= []).push({ confidence: got.confidence, correct: fieldMatches(name, got.value, expected) });
      if (!fieldMatches(name, predicted[name], expected)) {
        misses.push(`${label.id} ${name}: got ${JSON.stringify(predicted[name])} want ${JSON.stringify(expected)}`);
      }
    }
  }
  const calibration: CorpusMeasurement['calibration'] = {};
  for (const [name, ss] of Object.entries(samples)) {
    calibration[name] = {
      n: ss.length,
      ece: expectedCalibrationError(ss),
      above: [0.6, 0.7, 0.8, 0.85, 0.9].map((threshold) => {
        const kept = ss.filter((x) => x.confidence >= threshold);
        return { threshold, share: kept.length / ss.length, accuracy: kept.length ? kept.filter((x) => x.correct).length / kept.length : 0 };
      }),
    };
  }
  return {
    groups: Object.fromEntries(Object.entries(groups).filter(([, d]) => d.length).map(([g, docs]) => [g, scoreFields(docs)])),
    misses,
    calibration,
  };
}

export function corpusAvailable(): boolean {
  return existsSync(join(CORPUS, 'labels.jsonl'));
}

function main(): void {
  const noTemplates = process.argv.includes('--no-templates');
  const tsvAt = process.argv.indexOf('--tesseract-tsv');
  const { groups, misses, calibration } = measureCorpus({
    templates: noTemplates ? [] : loadTemplates(TEMPLATES),
    ...(tsvAt > 0 ? { sroieTsvDir: process.argv[tsvAt + 1], pdfs: false } : {}),
  });
  if (process.argv.includes('--misses')) for (const m of misses) console.log(m);
  for (const [group, scores] of Object.entries(groups)) {
    console.log(`\n${group} (${scores.find((s) => s.field === 'total')?.labelled ?? 0} documents)${noTemplates ? ' without templates' : ''}`);
    for (const s of [...scores].sort((a, b) => a.field.localeCompare(b.field))) {
      console.log(`  ${s.field.padEnd(15)} ${(s.exactMatch * 100).toFixed(1).padStart(5)}%  ${s.matched}/${s.labelled}  (missing ${s.missing})`);
    }
  }
  if (process.argv.includes('--calibration')) {
    console.log('\nconfidence calibration (all groups)');
    for (const [name, c] of Object.entries(calibration)) {
      const above = c.above.map((a) => `≥${a.threshold}: ${(a.share * 100).toFixed(0)}% kept, ${(a.accuracy * 100).toFixed(1)}% right`).join(' | ');
      console.log(`  ${name.padEnd(15)} n=${c.n} ECE=${c.ece.toFixed(3)}  ${above}`);
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) main();
