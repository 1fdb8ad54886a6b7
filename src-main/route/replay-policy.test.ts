import { describe, expect, it } from 'vitest';
import { parsePolicy } from './policy.ts';
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
