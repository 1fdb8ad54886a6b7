/**
 * Till receipts from outside the corpus's one receipt source (German, Spanish, Canadian and US tills), hand-written in
 * the shape their OCR and e-receipt text takes: the payment, change and balance lines are not the total, a date label
 * glued to its date still labels it, and a day/month order nothing on the page decides is never sure.
 */
import { describe, expect, it } from 'vitest';
import { extractDocument } from './extract-document.ts';
import { pagesFromLines } from './page-layout.ts';
import { calibrateFields, loadPolicyCalibration } from '../../src-common/routing/field-calibration.ts';
import { loadPolicy } from '../route/policy.ts';
import { BUNDLED } from '../understand/bundled-paths.ts';

const extract = (lines: string[]) => extractDocument(pagesFromLines(lines, { source: 'ocr', confidence: 0.92 }), { docType: 'receipt' }).fields;

describe('German till receipts', () => {
  it('reads the tax of a VAT table whose header also says "Netto", with the total garbled by OCR', () => {
    const f = extract(['dm-drogerie markt', '11.12.2014 11:05', 'EUR', 'essence compact powder 04 2,75 1', 'S U M H E 5,85', 'BAR EUR -10,00', 'Rückgeld EUR 4,15', 'MwStSatz Brutto Netto MwSt', '1=19,00% 5,85 4,92 0,93']);
    expect(f.total?.value).toBe('5.85');
    expect(f.tax?.value).toBe('0.93');
  });

  it('confirms SUMME by cash handed over ("Geg. BAR") minus change ("Rückgeld")', () => {
    const f = extract(['R E W E', 'Hauptstr. 12', '50667 Köln', 'EUR', 'SUPPENGRUEN 0,99 B', 'BROT 2,49 B', 'SUMME EUR 3,48', 'Geg. BAR EUR 5,00', 'Rückgeld BAR EUR 1,52', '04.12.2024 11:26 Bon-Nr.:1433']);
    expect(f.total?.value).toBe('3.48');
    expect(f.total?.note).toContain('equals cash paid minus change');
  });

  it('reads a letter-spaced shop name as one word, not the street under it', () => {
    const f = extract(['               R E W E', '           Siebenmorgen 40', '      51427 Bergisch Gladbach', 'EUR', 'MANGO 3,59 B', 'SUMME EUR 3,59', 'Geg. EC-Cash EUR 3,59']);
    expect(f.vendor?.value).toBe('REWE');
  });

  it('never takes an item line with its price for the shop name', () => {
    const f = extract(['KO Ea Büren', 'UID Nr. : DE812706034', 'ZZ SPIN. RIC. TORT. 4,99', 'APFEL ELSTAR 3,49 B', 'SUMME EUR 8,48']);
    expect(f.vendor?.value ?? '').not.toMatch(/4,99/);
  });

  it('reads a date whose label is glued on by its dot ("Dat.31.08.2015")', () => {
    const f = extract(["Kaiser's Tengelmann GmbH", 'Lorettostraße 26', 'Zwischensumme EUR 15,95', 'Kae: 001/0010 Bon0950', 'Dat.31.08.2015 Zeit 19:22:02']);
    expect(f.issueDate?.value).toBe('2015-08-31');
  });
});

describe('Spanish simplified invoices', () => {
  it('names the shop without the tax number printed after it', () => {
    const f = extract(['MERCADONA, S.A. A-46103834', 'C/ MAYOR 7', '46010 VALENCIA', '16/09/2024 10:37 OP: 3049233', 'FACTURA SIMPLIFICADA: 2475-014-371662', 'Descripción P. Unit Importe', '1 ARROZ INTEGRAL 1,10', 'TOTAL (€) 1,10', 'TARJETA BANCARIA 1,10']);
    expect(f.vendor?.value).toBe('MERCADONA, S.A.');
    expect(f.total?.value).toBe('1.10');
  });
});

describe('North American till receipts', () => {
  it('takes the balance ("BAL") over the savings summary\'s "Total", and no gift-card balance', () => {
    const f = extract([
      'SAFEWAY', 'GST/HST #817093735', 'CUCUMBER 1.29', 'BUTTER LETTUCE 3.49', 'ORGANIC STRAWBERRY 8.98',
      '**** 5.0% GST .52', '**** TAX .52     BAL 14.28', 'VF MasterCard 14.28', 'CHANGE .00', 'DATE: 12/05/14',
      'Your Savings', 'Savings 3.72', 'Total 3.72', 'Gift card New Balance: 165.21',
    ]);
    expect(f.total?.value).toBe('14.28');
  });

  it('is unsure of a date whose day and month could swap when nothing on the page says which comes first', () => {
    const lines = ['Edo Japan', 'Unit 4 205 - 19th Avenue', 'Edmonton, AB', 'DATE: 10/08/2015 TIME: 12:30:14 PM', '1 Kids Chicken & Noodle $5.39', 'TOTAL: $5.39', 'Debit $5.39'];
    const policy = loadPolicy(BUNDLED.policyFile);
    const calibration = loadPolicyCalibration(BUNDLED.policyFile, policy)!;
    const f = calibrateFields(extract(lines), calibration, 'ocr');
    expect(f.issueDate?.value).toBe('2015-08-10');
    expect(f.issueDate!.confidence).toBeLessThanOrEqual(0.5);
    // Below the receipt gate, so a person reads it off the page.
    expect(f.issueDate!.confidence).toBeLessThan(policy.docTypes.receipt!.requiredFields.issueDate!);
    // A ZIP code and a day over 12 elsewhere decide it, and then it is sure again.
    const us = calibrateFields(extract([...lines.slice(0, 2), 'Springfield, IL 62701', 'Returns by 10/23/2015', ...lines.slice(3)]), calibration, 'ocr');
    expect(us.issueDate?.value).toBe('2015-10-08');
    expect(us.issueDate!.confidence).toBeGreaterThanOrEqual(0.8);
  });

  it('stays unsure of such a date when a year-first date elsewhere says nothing about day and month', () => {
    const lines = ['ACME Ltd', 'Invoice No: 42', 'Invoice date: 10/08/2015', 'Subtotal 500.00', 'VAT 20% 100.00', 'Total 600.00', 'Printed 2015-10-08'];
    const policy = loadPolicy(BUNDLED.policyFile);
    const calibration = loadPolicyCalibration(BUNDLED.policyFile, policy)!;
    const read = extractDocument(pagesFromLines(lines, { source: 'ocr', confidence: 0.99 }), { docType: 'invoice' }).fields;
    const f = calibrateFields(read, calibration, 'ocr');
    expect(f.issueDate?.value).toBe('2015-08-10');
    // Below the invoice gate (0.70), so a person reads it off the page.
    expect(f.issueDate!.confidence).toBeLessThan(policy.docTypes.invoice!.requiredFields.issueDate!);
  });
});
