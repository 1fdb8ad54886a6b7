/**
 * Fits the field calibration from documents with known answers: for each field, the engine's raw
 * confidence beside whether its value was right under the corpus judging rules. Pure: the
 * `countersign calibrate` command runs the engine and writes the file.
 */
import type { ExtractedField, FieldName, TextSource } from '../../src-shared/document-model.ts';
import { expectedCalibrationError, fieldMatches } from '../eval/metrics.ts';
import type { Calibration, FieldMap } from '../../src-common/routing/field-calibration.ts';
import { rawConfidenceOf } from '../../src-common/routing/field-calibration.ts';
import { applyIsotonic, fitIsotonic } from '../../src-common/routing/isotonic.ts';

export interface LabelledDocument {
  expected: Partial<Record<FieldName, string>>;
  fields: Partial<Record<FieldName, ExtractedField>>;
}

export type Sample = { confidence: number; correct: boolean };

/** Fields judged by the corpus rules whose confidence gates routing; the address is not judged. */
const NOT_CALIBRATED: FieldName[] = ['vendorAddress'];

/** Per field, one sample for each document whose label has the field and where the engine gave a value. */
export function fieldSamples(docs: LabelledDocument[]): Map<FieldName, Sample[]> {
  const out = new Map<FieldName, Sample[]>();
  for (const d of docs) {
    for (const [name, expected] of Object.entries(d.expected) as [FieldName, string][]) {
      const f = d.fields[name];
      if (!f || NOT_CALIBRATED.includes(name)) continue;
      const list = out.get(name) ?? [];
      list.push({ confidence: rawConfidenceOf(f), correct: fieldMatches(name, f.value, expected) });
      out.set(name, list);
    }
  }
  return out;
}

/** Below this many samples a map would describe a handful of documents, not the engine: the raw confidence stays. */
export const MIN_SAMPLES = 30;

export function fitFieldMap(samples: Sample[]): FieldMap {
  const map = fitIsotonic(samples);
  return {
    ...map,
    samples: samples.length,
    correct: samples.filter((s) => s.correct).length,
    eceBefore: round4(expectedCalibrationError(samples)),
    eceAfter: round4(expectedCalibrationError(samples.map((s) => ({ confidence: applyIsotonic(map, s.confidence), correct: s.correct })))),
  };
}

export function fitCalibration(
  docs: LabelledDocument[],
  meta: Pick<Calibration, 'fittedOn'>,
  now: Date,
  textSource?: TextSource,
  minSamples = MIN_SAMPLES,
): Calibration {
  const fields: Calibration['fields'] = {};
  for (const [name, samples] of [...fieldSamples(docs).entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (samples.length >= minSamples) fields[name] = fitFieldMap(samples);
  }
  return {
    version: now.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '.'),
    fittedAt: now.toISOString(),
    method: `isotonic regression (pool-adjacent-violators) of correct-or-not on raw confidence, each block smoothed by 2 pseudo-samples at 0.5; fields with fewer than ${minSamples} samples keep their raw confidence`,
    ...meta,
    ...(textSource ? { textSource } : {}),
    fields,
  };
}

function round4(n: number): number {
  return Math.round(n * 10000) / 10000;
}
