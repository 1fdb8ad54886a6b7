import { describe, expect, it } from 'vitest';
import {
  autoApprovedErrorRate,
  characterErrorRate,
  classificationScore,
  expectedCalibrationError,
  fieldMatches,
  levenshtein,
  scoreFields,
} from './metrics.ts';

describe('fieldMatches', () => {
  it('compares amounts to the cent', () => {
    expect(fieldMatches('total', '9.0', '9.00')).toBe(true);
    expect(fieldMatches('total', '1234.50', '1234.5')).toBe(true);
    expect(fieldMatches('total', '9.01', '9.00')).toBe(false);
    expect(fieldMatches('total', undefined, '9.00')).toBe(false);
    expect(fieldMatches('tax', 'abc', '0.00')).toBe(false);
  });
  it('compares a credit note\'s amounts by magnitude, as the corpus judges them', () => {
    expect(fieldMatches('total', '-233.47', '233.47')).toBe(true);
    expect(fieldMatches('total', '8.79', '-8.79')).toBe(true);
    expect(fieldMatches('total', '-233.46', '233.47')).toBe(false);
  });
  it('compares dates as dates', () => {
    expect(fieldMatches('issueDate', '2018-12-25', '2018-12-25')).toBe(true);
    expect(fieldMatches('issueDate', '2018-12-25T10:00:00Z', '2018-12-25')).toBe(true);
    expect(fieldMatches('issueDate', '2018-12-24', '2018-12-25')).toBe(false);
    expect(fieldMatches('dueDate', '25/12/2018', '2018-12-25')).toBe(false);
  });
  it('compares ids without spaces and punctuation, case-insensitively', () => {
    expect(fieldMatches('documentNumber', 'BLR_WFLD20151000982590', '#BLR_WFLD20151000982590')).toBe(true);
    expect(fieldMatches('vendorTaxId', 'de232446240', 'DE 232 446 240')).toBe(true);
    expect(fieldMatches('iban', 'NL50 INGB 0683 2513 09', 'NL50INGB0683251309')).toBe(true);
    expect(fieldMatches('poNumber', '', 'x')).toBe(false);
  });
  it('compares vendors folded, without punctuation, or by containment', () => {
    expect(fieldMatches('vendor', 'Book Ta .K (Taman Daya) Sdn Bhd', 'BOOK TA .K (TAMAN DAYA) SDN BHD')).toBe(true);
    expect(fieldMatches('vendor', 'Free Service Abonné', 'Free')).toBe(true);
    expect(fieldMatches('vendor', 'OYO', 'OYO 4189 Resort')).toBe(true);
    expect(fieldMatches('vendor', 'MR D.I.Y.', 'MR DIY')).toBe(true);
    expect(fieldMatches('vendor', 'A', 'ABC Sdn Bhd')).toBe(false);
    expect(fieldMatches('vendor', 'Other Shop', 'Free')).toBe(false);
  });
});

describe('scoreFields', () => {
  it('counts only labelled fields', () => {
    const s = scoreFields([
      { predicted: { total: '1.00', vendor: 'x' }, expected: { total: '1.00' } },
      { predicted: {}, expected: { total: '2.00' } },
    ]);
    expect(s).toEqual([{ field: 'total', labelled: 2, matched: 1, missing: 1, exactMatch: 0.5 }]);
  });
});

describe('classificationScore', () => {
  it('computes accuracy and macro-F1', () => {
    const s = classificationScore([
      { predicted: 'invoice', expected: 'invoice' },
      { predicted: 'invoice', expected: 'receipt' },
      { predicted: 'receipt', expected: 'receipt' },
      { predicted: 'receipt', expected: 'receipt' },
    ]);
    expect(s.accuracy).toBe(0.75);
    // invoice: P=0.5 R=1 F1=2/3; receipt: P=1 R=2/3 F1=0.8
    expect(s.macroF1).toBeCloseTo((2 / 3 + 0.8) / 2, 10);
    expect(s.perClass.receipt!.support).toBe(3);
    expect(classificationScore([]).accuracy).toBe(0);
  });
});

describe('expectedCalibrationError', () => {
  it('is 0 for perfect calibration and the gap otherwise', () => {
    expect(expectedCalibrationError([{ confidence: 1, correct: true }, { confidence: 0, correct: false }])).toBe(0);
    expect(expectedCalibrationError([{ confidence: 0.9, correct: false }])).toBeCloseTo(0.9);
    const half = Array.from({ length: 10 }, (_, i) => ({ confidence: 0.75, correct: i < 5 }));
    expect(expectedCalibrationError(half)).toBeCloseTo(0.25);
    expect(expectedCalibrationError([])).toBe(0);
  });
});

describe('characterErrorRate', () => {
  it('uses Levenshtein over whitespace-collapsed text', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(characterErrorRate('TOTAL:  9.00\n', 'TOTAL: 9.00')).toBe(0);
    expect(characterErrorRate('T0TAL: 9.00', 'TOTAL: 9.00')).toBeCloseTo(1 / 11);
    expect(characterErrorRate('', '')).toBe(0);
    expect(characterErrorRate('x', '')).toBe(1);
  });
  it('is fast enough for 2,000-character pages', () => {
    const a = 'RECEIPT TOTAL 9.00 '.repeat(110);
    const b = a.replace(/O/g, '0');
    const t = performance.now();
    expect(characterErrorRate(b, a)).toBeGreaterThan(0);
    expect(performance.now() - t).toBeLessThan(500);
  });
});

describe('autoApprovedErrorRate', () => {
  it('counts auto-approved documents with a wrong total or type', () => {
    const r = autoApprovedErrorRate([
      { action: 'auto_approve', predictedDocType: 'receipt', expectedDocType: 'receipt', predictedTotal: '9.00', expectedTotal: '9.00' },
      { action: 'auto_approve', predictedDocType: 'receipt', expectedDocType: 'invoice', predictedTotal: '9.00', expectedTotal: '9.00' },
      { action: 'auto_approve', predictedDocType: 'receipt', expectedDocType: 'receipt', predictedTotal: '9.10', expectedTotal: '9.00' },
      { action: 'review', predictedDocType: 'receipt', expectedDocType: 'invoice' },
    ]);
    expect(r).toEqual({ autoApproved: 3, wrong: 2, rate: 2 / 3 });
    expect(autoApprovedErrorRate([]).rate).toBe(0);
  });
});

describe('reliabilityBins', () => {
  it('shows, per confidence bin, how often the engine was right', async () => {
    const { reliabilityBins } = await import('./metrics.ts');
    const bins = reliabilityBins([
      { confidence: 0.95, correct: true },
      { confidence: 0.99, correct: false },
      { confidence: 0.3, correct: false },
      { confidence: 1, correct: true },
    ]);
    expect(bins).toEqual([
      { from: 0.3, to: 0.4, count: 1, meanConfidence: 0.3, accuracy: 0 },
      { from: 0.9, to: 1, count: 3, meanConfidence: expect.closeTo(0.98, 6), accuracy: expect.closeTo(2 / 3, 6) },
    ]);
  });
});
