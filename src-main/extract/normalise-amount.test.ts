import { describe, expect, it } from 'vitest';
import { findAmounts, normaliseAmount } from './normalise-amount.ts';

describe('normaliseAmount', () => {
  it.each([
    ['1.234,50', '1234.50'],
    ['1,234.50', '1234.50'],
    ['RM9.00', '9.00'],
    ['RM 9.00', '9.00'],
    ['€ 12,00', '12.00'],
    ['12,00 €', '12.00'],
    ['$ 279.84', '279.84'],
    ['Rs 1939', '1939.00'],
    ['12.00-', '-12.00'],
    ['-0.01', '-0.01'],
    ['(5.00)', '-5.00'],
    ['9.000', '9.00'],
    ['.02', '0.02'],
    ['1 234,50', '1234.50'],
    ["1'234.50", '1234.50'],
    ['1.234.567', '1234567.00'],
    ['4.053,67', '4053.67'],
    ['1O.5O', '10.50'],
    ['29.99 € TTC', '29.99'],
  ])('%s → %s', (raw, want) => {
    expect(normaliseAmount(raw)).toBe(want);
  });

  it('reads "1,234" and "1.234" by the document convention', () => {
    expect(normaliseAmount('1,234')).toBe('1234.00');
    expect(normaliseAmount('1,234', ',')).toBe('1.23');
    expect(normaliseAmount('1.234', ',')).toBe('1234.00');
  });

  it.each(['abc', '10.00%', '', '1.2.3,4.5'])('rejects %j', (raw) => {
    expect(normaliseAmount(raw)).toBeNull();
  });
});

describe('findAmounts', () => {
  it('finds amounts in a receipt line and skips dates, times and percentages', () => {
    expect(findAmounts('TOTAL AMT................. RM 60.31').map((a) => a.value)).toEqual(['60.31']);
    expect(findAmounts('25/12/2018 8:13:39 PM')).toEqual([]);
    expect(findAmounts('Tax 15% on $ 112.90   $ 16.94').map((a) => a.value)).toEqual(['112.90', '16.94']);
  });
  it('reads OCR spacing after the decimal point and skips long digit runs', () => {
    expect(findAmounts('Total RM Incl. of GST   49. 39').map((a) => a.value)).toEqual(['49.39']);
    expect(findAmounts('Cash ~50, 00').map((a) => a.value)).toEqual(['50.00']);
    expect(findAmounts('77341544.30')).toEqual([]);
  });
  it('flags currency and decimals', () => {
    const [a] = findAmounts('Rs 1939');
    expect(a).toMatchObject({ value: '1939.00', hasCurrency: true, hasDecimals: false });
  });
});
