/**
 * A total is confirmed only when the amount payable is what the cross-check confirmed: rounding,
 * cash and change, and totals with and without tax.
 */
import { describe, expect, it } from 'vitest';
import { extractDocument } from './extract-document.ts';
import { pagesFromLines } from './page-layout.ts';

const extract = (lines: string[]) => extractDocument(pagesFromLines(lines, { source: 'ocr', confidence: 0.9 }), { docType: 'receipt' }).fields;

const HEADER = ['KEDAI RUNCIT MAJU SDN BHD', '(123456-A)', 'NO 12, JALAN MERANTI 3, 43000 KAJANG', 'GST REG NO: 001234567890', 'TAX INVOICE', 'DATE: 12/03/2018 14:22'];

describe('rounding: the rounded amount is the one paid', () => {
  it('takes "Total Rounded" over the total two cents off, even when subtotal plus tax confirms the unrounded one', () => {
    const f = extract([...HEADER, 'MILO 1KG 1 11.81', 'SUBTOTAL 11.81', 'GST 6% 0.71', 'TOTAL 12.52', 'TOTAL ROUNDED 12.50']);
    expect(f.total?.value).toBe('12.50');
    expect(f.total?.note).toContain('equals subtotal plus tax plus the rounding adjustment');
  });

  it('keeps the printed total when the rounded amount is printed nowhere (receipts print the total they mean)', () => {
    const f = extract([...HEADER, 'SUB TOTAL 45.07', 'GST 6% 2.70', 'TOTAL 47.77', 'Round off 0.03']);
    expect(f.total?.value).toBe('47.77');
  });

  it('reads an unsigned "Rounding" line the way that lands on the 5-sen grid', () => {
    const f = extract([...HEADER, 'TOTAL INCL GST 12.52', 'ROUNDING 0.02', '12.50', 'CASH 13.00', 'CHANGE 0.50']);
    expect(f.total?.value).toBe('12.50');
    expect(f.total?.note).toContain('equals cash paid minus change');
  });

  it('never counts subtotal plus tax as confirming the amount before rounding', () => {
    for (const lines of [
      [...HEADER, 'Total Sales (Excluding GST) 7.00', 'GST @6% 0.42', 'Total Sales (Inclusive GST) 7.42', 'Rounding Adj -0.02', 'Total 7.40'],
      // The rounded total printed without a label, as the amount paid.
      [...HEADER, 'SUBTOTAL 7.00', 'GST 6% 0.42', 'TOTAL 7.42', 'ROUNDING ADJ -0.02', 'CASH 7.40'],
    ]) {
      const f = extract(lines);
      expect(f.total?.value).toBe('7.40');
      // The sum confirms 7.42; only with the adjustment does it confirm what is paid.
      expect(f.total?.note).toContain('equals subtotal plus tax plus the rounding adjustment');
      expect(f.total?.note).not.toMatch(/equals subtotal plus tax(?! plus the rounding)/);
    }
  });

  it('leaves a total already on the grid alone when the rounding line reads zero', () => {
    const f = extract([...HEADER, 'TOTAL 10.00', 'ROUNDING 0.00', 'CASH 10.00']);
    expect(f.total?.value).toBe('10.00');
  });
});

describe('cash and change confirm the payable amount', () => {
  it('confirms the total when cash minus change equals it', () => {
    const f = extract([...HEADER, 'TOTAL 42.55', 'CASH 50.00', 'CHANGE 7.45']);
    expect(f.total?.value).toBe('42.55');
    expect(f.total?.note).toContain('equals cash paid minus change');
  });

  it('confirms the rounded amount, not the total before rounding, where the rounded amount is printed', () => {
    const f = extract([...HEADER, 'Total Sales (Incl GST) 23.47', 'Rounding Adj -0.02', 'Total Payable 23.45', 'Cash 50.00', 'Change 26.55']);
    expect(f.total?.value).toBe('23.45');
    expect(f.total?.note).toContain('equals cash paid minus change');
  });

  it('keeps the printed total when only the cash payment was rounded (a card pays it unrounded)', () => {
    const f = extract([...HEADER, 'SUB TOTAL 36.20', 'TOTAL (GST INCL) 38.37', 'CASH 40.35', 'ROUNDING ADJUSTMENTS 0.02-', 'CHANGE DUE 2.00']);
    expect(f.total?.value).toBe('38.37');
  });

  it('is not sure when cash minus change disagrees with the printed total', () => {
    const f = extract([...HEADER, 'TOTAL 42.58', 'CASH 50.00', 'CHANGE 7.45']);
    expect(f.total!.confidence).toBeLessThan(0.6);
    expect(f.total?.note).toMatch(/another total reads/);
  });
});

describe('total including tax is payable, total excluding tax is not', () => {
  it('takes the total incl. VAT over the one excl. VAT, whichever comes first', () => {
    for (const lines of [
      ['ACME GmbH', 'Total excl. VAT 100.00', 'VAT 19% 19.00', 'Total incl. VAT 119.00'],
      ['ACME LTD', 'Total incl. tax 119.00', 'Total excl. tax 100.00', 'Tax 19.00'],
    ]) {
      const f = extract(lines);
      expect(f.total?.value).toBe('119.00');
      expect(f.total?.note).toContain('equals subtotal plus tax');
    }
  });

  it('treats a "Total" that a later line adds tax to as the amount before tax', () => {
    const f = extract(['ACME LTD', 'Total 100.00', 'Tax 10% 10.00', 'Amount due 110.00']);
    expect(f.total?.value).toBe('110.00');
    expect(f.total?.note).toContain('equals subtotal plus tax');
    expect(f.total?.note).not.toContain('another total reads');
  });
});

describe('totals OCR read badly (PP-OCR on till receipts)', () => {
  it('reads a total whose decimal point OCR set apart ("12 .30")', () => {
    expect(extract([...HEADER, 'ORANGE PEEL CHOCOLATE 5.80', '2 TOTAL 12 .30', 'CASH 20.00', 'CHANGE 7.70']).total?.value).toBe('12.30');
  });

  it('takes an unlabelled amount that is the subtotal plus the tax, confirmed by cash and change', () => {
    const f = extract([...HEADER, 'Sub Total : RM 68. 87', 'GST/TAX 6% RM 4. 13', 'RM 73. 00', 'CA.. ·. RM 73. 00', 'CHANGE: RM 0.00']);
    expect(f.total?.value).toBe('73.00');
    expect(f.total?.note).toContain('subtotal plus tax');
  });

  it('does not round a total that is already on the 5-sen grid again', () => {
    expect(extract([...HEADER, 'Total 5.00', 'Rounding Adjustment 0.03', 'Total After Rounding 5.00', 'Cash 10.03', 'CHANGE 5.00']).total?.value).toBe('5.00');
    expect(extract([...HEADER, 'Tolal GST 0.24', 'Rounding 0.01', 'Total Sales (inclusive of GST) 4.25', 'CASH 4.30', 'CHANGE 0.05']).total?.value).toBe('4.25');
  });

  it('reads garbled labels: "Tatel Ant Payahte", "Anount Incl. GST", and an amount "accepted" as the cash paid', () => {
    expect(extract([...HEADER, 'Tatal Ant Ind GST @ 6% : 8.48', 'Rounding Adjusawent : (0.02)', 'Tatel Ant Payahte : 8.50', 'Paid Amount : 100.00', 'Chonge : 91.50']).total?.value).toBe('8.50');
    expect(extract([...HEADER, 'Anount Incl. GST 5.00 RM', 'Accepted tatal 10.00 RH', 'Change 5.00 RM']).total?.value).toBe('5.00');
  });

  it('reads "Net Total" as the payable on a receipt and as the amount before tax when the tax adds up to another total', () => {
    expect(extract([...HEADER, 'KISMIS 500GM 2 @ 9.90', 'NET TOTAL 19.80', 'CASH : 50.00', 'CHANGE : 30.20']).total?.value).toBe('19.80');
    expect(extract(['Muster GmbH', 'Rechnung 12', 'Net total 100.00', 'VAT 19% 19.00', 'Total 119.00']).total?.value).toBe('119.00');
  });
});

describe('credit notes print their totals negative', () => {
  it('is sure of "Total TTC -233,47" beside a negative net total and "Total taxes", which are no rival totals', () => {
    const f = extract(['Ma Jolie Boutique', 'Avoir AV-2017-0005', 'Total HT -218,48', 'TVA collectée 20,0% -20,48', 'Total taxes -14,99', 'Total TTC -233,47']);
    expect(f.total?.value).toBe('-233.47');
    expect(f.total?.note).not.toMatch(/far above the total|another total reads -14\.99/);
  });
});
