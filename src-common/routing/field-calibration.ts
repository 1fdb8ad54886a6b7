/**
 * Field confidence that means something: a versioned file of per-field maps from the extractor's
 * raw confidence to the share of fields at that confidence that were really right, fitted on the
 * training half of the corpus (see fit-calibration.ts). The engine applies it after extraction;
 * the raw figure stays on the field and in its note.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { FieldNameSchema, TextSourceSchema, type ExtractedField, type FieldName, type PageText, type TextSource } from '../../src-shared/document-model.ts';
import { describeIssue } from '../../src-shared/config/describe-issue.ts';
import { applyIsotonic } from './isotonic.ts';
import { isUndecidedReading } from '../../src-shared/undecided-reading.ts';

const FieldMapSchema = z.strictObject({
  /** Raw confidences, ascending, and the calibrated value at each (linear in between). */
  x: z.array(z.number().min(0).max(1)),
  y: z.array(z.number().min(0).max(1)),
  /** What the map was fitted on, and how well raw and calibrated values matched reality there. */
  samples: z.number().int().min(0),
  correct: z.number().int().min(0),
  eceBefore: z.number().min(0).max(1),
  eceAfter: z.number().min(0).max(1),
});
export type FieldMap = z.infer<typeof FieldMapSchema>;

export const CalibrationSchema = z.strictObject({
  version: z.string(),
  fittedAt: z.string(),
  method: z.string(),
  /** Where the samples came from: corpus half, documents, the OCR engine and model that read them. */
  fittedOn: z.strictObject({
    corpus: z.string(),
    half: z.string(),
    documents: z.number().int().min(0),
    ocrEngine: z.string(),
    model: z.string(),
    command: z.string(),
  }),
  /**
   * The maps apply to documents whose text came from this source only (OCR misreads are what the
   * confidences mostly have to price in); fields read from other sources keep raw confidences.
   */
  textSource: TextSourceSchema.optional(),
  fields: z.partialRecord(FieldNameSchema, FieldMapSchema),
});
export type Calibration = z.infer<typeof CalibrationSchema>;

export class CalibrationError extends Error {
  override name = 'CalibrationError';
}

export function parseCalibration(data: unknown, source = 'calibration'): Calibration {
  const r = CalibrationSchema.safeParse(data);
  if (!r.success) throw new CalibrationError(describeIssue(r.error, source));
  for (const [name, m] of Object.entries(r.data.fields)) {
    const ascending = m.x.every((v, i) => i === 0 || v >= m.x[i - 1]!) && m.y.every((v, i) => i === 0 || v >= m.y[i - 1]!);
    if (m.x.length !== m.y.length || m.x.length === 0 || !ascending) throw new CalibrationError(`${source}: the map for ${name} must be non-empty, with x and y ascending and of one length`);
  }
  return r.data;
}

export function loadCalibration(file: string): Calibration {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CalibrationError(`${file}: cannot read the calibration: ${(err as Error).message}`);
  }
  return parseCalibration(data, file);
}

/** The calibration a policy names, read from beside the policy file; null when it names none. */
export function loadPolicyCalibration(policyFile: string, policy: { calibration?: string | undefined }): Calibration | null {
  return policy.calibration ? loadCalibration(path.resolve(path.dirname(policyFile), policy.calibration)) : null;
}

const RAW_NOTE = /raw confidence (\d+(?:\.\d+)?)/;

/** The extractor's own confidence of a field: kept on the field, else in its note, else the confidence itself. */
export function rawConfidenceOf(f: ExtractedField): number {
  if (f.rawConfidence !== undefined) return f.rawConfidence;
  const m = f.note ? RAW_NOTE.exec(f.note) : null;
  return m ? Number(m[1]) : f.confidence;
}

/**
 * Replaces each calibrated field's confidence with the calibrated one; the raw confidence moves to
 * `rawConfidence` and into the note (the note is what the store keeps). Fields without a map keep
 * their raw confidence.
 */
export function calibrateFields<T extends Partial<Record<FieldName, ExtractedField>>>(fields: T, calibration: Calibration, textSource?: TextSource): T {
  if (calibration.textSource && textSource !== calibration.textSource) return fields;
  const out: Partial<Record<FieldName, ExtractedField>> = { ...fields };
  for (const [name, f] of Object.entries(fields) as [FieldName, ExtractedField][]) {
    const map = calibration.fields[name];
    if (!f || !map) continue;
    const raw = rawConfidenceOf(f);
    const note = `raw confidence ${round2(raw)}, calibrated ${calibration.version}`;
    // A guess between two readings keeps its own (coin-flip) confidence: the fit never saw one undecided.
    const calibrated = isUndecidedReading(f.note) ? Math.min(raw, applyIsotonic(map, raw)) : applyIsotonic(map, raw);
    out[name] = { ...f, confidence: calibrated, rawConfidence: raw, note: f.note ? `${f.note}; ${note}` : note };
  }
  return out as T;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** A document's text source: OCR when any page was read by OCR. */
export function textSourceOf(pages: Pick<PageText, 'source'>[]): TextSource {
  return pages.some((p) => p.source === 'ocr') ? 'ocr' : 'pdf_text';
}
