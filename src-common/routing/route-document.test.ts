import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExtractedField, FieldName } from '../../src-shared/document-model.ts';
import { loadPolicy, parsePolicy, PolicyError, type Policy } from '../../src-main/route/policy.ts';
import { qaRate, routeDocument, type RouteInput } from './route-document.ts';

const policy: Policy = parsePolicy({
  version: 'test-1',
  sensitiveFields: ['iban'],
  docTypes: {
    invoice: {
      classThreshold: 0.9,
      requiredFields: { total: 0.8, vendor: 0.6 },
      reviewAbove: 10000,
      rejectAbove: 1000000,
      ruleActions: { duplicate: 'reject', 'line-items-sum': 'ignore' },
      batchApprove: { enabled: true, maxTotal: 1000 },
      qaSampling: { rate: 0.02, confidenceBands: [{ below: 0.95, rate: 0.2 }], newVendor: { fewerThan: 3, rate: 0.5 } },
    },
  },
});

const field = (value: string, confidence = 0.99): ExtractedField => ({ value, confidence });
function input(over: Partial<RouteInput> = {}, fields: Partial<Record<FieldName, ExtractedField>> = {}): RouteInput {
  return {
    docType: 'invoice',
    docTypeScore: 0.99,
    fields: { total: field('120.00'), vendor: field('Acme GmbH'), currency: field('EUR'), ...fields },
    rules: [],
    vendorHistoryCount: 50,
    ...over,
  };
}
const never = () => 0.999;
const always = () => 0;

describe('routeDocument', () => {
  it('auto-approves a certain document and says why', () => {
    const r = routeDocument(input(), policy, never);
    expect(r).toMatchObject({ action: 'auto_approve', policyVersion: 'test-1', qaSampled: false, batchApprovable: true, sensitiveFields: ['iban'] });
    expect(r.reasons).toEqual(['All checks passed under policy test-1; approved automatically.']);
  });

  it('sends an uncertain class to review ("not sure" is an answer)', () => {
    const r = routeDocument(input({ docTypeScore: 0.62 }), policy, never);
    expect(r.action).toBe('review');
    expect(r.reasons).toContain('Not sure this is an invoice (score 0.62, needs 0.90).');
    expect(r.batchApprovable).toBe(false);
  });

  it('sends low-confidence and missing required fields to review', () => {
    const r = routeDocument(input({}, { total: field('12.40', 0.55), vendor: undefined as unknown as ExtractedField }), policy, never);
    expect(r.action).toBe('review');
    expect(r.reasons).toContain('Not sure about the total "12.40" (confidence 0.55, needs 0.80).');
    expect(r.reasons).toContain('The vendor was not found; someone needs to read it off the document.');
  });

  it('applies rule actions per rule and ignores checks that could not run', () => {
    const failedTotal = { id: 'totals-add-up', passed: false, severity: 'error' as const, detail: 'Subtotal 10.00 plus tax 1.00 is 11.00, but the total says 12.00 (off by 1.00).' };
    const review = routeDocument(input({ rules: [failedTotal] }), policy, never);
    expect(review.action).toBe('review');
    expect(review.reasons).toContain('Check failed: Subtotal 10.00 plus tax 1.00 is 11.00, but the total says 12.00 (off by 1.00).');

    const dup = { id: 'duplicate', passed: false, severity: 'error' as const, detail: 'This looks like a duplicate of doc-17 (same file).' };
    const rejected = routeDocument(input({ rules: [failedTotal, dup] }), policy, never);
    expect(rejected.action).toBe('reject');
    expect(rejected.reasons).toContain('Rejected: This looks like a duplicate of doc-17 (same file).');

    const ignored = { id: 'line-items-sum', passed: false, severity: 'warning' as const, detail: 'x' };
    const notRun = { id: 'iban-valid', passed: true, status: 'not_evaluated', severity: 'info' as const, detail: 'Could not check the IBAN: none was found.' };
    expect(routeDocument(input({ rules: [ignored, notRun] }), policy, never).action).toBe('auto_approve');
    const requiredNotRun = { id: 'iban-valid', passed: false, status: 'not_evaluated', severity: 'error' as const, detail: 'Could not check the IBAN: none was found. This check is required.' };
    const r = routeDocument(input({ rules: [requiredNotRun] }), policy, never);
    expect(r.action).toBe('review');
    expect(r.reasons).toContain('Check failed: Could not check the IBAN: none was found. This check is required.');
  });

  it('reviews totals over the limit, rejects over the hard limit', () => {
    const r = routeDocument(input({}, { total: field('12400.00') }), policy, never);
    expect(r.action).toBe('review');
    expect(r.reasons).toContain('Total EUR 12,400.00 is over the 10,000.00 review limit for invoices.');
    const big = routeDocument(input({}, { total: field('2000000') }), policy, never);
    expect(big.action).toBe('reject');
    expect(big.reasons[0]).toBe('Total EUR 2,000,000.00 is over the 1,000,000.00 limit for invoices, so it is rejected.');
  });

  it('routes doc types without a policy to review', () => {
    const r = routeDocument(input({ docType: 'bank_statement' }), policy, never);
    expect(r).toMatchObject({ action: 'review', qaSampled: false, batchApprovable: false });
    expect(r.reasons).toEqual(['There is no policy for bank statements, so every one goes to a reviewer.']);
  });

  it('is not batch-approvable over the batch limit', () => {
    expect(routeDocument(input({}, { total: field('5000') }), policy, never).batchApprovable).toBe(false);
  });
});

describe('QA sampling', () => {
  it('samples auto-approved documents at the stratum rate with an injected RNG', () => {
    const sampled = routeDocument(input(), policy, () => 0.01);
    expect(sampled).toMatchObject({ action: 'review', qaSampled: true, batchApprovable: true });
    expect(sampled.reasons).toEqual(['Picked at random for a quality check (2% of auto-approved invoices); it would otherwise be approved automatically.']);
    expect(routeDocument(input(), policy, () => 0.03).action).toBe('auto_approve');
  });

  it('uses a higher rate for new vendors', () => {
    expect(qaRate(input({ vendorHistoryCount: 0 }), policy)).toEqual({ rate: 0.5, why: '50% of those from a vendor not seen before' });
    expect(qaRate(input({ vendorHistoryCount: 2 }), policy).why).toBe('50% of those from a vendor seen only 2 time(s) before');
    const r = routeDocument(input({ vendorHistoryCount: 1 }), policy, () => 0.4);
    expect(r.qaSampled).toBe(true);
    expect(routeDocument(input({ vendorHistoryCount: 3 }), policy, () => 0.4).qaSampled).toBe(false);
  });

  it('uses a higher rate for the low confidence band', () => {
    const borderline = input({ docTypeScore: 0.93 });
    expect(qaRate(borderline, policy)).toEqual({ rate: 0.2, why: '20% of those with confidence under 0.95' });
    expect(qaRate(input({}, { total: field('1.00', 0.9) }), policy).rate).toBe(0.2);
  });

  it('gives a sampling rate close to the configured one over many documents', () => {
    let seed = 42;
    const rng = () => ((seed = (seed * 1664525 + 1013904223) % 2 ** 32) / 2 ** 32);
    let n = 0;
    for (let i = 0; i < 5000; i++) if (routeDocument(input(), policy, rng).qaSampled) n++;
    expect(n / 5000).toBeGreaterThan(0.012);
    expect(n / 5000).toBeLessThan(0.028);
  });

  it('never samples documents that already go to review', () => {
    expect(routeDocument(input({ docTypeScore: 0.5 }), policy, always).qaSampled).toBe(false);
  });
});

describe('policies', () => {
  it('loads the bundled default policy', () => {
    const p = loadPolicy(join(import.meta.dirname, '../../resources/policies/default.yaml'));
    expect(p.version).toMatch(/\d/);
    expect(p.docTypes.invoice?.reviewAbove).toBe(10000);
    expect(p.docTypes.receipt).toBeDefined();
    const r = routeDocument(input({}, { documentNumber: field('INV-1'), issueDate: field('2024-01-01') }), p, never);
    expect(r.action).toBe('auto_approve');
  });
  it('names the bad key in errors', () => {
    expect(() => parsePolicy({ version: 1, docTypes: { invoice: { classThreshold: 1.5 } } })).toThrow(/docTypes\.invoice\.classThreshold/);
    expect(() => parsePolicy({ version: 1, docTypes: { invoice: { classThreshold: 0.9, reviewLimit: 5 } } })).toThrow(/unknown key\(s\) "reviewLimit"/);
    expect(() => parsePolicy({ version: 1, docTypes: { invoice: { classThreshold: 0.9, ruleActions: { x: 'panic' } } } })).toThrow(PolicyError);
    expect(() => parsePolicy({ docTypes: {} })).toThrow(/version/);
  });
});
