/**
 * `countersign calibrate`: runs the engine on the training half of a labelled corpus, fits each
 * field's calibration from its raw confidences and writes the file the policy names. Rerun it
 * whenever extraction or OCR changes (with --ocr-cache, a rerun after an extraction change does
 * not OCR again; a new OCR engine reads every page afresh).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ExtractedField, FieldName } from '../../src-shared/document-model.ts';
import { documentOutcome, processCorpus } from '../eval/run-eval.ts';
import { loadBundledUnderstanding } from '../understand/pipeline-understanding.ts';
import { fitCalibration } from './fit-calibration.ts';
import type { Calibration } from '../../src-common/routing/field-calibration.ts';

export interface CalibrateOptions {
  modelDir: string;
  out: string;
  /** Also write each training document's outcome (raw confidences, rules) here, for sweep-gate.ts. */
  documentsOut?: string;
  workers?: number;
  ocrCacheDir?: string;
  command: string;
  now?: Date;
  onProgress?: (done: number, total: number) => void;
}

export async function runCalibrate(folder: string, opts: CalibrateOptions): Promise<Calibration> {
  const { rows } = await processCorpus(folder, {
    modelDir: opts.modelDir,
    half: 'training',
    // Fitted on the extractor's own confidences, whatever calibration the policy names today.
    understanding: () => loadBundledUnderstanding({ calibration: null }),
    ...(opts.workers ? { workers: opts.workers } : {}),
    ...(opts.ocrCacheDir ? { ocrCacheDir: opts.ocrCacheDir } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  // OCR'd documents only: digital text layers are read almost without error and would blur the maps.
  const docs = rows
    .filter((r) => r.label.fields && r.result.fields && r.result.status === 'processed' && r.result.text?.source === 'ocr')
    .map((r) => ({ expected: r.label.fields as Partial<Record<FieldName, string>>, fields: r.result.fields as Partial<Record<FieldName, ExtractedField>> }));
  const engines = new Map<string, number>();
  for (const r of rows) if (r.result.text?.source === 'ocr') engines.set(r.result.text.engine, (engines.get(r.result.text.engine) ?? 0) + 1);
  const model = rows.find((r) => r.result.model)?.result.model;
  const calibration = fitCalibration(
    docs,
    {
      fittedOn: {
        corpus: path.basename(path.resolve(folder)),
        half: 'training (ids in models/doc-classifier/training-documents.json), OCR-read documents',
        documents: docs.length,
        ocrEngine: [...engines.entries()].sort((a, b) => b[1] - a[1]).map(([e, n]) => `${e} (${n} documents)`).join(', ') || 'none',
        model: model ? `${model.name}@${model.version}` : 'unknown',
        command: opts.command,
      },
    },
    opts.now ?? new Date(),
    'ocr',
  );
  fs.writeFileSync(opts.out, `${JSON.stringify(calibration, null, 2)}\n`);
  if (opts.documentsOut) fs.writeFileSync(opts.documentsOut, JSON.stringify({ documents: rows.map(documentOutcome) }));
  return calibration;
}

export function formatCalibration(c: Calibration, file: string): string {
  const lines = [`Calibration ${c.version} written to ${file}: ${c.fittedOn.documents} training documents, OCR ${c.fittedOn.ocrEngine}.`, '', 'field        samples  right   ECE raw  ECE calibrated'];
  for (const [name, m] of Object.entries(c.fields)) {
    lines.push(`${name.padEnd(12)} ${String(m.samples).padStart(7)}  ${String(m.correct).padStart(5)}   ${m.eceBefore.toFixed(3)}    ${m.eceAfter.toFixed(3)}`);
  }
  lines.push('', 'Routing thresholds compare against these calibrated confidences: check them with `countersign eval --half training` before bumping the policy version.');
  return `${lines.join('\n')}\n`;
}
