import { describe, expect, it } from 'vitest';
import type { ExtractedField } from '../../src-shared/document-model.ts';
import { calibrateFields, parseCalibration, rawConfidenceOf, type Calibration } from './field-calibration.ts';
import { UNDECIDED_READING } from '../../src-shared/undecided-reading.ts';
import { fitCalibration, fieldSamples } from '../../src-main/calibrate/fit-calibration.ts';

const meta = { fittedOn: { corpus: 'corpus', half: 'training', documents: 0, ocrEngine: 'tesseract', model: 'bert@1', command: 'countersign calibrate corpus' } };

function calibration(): Calibration {
  return parseCalibration({
    version: '20261201.2300',
    fittedAt: '2026-12-01T23:00:00.000Z',
    method: 'isotonic',
    ...meta,
    fields: { total: { x: [0.5, 0.9], y: [0.4, 0.8], samples: 50, correct: 30, eceBefore: 0.2, eceAfter: 0.05 } },
  });
}

describe('calibrateFields', () => {
  const total: ExtractedField = { value: '12.50', confidence: 0.9, note: 'labelled "TOTAL"' };
  const vendor: ExtractedField = { value: 'ACME', confidence: 0.7 };

  it('shows the calibrated confidence and keeps the raw one on the field and in its note', () => {
    const out = calibrateFields({ total, vendor }, calibration());
    expect(out.total).toMatchObject({ value: '12.50', confidence: 0.8, rawConfidence: 0.9 });
    expect(out.total!.note).toBe('labelled "TOTAL"; raw confidence 0.9, calibrated 20261201.2300');
    // No map for the vendor: its confidence is the extractor's own.
    expect(out.vendor).toEqual(vendor);
  });

  it('applies a map fitted on OCR only to OCR-read documents', () => {
    const ocrOnly = { ...calibration(), textSource: 'ocr' as const };
    expect(calibrateFields({ total }, ocrOnly, 'ocr').total!.confidence).toBe(0.8);
    expect(calibrateFields({ total }, ocrOnly, 'pdf_text').total).toEqual(total);
  });

  it('reads the raw confidence back from the stored note, so refits and replays see the extractor', () => {
    const stored: ExtractedField = { value: '12.50', confidence: 0.8, note: 'labelled "TOTAL"; raw confidence 0.9, calibrated 20261201.2300' };
    expect(rawConfidenceOf(stored)).toBe(0.9);
    expect(calibrateFields({ total: stored }, calibration()).total!.confidence).toBe(0.8);
  });
  it('never raises a reading the extractor could not decide between two (a day/month swap with no locale cue)', () => {
    const cal = { ...calibration(), fields: { issueDate: { x: [0.4, 0.9], y: [0.96, 0.98], samples: 100, correct: 98, eceBefore: 0.2, eceAfter: 0.02 } } };
    const guess: ExtractedField = { value: '2015-08-10', confidence: 0.42, note: `day and month could swap; no locale cue (${UNDECIDED_READING}), assumed day first` };
    expect(calibrateFields({ issueDate: guess }, cal).issueDate!.confidence).toBe(0.42);
    expect(calibrateFields({ issueDate: { ...guess, note: 'labelled "Date"' } }, cal).issueDate!.confidence).toBeCloseTo(0.9608, 4);
  });
});

describe('parseCalibration', () => {
  it('refuses a map that is not monotone, with the file named', () => {
    const bad = { ...calibration(), fields: { total: { x: [0.5, 0.9], y: [0.8, 0.4], samples: 1, correct: 1, eceBefore: 0, eceAfter: 0 } } };
    expect(() => parseCalibration(bad, 'default.calibration.json')).toThrow(/default\.calibration\.json: the map for total/);
  });
});

describe('fitCalibration', () => {
  it('fits fields with enough labelled samples and leaves the rest raw', () => {
    // 40 receipts: totals at raw 0.95 right 30 times in 40; only 3 documents carry a document number.
    const docs = Array.from({ length: 40 }, (_, i) => ({
      expected: { total: '10.00', ...(i < 3 ? { documentNumber: 'A1' } : {}) },
      fields: { total: { value: i < 30 ? '10.00' : '1.00', confidence: 0.95 }, documentNumber: { value: 'A1', confidence: 0.9 } },
    }));
    expect(fieldSamples(docs).get('documentNumber')).toHaveLength(3);
    const c = fitCalibration(docs, meta, new Date('2026-12-01T23:05:00Z'));
    expect(c.version).toBe('20261201.2305');
    expect(Object.keys(c.fields)).toEqual(['total']);
    expect(c.fields.total).toMatchObject({ samples: 40, correct: 30, eceBefore: 0.2 });
    // 30 of 40 right: calibrated to 31/42, not 0.95.
    expect(calibrateFields({ total: { value: '10.00', confidence: 0.95 } }, c).total!.confidence).toBeCloseTo(31 / 42, 3);
    expect(c.fields.total!.eceAfter).toBeLessThan(0.02);
  });
});
