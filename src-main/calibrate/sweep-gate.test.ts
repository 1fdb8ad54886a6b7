import { describe, expect, it } from 'vitest';
import type { DocumentOutcome } from '../eval/run-eval.ts';
import { parsePolicy } from '../route/policy.ts';
import { gateOutcome } from './sweep-gate.ts';

const policy = parsePolicy({ version: 't', docTypes: { receipt: { classThreshold: 0.8, requiredFields: { total: 0.5 } } } });

const doc = (id: string, total: string, expected: string, raw: number, expectedType = 'receipt'): DocumentOutcome => ({
  id,
  expected: { docType: expectedType, fields: { total: expected } },
  status: 'processed',
  docType: { label: 'receipt', score: 0.99 },
  fields: { total: { value: total, confidence: raw, rawConfidence: raw } },
  rules: [],
});

describe('gateOutcome', () => {
  const docs = [doc('a', '10.00', '10.00', 0.95), doc('b', '9.98', '10.00', 0.9), doc('c', '5.00', '5.00', 0.7), doc('d', '7.00', '7.00', 0.95, 'invoice')];

  it('counts approvals and wrong ones (wrong total or wrong type) at each threshold, with the exact upper bound', () => {
    expect(gateOutcome(docs, policy, null, 'receipt', { total: 0.6 })).toMatchObject({ documents: 4, approved: 4, wrong: 2 });
    const strict = gateOutcome(docs, policy, null, 'receipt', { total: 0.92 });
    expect(strict).toMatchObject({ approved: 2, wrong: 1 });
    expect(strict.upper95).toBeGreaterThan(0.5);
  });

  it('gates on the calibrated confidence when a calibration is given', () => {
    const calibration = {
      version: 'c',
      fittedAt: '',
      method: '',
      fittedOn: { corpus: '', half: '', documents: 0, ocrEngine: '', model: '', command: '' },
      fields: { total: { x: [0.7, 0.95], y: [0.2, 0.6], samples: 30, correct: 20, eceBefore: 0, eceAfter: 0 } },
    };
    expect(gateOutcome(docs, policy, calibration, 'receipt', { total: 0.7 })).toMatchObject({ approved: 0 });
  });
});
