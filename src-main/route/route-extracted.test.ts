import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractDocument } from '../extract/extract-document.ts';
import { pagesFromLines } from '../extract/page-layout.ts';
import { evaluateRules, loadRuleSet } from '../rules/evaluate-rules.ts';
import { calibrateFields, loadPolicyCalibration } from '../../src-common/routing/field-calibration.ts';
import { loadPolicy } from './policy.ts';
import { routeDocument } from '../../src-common/routing/route-document.ts';

const resources = join(import.meta.dirname, '../../resources');

// Extraction, rules and routing with the bundled defaults, the way the pipeline chains them.
describe('extracted fields through the default rules and policy', () => {
  const ruleSet = loadRuleSet(join(resources, 'rules/default.yaml'));
  const policy = loadPolicy(join(resources, 'policies/default.yaml'));
  const lines = ['OJC MARKETING SDN BHD', '(1009683-T)', 'GST REG NO : 000858597376', 'TAX INVOICE', 'DATE : 15/01/2019', 'TOTAL EXCLUDING GST: 7.00', 'GST @6%: 0.42', 'TOTAL INCLUSIVE GST: 7.42', 'CASH 10.00', 'CHANGE 2.58'];

  it('auto-approves a clean receipt and reviews it once it is a duplicate', () => {
    const { fields, lineItems } = extractDocument(pagesFromLines(lines), { docType: 'receipt' });
    const input = { docType: 'receipt' as const, fields, lineItems, sha256: 'f00' };
    const rules = evaluateRules(input, ruleSet, { now: new Date('2019-02-01T00:00:00Z'), findDuplicates: () => [] });
    expect(rules.filter((r) => !r.passed)).toEqual([]);
    const route = routeDocument({ docType: 'receipt', docTypeScore: 0.97, fields, rules, vendorHistoryCount: 20 }, policy, () => 0.99);
    expect(route.reasons).toEqual([`All checks passed under policy ${policy.version}; approved automatically.`]);
    expect(route.action).toBe('auto_approve');

    const dupRules = evaluateRules(input, ruleSet, { now: new Date('2019-02-01T00:00:00Z'), findDuplicates: () => [{ documentId: 'doc-1', reason: 'same file' }] });
    const dup = routeDocument({ docType: 'receipt', docTypeScore: 0.97, fields, rules: dupRules, vendorHistoryCount: 20 }, policy, () => 0.99);
    expect(dup.action).toBe('reject');
    expect(dup.reasons).toEqual(['Rejected: This looks like a duplicate of doc-1 (same file).']);
  });

  it('does not auto-approve a "receipt" that shows an invoice\'s due date and bank details, however sure the classifier is', () => {
    // An OCR'd invoice the classifier calls a receipt at 0.99: the fields alone would pass.
    const invoiceLines = [...lines.slice(0, -2), 'Due date: 14/02/2019', 'IBAN: MY12 3456 7890 1234', 'CASH 10.00', 'CHANGE 2.58'];
    const pages = pagesFromLines(invoiceLines, { source: 'ocr', confidence: 0.95 });
    const extracted = extractDocument(pages, { docType: 'receipt' });
    // Calibrated as the engine does before routing.
    const fields = calibrateFields(extracted.fields, loadPolicyCalibration(join(resources, 'policies/default.yaml'), policy)!, 'ocr');
    const text = pages.map((p) => p.text).join('\n');
    const rules = evaluateRules({ docType: 'receipt', fields, lineItems: extracted.lineItems, sha256: 'f01', text }, ruleSet, { now: new Date('2019-02-01T00:00:00Z'), findDuplicates: () => [] });
    const route = routeDocument({ docType: 'receipt', docTypeScore: 0.99, fields, rules, vendorHistoryCount: 20 }, policy, () => 0.99);
    expect(route.action).toBe('review');
    expect(route.reasons).toEqual(['Check failed: The text shows marks of an invoice (a due date, bank details), so it may be an invoice read as another type.']);
  });

  it('sends a receipt dated in the future to review with the reason', () => {
    const { fields, lineItems } = extractDocument(pagesFromLines(lines), { docType: 'receipt' });
    const rules = evaluateRules({ docType: 'receipt', fields, lineItems, sha256: 'f00' }, ruleSet, { now: new Date('2018-12-01T00:00:00Z'), findDuplicates: () => [] });
    const route = routeDocument({ docType: 'receipt', docTypeScore: 0.97, fields, rules, vendorHistoryCount: 20 }, policy, () => 0.99);
    expect(route.action).toBe('review');
    expect(route.reasons).toEqual(['Check failed: The dates look wrong: the issue date 2019-01-15 is 45 day(s) in the future.']);
  });
});
