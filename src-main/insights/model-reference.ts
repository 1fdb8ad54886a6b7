import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DocTypeSchema, type DocType } from '../../src-shared/document-model.ts';
import { CONFIDENCE_BIN_EDGES } from '../../src-shared/insights.ts';
import { confidenceBin } from './buckets.ts';
import { shares } from './stats-math.ts';

/** Kept in the model folder, next to the weights it describes. */
export const REFERENCE_FILE = 'reference-distribution.json';

/**
 * What the model predicted on the documents it was built and checked on: the share of each class and
 * the histogram of its confidences. Drift is measured against this.
 */
export const ModelReferenceSchema = z.object({
  model: z.object({ name: z.string(), version: z.string(), sha256: z.string() }),
  /** Which documents, read how. */
  source: z.string(),
  computedAt: z.string(),
  documents: z.number().int().min(1),
  classes: z.record(DocTypeSchema, z.number().min(0).max(1)),
  confidence: z.object({ edges: z.array(z.number()), shares: z.array(z.number().min(0).max(1)) }),
});
export type ModelReference = z.infer<typeof ModelReferenceSchema>;

/** The reference from a list of predictions (the tool that writes the model folder's file and the drift test use this). */
export function referenceFrom(model: ModelReference['model'], source: string, predictions: { label: DocType; score: number }[], at = new Date()): ModelReference {
  const labels = DocTypeSchema.options;
  const classCounts = labels.map((l) => predictions.filter((p) => p.label === l).length);
  const bins = new Array<number>(CONFIDENCE_BIN_EDGES.length).fill(0);
  for (const p of predictions) bins[confidenceBin(p.score)]! += 1;
  const r4 = (v: number) => Math.round(v * 10000) / 10000;
  const classShares = shares(classCounts);
  return {
    model,
    source,
    computedAt: at.toISOString(),
    documents: predictions.length,
    classes: Object.fromEntries(labels.map((l, i) => [l, r4(classShares[i]!)])) as Record<DocType, number>,
    confidence: { edges: [...CONFIDENCE_BIN_EDGES], shares: shares(bins).map(r4) },
  };
}

/**
 * The reference in a model folder, or why there is none. A reference is for one model version; the
 * quantized and full-precision files of a version share it (their predictions agree to the label).
 */
export function loadModelReference(modelDir: string, model: { name: string; version: string } | null): { reference: ModelReference | null; problem: string | null } {
  const file = path.join(modelDir, REFERENCE_FILE);
  if (!fs.existsSync(file)) return { reference: null, problem: `No ${REFERENCE_FILE} in ${modelDir}` };
  let parsed: ModelReference;
  try {
    parsed = ModelReferenceSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch (err) {
    return { reference: null, problem: `${file}: ${(err as Error).message}` };
  }
  if (parsed.confidence.edges.join() !== CONFIDENCE_BIN_EDGES.join()) return { reference: null, problem: `${file}: confidence bins differ from this build's` };
  // The name carries the weights file (model.onnx or model_quantized.onnx); the family before it is what must match.
  const family = (name: string) => name.split('/')[0];
  if (model && (family(parsed.model.name) !== family(model.name) || parsed.model.version !== model.version)) {
    return { reference: null, problem: `${file} is for ${parsed.model.name} ${parsed.model.version}, not ${model.name} ${model.version}` };
  }
  return { reference: parsed, problem: null };
}
