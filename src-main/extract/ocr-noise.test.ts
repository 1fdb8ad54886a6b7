import { describe, expect, it } from 'vitest';
import { detectLocale } from './detect-locale.ts';
import { extractDocument } from './extract-document.ts';
import { findDates } from './normalise-date.ts';
import { pagesFromLines } from './page-layout.ts';

const extract = (lines: string[], confidence = 0.9) => extractDocument(pagesFromLines(lines, { source: 'ocr', confidence }), { docType: 'receipt' }).fields;

describe('OCR noise on receipts', () => {
  it('reads a date whose year OCR glued to the next word', () => {
    expect(findDates('Date: 21/05/2018Time: 11:12:56AM').map((d) => d.iso)).toEqual(['2018-05-21']);
  });

  it('does not take a time of day read with dots as proof of month-first dates', () => {
    const locale = detectLocale('KEDAI PAPAN SDN BHD\nDate: 10/01/2018\n09.20.00\nTOTAL RM 12.00');
    expect(locale.dateOrder).toBe('DMY');
    const fields = extract(['KEDAI PAPAN SDN BHD', 'Doc No CS00012626 Date: 10/01/2018', '09.20.00', 'TOTAL RM 12.00']);
    expect(fields.issueDate?.value).toBe('2018-01-10');
  });

  it('is sure of a total that cash minus change confirms, and unsure of a lone label', () => {
    const checked = extract(['SWC ENTERPRISE SDN BHD', 'Total Incl. GST: 8.70', 'CASH 10.00', 'CHANGE 1.30']);
    const lone = extract(['SWC ENTERPRISE SDN BHD', 'Grand Total 30.50', 'Thank you']);
    expect(checked.total?.value).toBe('8.70');
    expect(lone.total?.value).toBe('30.50');
    expect(checked.total!.confidence).toBeGreaterThanOrEqual(0.66);
    expect(lone.total!.confidence).toBeLessThan(0.66);
  });

  it('does not count a zero subtotal beside a tax as big as the total as a cross-check', () => {
    // OCR dropped the decimal points of the subtotal and tax lines; the rounding line's 0.00 sits below the subtotal label.
    const fields = extract([
      'KEDAI RUNCIT MAJU SDN BHD',
      'Total Sales (Excluding GST) 5142',
      'Total GST 308',
      'Rounding 0.00',
      'Total Sales (Inclusive of GST) 64.50',
    ]);
    expect(fields.total?.value).toBe('64.50');
    expect(fields.total!.note ?? '').not.toMatch(/subtotal plus tax/);
    expect(fields.total!.confidence).toBeLessThan(0.88);
    expect(fields.tax?.value).not.toBe('64.50');
  });

  it('doubts a total far below the labelled subtotal, even when cash minus change matches it', () => {
    const fields = extract(['PIZZA PERMAS JAYA', 'Sub-Total 25.60', 'Grand Total : 3.90', 'Cash 5.00', 'Change Due : 1.10']);
    expect(fields.total?.value).toBe('3.90');
    expect(fields.total!.note).toMatch(/subtotal reads 25\.60, far above the total/);
    expect(fields.total!.confidence).toBeLessThan(0.6);
  });

  it('doubts a total when another labelled total reads differently', () => {
    const fields = extract([
      'ONE SEAFOOD RESTAURANT SDN BHD',
      'Total (Excluding GST): 36.00',
      'Total (Inclusive of GST): 36.00',
      'TOTAL: 38.00',
      'CASH 38.00',
    ]);
    expect(fields.total!.confidence).toBeLessThan(0.66);
  });

  it('does not count a zero tax as subtotal plus tax adding up', () => {
    const fields = extract(['SHOP SDN BHD', 'Total (Excluding GST): 36.00', 'GST 0.00', 'Total (Inclusive of GST): 36.00']);
    expect(fields.total?.note ?? '').not.toContain('equals subtotal plus tax');
  });

  it('leaves out a subtotal equal to the total when a positive tax cannot add up', () => {
    const fields = extract(['NANDO SDN BHD', 'Sub Total 129.30', 'GST 6% 7.30', 'Total 129.30', 'CASH 150.00', 'CHANGE 20.70']);
    expect(fields.total?.value).toBe('129.30');
    expect(fields.subtotal).toBeUndefined();
  });
});

describe('vendor names under OCR noise', () => {
  it('keeps the start of a name whose legal form sits in a later column', () => {
    expect(extract(['POPULAR BOOK', 'CO.   (M) SDN BHD', '(Co. No.   113825-W)']).vendor?.value).toBe('POPULAR BOOK CO. (M) SDN BHD');
  });
  it('cuts a registration number whose label OCR garbled, and noise after the legal form', () => {
    expect(extract(['Dion Realties Sdn Bhd (Ca. No:20154-T)', 'Jalan Ampang']).vendor?.value).toBe('Dion Realties Sdn Bhd');
    expect(extract(['MOONLIGHT CAKE HOUSE SDN DHD BO0OZ7Zo-U', 'Jalan Ampang']).vendor?.value).toBe('MOONLIGHT CAKE HOUSE SDN BHD');
  });
  it('skips longer titles and table headers', () => {
    expect(extract(['TAX INVOICE / ADJUSTMENT NOTE', 'Qty UOM U.Price Amt   Amt Inc Tax Code', 'KEDAI RUNCIT AH HOCK']).vendor?.value).toBe('KEDAI RUNCIT AH HOCK');
  });
});

describe('dates under OCR noise', () => {
  it('repairs an impossible year and a month one letter off, and says so', () => {
    const [year] = findDates('14 Mar 2618 18:40');
    expect(year?.iso).toBe('2018-03-14');
    expect(year?.note).toContain('OCR repair');
    expect(findDates('GE4E320   25/Fen/2017').map((d) => d.iso)).toEqual(['2017-02-25']);
  });
  it('leaves real years, amounts and far-off words alone', () => {
    expect(findDates('25/12/2018')[0]?.note).toBeUndefined();
    expect(findDates('TOTAL 2618.00')).toEqual([]);
    expect(findDates('12/Xyz/2017')).toEqual([]);
  });
});

describe('total cross-checks on receipts', () => {
  it('counts an exact payment with no change line as the total printed again', () => {
    const fields = extract(['KEDAI SDN BHD', 'Total (Inclusive of GST): 31.02', 'Rounding Adj: -0.02', 'CASH : 31.00']);
    expect(fields.total?.value).toBe('31.00');
    expect(fields.total?.note).toContain('equals the amount paid');
  });
  it('trusts a rounded total on the 5-sen grid printed by the rounding line', () => {
    const fields = extract(['KEDAI SDN BHD', 'Total Sales (Inclusive GST) RM 37.44', 'Rounding RM 37.45', 'CHANGE Nil']);
    expect(fields.total?.value).toBe('37.45');
    expect(fields.total?.note).toContain('a rounded amount printed on the rounding line');
  });
});
