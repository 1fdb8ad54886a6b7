import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { ExtractedField, FieldName, LineItem } from '../../src-shared/document-model.ts';
import { evaluateRules, type RuleContext, type RuleOutcome } from './evaluate-rules.ts';
import { loadRuleSet, parseRuleSet, RuleSetError, type RuleSet } from './rule-set.ts';

const f = (value: string): ExtractedField => ({ value, confidence: 0.9 });
const fields = (o: Partial<Record<FieldName, string>>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)])) as Partial<Record<FieldName, ExtractedField>>;

const ctx: RuleContext = { now: new Date('2024-06-01T12:00:00Z'), findDuplicates: () => [] };

function one(kind: string, params: unknown, input: { fields?: Partial<Record<FieldName, string>>; lineItems?: LineItem[]; docType?: 'invoice' | 'receipt' }, c: RuleContext = ctx, extra: object = {}): RuleOutcome {
  const set = parseRuleSet({ version: 't', rules: [{ id: 'r', kind, ...(params === undefined ? {} : { params }), ...extra }] });
  const [r] = evaluateRules({ docType: input.docType ?? 'invoice', fields: fields(input.fields ?? {}), lineItems: input.lineItems ?? [], sha256: 'abc' }, set, c);
  return r!;
}

describe('totals_add_up', () => {
  it('passes within the rounding tolerance', () => {
    const r = one('totals_add_up', { tolerance: 0.02 }, { fields: { subtotal: '262.90', tax: '16.94', total: '279.85' } });
    expect(r).toMatchObject({ status: 'passed', passed: true });
    expect(r.detail).toBe('Subtotal 262.90 plus tax 16.94 is 279.84, which matches the total 279.85.');
  });
  it('fails and says by how much', () => {
    const r = one('totals_add_up', undefined, { fields: { subtotal: '1000', tax: '190', total: '1290' } });
    expect(r).toMatchObject({ status: 'failed', passed: false, severity: 'error' });
    expect(r.detail).toBe('Subtotal 1,000.00 plus tax 190.00 is 1,190.00, but the total says 1,290.00 (off by 100.00).');
  });
  it('cannot evaluate without a tax and does not fail unless required', () => {
    const r = one('totals_add_up', undefined, { fields: { subtotal: '10', total: '10' } });
    expect(r).toMatchObject({ status: 'not_evaluated', passed: true, severity: 'info' });
    expect(r.detail).toContain('no tax was found');
    const req = one('totals_add_up', undefined, { fields: { total: '10' } }, ctx, { required: true });
    expect(req).toMatchObject({ status: 'not_evaluated', passed: false, severity: 'error' });
    expect(req.detail).toContain('This check is required');
  });
});

describe('line_items_sum', () => {
  const items: LineItem[] = [{ description: 'a', amount: '10.00' }, { description: 'b', amount: '5.50' }];
  it('compares with the subtotal or the total', () => {
    expect(one('line_items_sum', undefined, { fields: { subtotal: '15.50', total: '18.00' }, lineItems: items }).status).toBe('passed');
    expect(one('line_items_sum', undefined, { fields: { subtotal: '13.00', total: '15.50' }, lineItems: items }).detail).toBe('The 2 line item(s) add up to 15.50, which matches the total 15.50.');
    expect(one('line_items_sum', undefined, { fields: { total: '15.50' }, lineItems: items }).status).toBe('passed');
    expect(one('line_items_sum', undefined, { fields: { subtotal: '10.00', total: '12.00' }, lineItems: items }).detail).toBe(
      'The 2 line item(s) add up to 15.50, but the subtotal is 10.00 or the total 12.00 (off by 5.50).',
    );
    const bad = one('line_items_sum', { compareTo: 'total' }, { fields: { subtotal: '15.50', total: '18.00' }, lineItems: items });
    expect(bad.status).toBe('failed');
    expect(bad.detail).toBe('The 2 line item(s) add up to 15.50, but the total is 18.00 (off by 2.50).');
  });
  it('cannot evaluate without items', () => {
    expect(one('line_items_sum', undefined, { fields: { total: '1' } })).toMatchObject({ status: 'not_evaluated', passed: true });
  });
});

describe('dates_plausible', () => {
  it('passes normal dates', () => {
    expect(one('dates_plausible', undefined, { fields: { issueDate: '2024-05-01', dueDate: '2024-05-31' } }).status).toBe('passed');
  });
  it('fails future, ancient and reversed dates', () => {
    expect(one('dates_plausible', undefined, { fields: { issueDate: '2024-07-01' } }).detail).toContain('30 day(s) in the future');
    expect(one('dates_plausible', undefined, { fields: { issueDate: '2001-01-01' } }).detail).toContain('23 year(s) old');
    const rev = one('dates_plausible', undefined, { fields: { issueDate: '2024-05-01', dueDate: '2024-04-01' } });
    expect(rev).toMatchObject({ status: 'failed', passed: false });
    expect(rev.detail).toContain('the due date 2024-04-01 is before the issue date 2024-05-01');
  });
  it('cannot evaluate without an issue date', () => {
    expect(one('dates_plausible', undefined, { fields: {} }).status).toBe('not_evaluated');
  });
});

describe('duplicate', () => {
  it('passes when the lookup finds nothing and fails with the earlier document named', () => {
    expect(one('duplicate', undefined, { fields: { vendor: 'A', documentNumber: '1' } }).detail).toBe('No earlier document with this vendor and number, or this exact file was found.');
    const seen: unknown[] = [];
    const dupCtx: RuleContext = {
      now: ctx.now,
      findDuplicates: (key) => {
        seen.push(key);
        return [{ documentId: 'doc-17', reason: 'same vendor and invoice number' }];
      },
    };
    const r = one('duplicate', undefined, { fields: { vendor: 'A', documentNumber: '1' } }, dupCtx);
    expect(r).toMatchObject({ status: 'failed', passed: false });
    expect(r.detail).toBe('This looks like a duplicate of doc-17 (same vendor and invoice number).');
    expect(seen).toEqual([{ vendor: 'A', documentNumber: '1', sha256: 'abc' }]);
  });
});

describe('required_fields', () => {
  const params = { fields: { invoice: ['vendor', 'total', 'documentNumber'], receipt: ['total'] } };
  it('lists what is missing in words', () => {
    const r = one('required_fields', params, { fields: { vendor: 'A' } });
    expect(r.detail).toBe('Required for a invoice but not found: total, document number.');
    expect(one('required_fields', params, { fields: { total: '1' }, docType: 'receipt' }).status).toBe('passed');
  });
});

describe('iban_checksum', () => {
  it('passes, fails and cannot evaluate', () => {
    expect(one('iban_checksum', undefined, { fields: { iban: 'NL50 INGB 0683 2513 09' } }).status).toBe('passed');
    const bad = one('iban_checksum', undefined, { fields: { iban: 'NL51INGB0683251309' } });
    expect(bad.detail).toBe('The IBAN NL51INGB0683251309 is not valid: its check digits are wrong (mod 97).');
    expect(one('iban_checksum', undefined, {}).status).toBe('not_evaluated');
  });
});

describe('vat_id_format', () => {
  it('checks EU and Malaysian formats', () => {
    expect(one('vat_id_format', undefined, { fields: { vendorTaxId: 'NL810433941B01' } }).detail).toContain('Dutch VAT number');
    expect(one('vat_id_format', undefined, { fields: { vendorTaxId: '001492992000' } }).detail).toContain('Malaysian GST number');
    const bad = one('vat_id_format', undefined, { fields: { vendorTaxId: 'DE12345' } });
    expect(bad).toMatchObject({ status: 'failed' });
    expect(bad.detail).toContain('German VAT number (DE + 9 digits)');
    expect(one('vat_id_format', { countries: ['DE'] }, { fields: { vendorTaxId: 'NL810433941B01' } }).status).toBe('failed');
    expect(one('vat_id_format', undefined, {}).status).toBe('not_evaluated');
  });
});

describe('vendor_allow_list', () => {
  it('passes listed vendors and fails others', () => {
    const params = { vendors: ['Coolblue B.V.', 'MR D.I.Y.'] };
    expect(one('vendor_allow_list', params, { fields: { vendor: 'COOLBLUE BV' } }).status).toBe('passed');
    expect(one('vendor_allow_list', params, { fields: { vendor: 'MR D.I.Y. (M) SDN BHD' } }).status).toBe('passed');
    expect(one('vendor_allow_list', params, { fields: { vendor: 'Unknown Ltd' } }).detail).toBe('The vendor Unknown Ltd is not on the approved vendor list.');
    expect(one('vendor_allow_list', params, {}).status).toBe('not_evaluated');
  });
});

describe('rule sets', () => {
  it('skips rules for other doc types', () => {
    const set: RuleSet = parseRuleSet({ version: 1, rules: [{ id: 'iban', kind: 'iban_checksum', appliesTo: ['invoice'] }] });
    expect(set.version).toBe('1');
    expect(evaluateRules({ docType: 'receipt', fields: {}, lineItems: [], sha256: '' }, set, ctx)).toEqual([]);
  });
  it('loads the bundled default rule set', () => {
    const set = loadRuleSet(join(import.meta.dirname, '../../resources/rules/default.yaml'));
    expect(set.version).toMatch(/\d/);
    expect(new Set(set.rules.map((r) => r.kind)).size).toBeGreaterThanOrEqual(7);
  });
  it('names the bad key in errors', () => {
    expect(() => parseRuleSet({ version: '1', rules: [{ id: 'a', kind: 'totals_add_up', params: { tolerence: 1 } }] })).toThrow(/rules\[0\]\.params: unknown key\(s\) "tolerence"/);
    expect(() => parseRuleSet({ version: '1', rules: [{ id: 'a', kind: 'nope' }] })).toThrow(/rules\[0\]\.kind/);
    expect(() => parseRuleSet({ version: '1', rules: [{ id: 'a', kind: 'duplicate', appliesTo: ['memo'] }] })).toThrow(/rules\[0\]\.appliesTo\[0\]/);
    expect(() => parseRuleSet({ rules: [] })).toThrow(/version/);
    expect(() => parseRuleSet({ version: '1', rules: [{ id: 'a', kind: 'duplicate' }, { id: 'a', kind: 'duplicate' }] })).toThrow(/duplicate rule id "a"/);
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    writeFileSync(join(dir, 'bad.yaml'), 'version: 1\nrules:\n  - id: x\n    kind: vendor_allow_list\n    params: {}\n');
    expect(() => loadRuleSet(join(dir, 'bad.yaml'))).toThrow(RuleSetError);
    expect(() => loadRuleSet(join(dir, 'bad.yaml'))).toThrow(/bad.yaml: rules\[0\]\.params\.vendors/);
  });
});
