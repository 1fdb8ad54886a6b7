/**
 * Writes a model folder's reference distribution (models/<model>/reference-distribution.json): what the
 * classifier predicts, and how confidently, on the labelled corpus documents it can read without OCR —
 * the SROIE receipts from their transcripts, the digital invoices from their text layers (e-invoices with
 * their XML are left out: the XML decides their type, not the model). Drift alerts compare against it.
 *
 *   npx tsx tools/model-reference/compute.ts [../shared/corpus] [--model-dir models/doc-classifier]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DocType } from '../../src-shared/document-model.ts';
import { loadClassifier } from '../../src-main/classify/classifier.ts';
import { reconcileDocType } from '../../src-main/classify/reconcile-doc-type.ts';
import { referenceFrom, REFERENCE_FILE } from '../../src-main/insights/model-reference.ts';
import type { OcrEngine } from '../../src-main/ocr/ocr-engine.ts';
import { extractText } from '../../src-main/text/index.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args.splice(i, 2)[1];
};
const modelDir = path.resolve(flag('--model-dir') ?? path.join(ROOT, 'models', 'doc-classifier'));
const corpus = path.resolve(args[0] ?? path.join(ROOT, '..', 'shared', 'corpus'));

/** The reference is about the model's reading of text: a page that would need OCR is skipped, not read. */
const noOcr: OcrEngine = {
  name: 'none',
  version: '0',
  recognize: async () => {
    throw new Error('needs OCR');
  },
  close: async () => {},
};

/** As the pipeline does: the first two pages (PipelineUnderstanding.classifyPages). */
async function textOf(label: { file: string; text?: string; kind: string }): Promise<string | null> {
  if (label.text) return fs.readFileSync(path.join(corpus, label.text), 'utf8');
  if (label.kind !== 'digital' || !label.file.endsWith('.pdf') || label.file.startsWith('einvoice/pdf/')) return null;
  try {
    const t = await extractText({ bytes: new Uint8Array(fs.readFileSync(path.join(corpus, label.file))), mime: 'application/pdf' }, { ocr: noOcr });
    return t.pages.slice(0, 2).map((p) => p.text).join('\n');
  } catch {
    return null;
  }
}

const labels = fs
  .readFileSync(path.join(corpus, 'labels.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as { id: string; file: string; text?: string; kind: string });
const classifier = await loadClassifier(modelDir, { quantized: true, executionProviders: ['cpu'] });
const predictions: { label: DocType; score: number }[] = [];
const used: Record<string, number> = {};
for (const label of labels) {
  const text = await textOf(label);
  if (!text?.trim()) continue;
  const [raw] = await classifier.classify([text]);
  const { label: l, score } = reconcileDocType(raw!, text);
  predictions.push({ label: l, score });
  const set = label.id.split('/')[0]!;
  used[set] = (used[set] ?? 0) + 1;
}
const m = classifier.model;
await classifier.close();
const source = `Predictions of onnx/model_quantized.onnx (CPU) on ${predictions.length} documents of the labelled corpus read without OCR: ${Object.entries(used)
  .map(([k, v]) => `${v} ${k}`)
  .join(', ')} (SROIE receipts from their transcripts, digital PDFs from their text layer, first two pages). tools/model-reference/compute.ts`;
const reference = referenceFrom({ name: m.name, version: m.version, sha256: m.sha256 }, source, predictions);
fs.writeFileSync(path.join(modelDir, REFERENCE_FILE), `${JSON.stringify(reference, null, 2)}\n`);
process.stdout.write(`${path.join(modelDir, REFERENCE_FILE)}: ${predictions.length} documents; classes ${JSON.stringify(reference.classes)}\n`);
