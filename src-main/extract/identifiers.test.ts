import { describe, expect, it } from 'vitest';
import { checkIban, checkTaxId } from './identifiers.ts';

describe('checkIban', () => {
  it('accepts valid IBANs with or without spaces', () => {
    expect(checkIban('NL50INGB0683251309').valid).toBe(true);
    expect(checkIban('DE89 3704 0044 0532 0130 00').valid).toBe(true);
    expect(checkIban('GB82 WEST 1234 5698 7654 32').valid).toBe(true);
  });
  it('explains what is wrong', () => {
    const wrong = checkIban('DE89 3704 0044 0532 0130 01');
    expect(wrong).toMatchObject({ valid: false });
    expect(!wrong.valid && wrong.reason).toContain('check digits');
    const short = checkIban('DE89370400440532013');
    expect(!short.valid && short.reason).toContain('22 characters');
    expect(checkIban('US1234567890').valid).toBe(false);
  });
});

describe('checkTaxId', () => {
  it.each([
    ['DE 232 446 240', 'DE'],
    ['NL810433941B01', 'NL'],
    ['FR60421938861', 'FR'],
    ['BE0123456749', 'BE'],
    ['ESX1234567X', 'ES'],
    ['IT12345678901', 'IT'],
    ['ATU12345678', 'AT'],
    ['GB123456789', 'GB'],
    ['001492992000', 'MY'],
    ['W10-1808-31000123', 'MY'],
    ['06AABCO6063D1ZQ', 'IN'],
    ['812345678 RT0001', 'CA'],
    ['51 824 753 556', 'AU'],
  ])('%s is a valid %s number', (id, country) => {
    expect(checkTaxId(id)).toMatchObject({ valid: true, country });
  });
  it('rejects wrong formats and French keys', () => {
    expect(checkTaxId('DE12345678').valid).toBe(false);
    expect(checkTaxId('NL810433941A01').valid).toBe(false);
    const fr = checkTaxId('FR61421938861');
    expect(!fr.valid && fr.reason).toContain('check digits');
    expect(checkTaxId('001492992000', 'DE').valid).toBe(false);
    // Eleven digits failing the ABN check are no ABN (an Italian partita IVA without its prefix, say).
    expect(checkTaxId('51 824 753 557')).toMatchObject({ valid: false, reason: 'it matches no known VAT or GST number format' });
  });
});
