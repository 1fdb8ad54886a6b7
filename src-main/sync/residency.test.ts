import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src-shared/contract/audit.ts';
import { residencyFromPolicy } from '../../src-shared/data-residency.ts';
import { entryHash, GENESIS_HASH } from '../../src-common/audit-chain/entry-hash.ts';
import { ResidencyFilter } from './residency.ts';
import { checkHubUrl } from './sync-service.ts';

const KEY = Buffer.alloc(32, 7);

function entry(data: Record<string, unknown>): AuditEntry {
  const base = { seq: 1, ts: '2026-01-01T00:00:00.000Z', actor: 'pipeline', event: 'document.routed', documentSha256: null, data, model: null, policyVersion: null, prevHash: GENESIS_HASH };
  return { ...base, hash: entryHash(base) };
}

describe('residency filter', () => {
  it('follows a stricter site policy: only the named fields leave, the rest become keyed hashes', () => {
    const f = new ResidencyFilter(KEY, residencyFromPolicy({ exportableFields: ['total'], fileNames: 'drop' }));
    const e = entry({ fileName: 'acme-march.pdf', fields: { total: { value: '150.75', confidence: 0.9 }, vendor: { value: 'ACME GmbH', confidence: 0.8 } }, reasons: ['The vendor ACME GmbH is new.'] });
    const out = f.auditEntry(e, GENESIS_HASH);
    expect(out.data).toEqual({
      fields: { total: { value: '150.75', confidence: 0.9 }, vendor: { value: f.token('ACME GmbH'), confidence: 0.8 } },
      reasons: [`The vendor ${f.token('ACME GmbH')} is new.`],
    });
    // The hub checks the hash of what it receives; the local entry keeps its own.
    expect(out.hash).toBe(entryHash(out));
    expect(out.hash).not.toBe(e.hash);
    expect(e.data.fileName).toBe('acme-march.pdf');
  });

  it('keeps, hashes or drops file names by the policy (hash by default)', () => {
    const e = entry({ fileName: 'payroll.pdf', error: { message: 'Cannot read payroll.pdf' } });
    const dflt = new ResidencyFilter(KEY, residencyFromPolicy(null));
    expect(dflt.auditEntry(e, GENESIS_HASH).data).toEqual({ fileName: dflt.token('payroll.pdf'), error: { message: `Cannot read ${dflt.token('payroll.pdf')}` } });
    expect(new ResidencyFilter(KEY, residencyFromPolicy({ fileNames: 'keep' })).auditEntry(e, GENESIS_HASH).data).toEqual(e.data);
    expect(new ResidencyFilter(KEY, residencyFromPolicy({ fileNames: 'drop' })).auditEntry(e, GENESIS_HASH).data).not.toHaveProperty('fileName');
  });

  it('hashes old and new values of corrections to kept fields, with a key of its own per site', () => {
    const f = new ResidencyFilter(KEY, residencyFromPolicy(null));
    const other = new ResidencyFilter(Buffer.alloc(32, 8), residencyFromPolicy(null));
    const data = { changes: [{ field: 'iban', oldValue: 'DE89 3704', newValue: 'DE02 1203' }, { field: 'total', oldValue: '1.00', newValue: '2.00' }] };
    expect(f.auditEntry(entry(data), GENESIS_HASH).data).toEqual({
      changes: [{ field: 'iban', oldValue: f.token('DE89 3704'), newValue: f.token('DE02 1203') }, { field: 'total', oldValue: '1.00', newValue: '2.00' }],
    });
    expect(f.token('DE89 3704')).not.toBe(other.token('DE89 3704'));
    const m = f.mutation({ id: 1, name: 'task.decide', args: { taskId: 1, action: 'correct', actor: 'a', decidedAt: 'x', corrections: { vendorTaxId: 'DE136695976', total: '9.00' }, reason: 'VAT DE136695976 was misread' } });
    expect(m.args).toMatchObject({ corrections: { vendorTaxId: f.token('DE136695976'), total: '9.00' }, reason: `VAT ${f.token('DE136695976')} was misread` });
  });
});

describe('hub URL', () => {
  it('takes https anywhere and plain http only on loopback or with --insecure', () => {
    expect(() => checkHubUrl('https://hub.example.com')).not.toThrow();
    expect(() => checkHubUrl('http://127.0.0.1:8080')).not.toThrow();
    expect(() => checkHubUrl('http://localhost:8080')).not.toThrow();
    expect(() => checkHubUrl('http://[::1]:8080')).not.toThrow();
    expect(() => checkHubUrl('http://hub.example.com')).toThrow(/Refusing plain http:\/\/ to hub.example.com.*--insecure/);
    expect(() => checkHubUrl('http://10.0.0.5:8080')).toThrow(/Refusing plain http/);
    expect(() => checkHubUrl('http://hub.example.com', true)).not.toThrow();
    expect(() => checkHubUrl('ftp://hub.example.com', true)).toThrow(/must be https/);
  });
});
