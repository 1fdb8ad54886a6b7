import { describe, expect, it } from 'vitest';
import type { ExtractedField } from '../../src-shared/document-model.ts';
import type { ExtractionResult } from './extract-document.ts';
import { alternatePages, mergeReadings } from './merge-readings.ts';
import { pagesFromLines } from './page-layout.ts';

const f = (value: string, confidence: number): ExtractedField => ({ value, confidence, source: 'generic' });
const result = (fields: ExtractionResult['fields']): ExtractionResult => ({ fields, lineItems: [], locale: { dateOrder: 'DMY', evidence: [] } });

describe('two OCR readings of one page', () => {
  it('takes each field from the reading that supports it best, and says so', () => {
    const main = result({ vendor: f('KEDAI MAJU SDN BHD', 0.8), issueDate: f('2018-03-15', 0.3) });
    const other = result({ vendor: f('KEDAI MAIU SDN BHD', 0.5), issueDate: f('2018-03-16', 0.9) });
    const merged = mergeReadings(main, other);
    expect(merged.fields.vendor!.value).toBe('KEDAI MAJU SDN BHD');
    expect(merged.fields.issueDate).toMatchObject({ value: '2018-03-16', note: expect.stringMatching(/second OCR reading.*disagree/) });
    // The readings disagree on both fields: neither keeps its full confidence.
    expect(merged.fields.issueDate!.confidence).toBeCloseTo(0.54);
    expect(merged.fields.vendor!.confidence).toBeLessThan(0.8);
  });

  it('moves total, subtotal and tax together, so the amounts that are checked against each other come from one reading', () => {
    const main = result({ total: f('10.60', 0.5), subtotal: f('10.00', 0.5), tax: f('0.60', 0.5) });
    const other = result({ total: f('16.60', 0.9), subtotal: f('16.00', 0.9) });
    const merged = mergeReadings(main, other);
    expect(merged.fields.total!.value).toBe('16.60');
    expect(merged.fields.subtotal!.value).toBe('16.00');
    expect(merged.fields.tax).toBeUndefined();
  });

  it('is more certain of a value both readings agree on', () => {
    const merged = mergeReadings(result({ total: f('9.00', 0.7) }), result({ total: f('9.00', 0.6) }));
    expect(merged.fields.total).toMatchObject({ value: '9.00', note: expect.stringMatching(/agree/) });
    expect(merged.fields.total!.confidence).toBeCloseTo(0.88);
  });

  it('keeps the main reading on ties and when there is no second reading', () => {
    const main = result({ total: f('9.00', 0.7) });
    expect(mergeReadings(main, result({ total: f('8.00', 0.7) })).fields.total!.value).toBe('9.00');
    expect(alternatePages(pagesFromLines(['TOTAL 9.00']))).toBeNull();
    const pages = pagesFromLines(['TOTAL 9.00']).map((p) => ({ ...p, alternate: { words: [], text: 'TOTAL 8.00' } }));
    expect(alternatePages(pages)![0]).toMatchObject({ text: 'TOTAL 8.00', words: [] });
    expect(alternatePages(pages)![0]).not.toHaveProperty('alternate');
  });
});
