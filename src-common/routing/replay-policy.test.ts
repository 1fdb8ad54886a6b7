import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src-main/route/policy.ts';
import { replayPolicy, type RecordedDocument } from './replay-policy.ts';

const make = (classThreshold: number, reviewAbove: number) =>
  parsePolicy({
    version: `t-${classThreshold}-${reviewAbove}`,
    docTypes: {
      invoice: { classThreshold, requiredFields: { total: 0.8 }, reviewAbove },
      receipt: { classThreshold, requiredFields: { total: 0.8 }, qaSampling: { rate: 0.5 } },
    },
  });

const doc = (id: string, docType: 'invoice' | 'receipt', score: number, total: string, outcome?: RecordedDocument['outcome']): RecordedDocument => ({
  documentId: id,
  docType,
  docTypeScore: score,
  fields: { total: { value: total, confidence: 0.95 } },
  rules: [],
  vendorHistoryCount: 10,
  ...(outcome ? { outcome } : {}),
});

describe('replayPolicy', () => {
  const records = [
    doc('a', 'invoice', 0.95, '100', 'approved_unchanged'),
    doc('b', 'invoice', 0.85, '100', 'corrected'),
    doc('c', 'invoice', 0.99, '20000', 'approved_unchanged'),
    doc('d', 'receipt', 0.99, '10'),
    doc('e', 'receipt', 0.8, '10', 'rejected'),
  ];
  const current = make(0.9, 10000);
  const candidate = make(0.8, 50000);

  it('reports shares, changes and estimated errors per doc type and overall', () => {
    const draws = [0.9, 0.9, 0.9, 0.9, 0.9];
    let i = 0;
    const report = replayPolicy(records, candidate, current, () => draws[i++]!);
    expect(report.currentVersion).toBe('t-0.9-10000');
    expect(report.overall.current).toMatchObject({ documents: 5, auto_approve: 2, review: 3, reject: 0 });
    expect(report.overall.candidate).toMatchObject({ documents: 5, auto_approve: 5, review: 0 });
    expect(report.overall.candidate.shares.auto_approve).toBe(1);
    expect(report.overall.changed).toBe(3);
    expect(report.transitions).toEqual([{ from: 'review', to: 'auto_approve', count: 3 }]);
    expect(report.overall.currentError).toEqual({ autoApproved: 2, withOutcome: 1, errors: 0, estimatedErrorRate: 0 });
    expect(report.overall.candidateError).toEqual({ autoApproved: 5, withOutcome: 4, errors: 2, estimatedErrorRate: 0.5 });
    expect(report.byDocType.invoice!.changed).toBe(2);
    expect(report.byDocType.receipt!.candidateError.errors).toBe(1);
  });

  it('uses one random draw per document for both policies', () => {
    const report = replayPolicy([doc('d', 'receipt', 0.99, '10')], make(0.9, 1), make(0.9, 1), () => 0.1);
    expect(report.overall.current.review).toBe(1);
    expect(report.overall.candidate.review).toBe(1);
    expect(report.overall.changed).toBe(0);
  });
});

describe('replayPolicy with calibrations', () => {
  const policy = parsePolicy({ version: 'p', docTypes: { receipt: { classThreshold: 0.5, requiredFields: { total: 0.8 } } } });
  const stricter = (y: number) => ({
    version: `c-${y}`,
    fittedAt: '',
    method: '',
    fittedOn: { corpus: '', half: '', documents: 0, ocrEngine: '', model: '', command: '' },
    textSource: 'ocr' as const,
    fields: { total: { x: [0.5, 0.95], y: [0.3, y], samples: 40, correct: 30, eceBefore: 0, eceAfter: 0 } },
  });
  // Recorded under an older calibration: shown 0.9, raw 0.95 kept in the note.
  const recorded: RecordedDocument = {
    documentId: 'r',
    textSource: 'ocr',
    docType: 'receipt',
    docTypeScore: 0.99,
    fields: { total: { value: '10.00', confidence: 0.9, note: 'labelled "TOTAL"; raw confidence 0.95, calibrated old' } },
    rules: [],
    vendorHistoryCount: 5,
  };

  it("re-calibrates each recorded field from its raw confidence under each policy's own calibration", () => {
    const r = replayPolicy([recorded], policy, policy, () => 0.99, { current: stricter(0.9), candidate: stricter(0.6) });
    expect(r.transitions).toEqual([{ from: 'auto_approve', to: 'review', count: 1 }]);
  });

  it('routes on the recorded confidences when no calibration is given', () => {
    expect(replayPolicy([recorded], policy, policy, () => 0.99).overall.candidate.auto_approve).toBe(1);
  });
});
