import { describe, expect, it } from 'vitest';
import type { ExtractedField } from '../../src-shared/document-model.ts';
import { corrections, cropRegion, focusRegion, maskValue, reviewFields, stepFocus, wordsInBox } from './review-logic.ts';

const f = (value: string, confidence: number, box?: [number, number, number, number]): ExtractedField => ({ value, confidence, page: 1, ...(box ? { box } : {}) });
const doc = {
  fields: {
    total: f('120.00', 0.55, [0.7, 0.8, 0.9, 0.83]),
    vendor: f('ACME', 0.97, [0.1, 0.05, 0.3, 0.08]),
    issueDate: f('2024-01-02', 0.6, [0.7, 0.2, 0.9, 0.22]),
    iban: f('DE89 3704 0044 0532 0130 00', 0.4),
    vendorTaxId: f('DE123456789', 0.99),
    extraThing: f('x', 0.99),
  },
  rules: [
    { id: 'sum_matches', passed: false, detail: 'subtotal + tax differs from the total by 3.00' },
    { id: 'date_valid', passed: true, detail: 'ok' },
  ],
  route: { action: 'review' as const, reasons: ['new vendor'], policyVersion: 'p1' },
  sensitiveFields: ['iban', 'vendorTaxId', 'vendorAddress'],
};

describe('what the reviewer sees of a document', () => {
  it('orders fields and puts in question those a failing rule or a reason names (whole words: "subtotal" is not "total")', () => {
    const fields = reviewFields(doc);
    expect(fields.map((x) => x.name)).toEqual(['vendor', 'issueDate', 'total', 'vendorTaxId', 'iban', 'extraThing']);
    expect(fields.filter((x) => x.inQuestion).map((x) => x.name)).toEqual(['vendor', 'total']);
    const subtotalOnly = reviewFields({ ...doc, rules: [{ id: 'r', passed: false, detail: 'the subtotal is missing' }], route: null });
    expect(subtotalOnly.filter((x) => x.inQuestion).map((x) => x.name)).toEqual(['issueDate', 'total']);
  });

  it('falls back to confidence below the threshold when no reason names a field', () => {
    const fields = reviewFields({ ...doc, rules: [], route: { action: 'review', reasons: ['QA sample'], policyVersion: 'p1' } });
    expect(fields.filter((x) => x.inQuestion).map((x) => x.name)).toEqual(['issueDate', 'total']);
  });

  it("masks what the policy marks sensitive, not a fixed list: the vendor address too, and nothing when the policy names nothing", () => {
    const withAddress = reviewFields({ ...doc, fields: { ...doc.fields, vendorAddress: f('Quellenweg 17, 60311 Frankfurt', 0.9) } });
    expect(withAddress.find((x) => x.name === 'vendorAddress')).toMatchObject({ masked: true });
    expect(reviewFields({ ...doc, sensitiveFields: [] }).some((x) => x.masked)).toBe(false);
  });

  it('masks IBAN and tax ID unless a reason asks about them; a masked field is never in question', () => {
    const plain = reviewFields(doc);
    expect(plain.find((x) => x.name === 'iban')).toMatchObject({ masked: true, inQuestion: false });
    expect(plain.find((x) => x.name === 'vendorTaxId')).toMatchObject({ masked: true });
    const asked = reviewFields(doc, ['The IBAN changed since the last invoice from this vendor']);
    expect(asked.find((x) => x.name === 'iban')).toMatchObject({ masked: false, inQuestion: true });
    expect(maskValue('DE89 3704 0044 0532 0130 00')).toMatch(/^•+3000$/);
  });

  it('moves focus only between fields in question, wrapping', () => {
    const fields = reviewFields(doc);
    expect(stepFocus(fields, null, 1)).toBe('vendor');
    expect(stepFocus(fields, 'vendor', 1)).toBe('total');
    expect(stepFocus(fields, 'total', 1)).toBe('vendor');
    expect(stepFocus(fields, 'vendor', -1)).toBe('total');
    expect(stepFocus(reviewFields({ ...doc, fields: { vendor: f('A', 0.99) }, rules: [], route: null }), null, 1)).toBeNull();
  });

  it('crops to a band around the fields in question, at least a third of the page tall', () => {
    const { page, box } = cropRegion(reviewFields(doc));
    expect(page).toBe(1);
    expect(box![0]).toBe(0);
    expect(box![2]).toBe(1);
    expect(box![1]).toBeCloseTo(0);
    expect(box![3]).toBeCloseTo(0.89);
    const small = cropRegion(reviewFields({ ...doc, fields: { total: f('1', 0.1, [0.5, 0.5, 0.6, 0.52]) } }));
    expect(small.box![3] - small.box![1]).toBeGreaterThanOrEqual(0.33);
    expect(cropRegion(reviewFields({ ...doc, fields: { total: f('1', 0.1) } })).box).toBeNull();
  });

  it('follows the focused field with a band a third of the page tall, kept inside the page', () => {
    const fields = reviewFields(doc);
    const crop = cropRegion(fields);
    const atTotal = focusRegion(fields, 'total', crop)!;
    expect(atTotal[1]).toBeLessThanOrEqual(0.8);
    expect(atTotal[3]).toBeGreaterThanOrEqual(0.83);
    expect(atTotal[3] - atTotal[1]).toBeCloseTo(0.33);
    expect(focusRegion(fields, 'vendor', crop)![1]).toBe(0);
    expect(focusRegion(fields, 'iban', crop)).toEqual(crop.box);
  });

  it('highlights the words inside a field box', () => {
    const words = [
      { text: 'Total', box: [0.6, 0.8, 0.68, 0.83] as [number, number, number, number] },
      { text: '120.00', box: [0.71, 0.8, 0.89, 0.83] as [number, number, number, number] },
    ];
    expect(wordsInBox(words, [0.7, 0.8, 0.9, 0.83]).map((w) => w.text)).toEqual(['120.00']);
  });

  it('sends as corrections only the values that changed', () => {
    expect(corrections(doc.fields, { total: ' 123.00 ', vendor: 'ACME' })).toEqual({ total: '123.00' });
  });
});
