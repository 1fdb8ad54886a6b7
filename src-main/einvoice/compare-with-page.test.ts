import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PageText } from '../../src-shared/document-model.ts';
import { extractWithReadings } from '../extract/merge-readings.ts';
import { compareWithPage } from './compare-with-page.ts';
import { checkEInvoiceMatchesPage } from './einvoice-rules.ts';
import { XRECHNUNG_PAGE } from './fixtures/make-einvoice-pdf.ts';
import { parseEInvoice } from './read-einvoice.ts';

const invoice = parseEInvoice(fs.readFileSync(path.join(__dirname, 'fixtures', 'cii-xrechnung.xml')));

function page(lines: string[]): PageText[] {
  const words = lines.flatMap((l, i) => l.split(/\s+/).filter(Boolean).map((text, j) => ({ text, box: [j / 10, i / 60, (j + 0.9) / 10, (i + 0.8) / 60] as [number, number, number, number], confidence: 1, line: i })));
  return [{ pageNo: 1, width: 595, height: 842, source: 'pdf_text', engine: 'test', words, text: lines.join('\n') }];
}
const compare = (lines: string[]) => {
  const pages = page(lines);
  return compareWithPage(invoice, pages, extractWithReadings(pages, { docType: 'invoice' }).fields);
};

describe('the e-invoice XML against its printed page', () => {
  it('agrees when the page prints the same values, whatever their format', () => {
    const c = compare(XRECHNUNG_PAGE);
    expect(c.map((x) => [x.field, x.status])).toEqual([
      ['total', 'agrees'],
      ['documentNumber', 'agrees'],
      ['iban', 'agrees'],
      ['issueDate', 'agrees'],
      ['dueDate', 'agrees'],
      ['vendor', 'agrees'],
    ]);
    expect(checkEInvoiceMatchesPage({ record: { attachment: 'factur-x.xml', invoice, error: null }, comparisons: c })).toEqual({
      status: 'passed',
      detail: 'The printed invoice shows the same total, document number, IBAN, issue date, due date and seller as the e-invoice data.',
    });
  });

  it('flags a different IBAN on the page in a plain sentence', () => {
    const c = compare(XRECHNUNG_PAGE.map((l) => (l.startsWith('IBAN') ? 'IBAN: FR76 3000 6000 0112 3456 7890 189' : l)));
    expect(c.find((x) => x.field === 'iban')).toEqual({ field: 'iban', xmlValue: 'DE89370400440532013000', status: 'disagrees', pageValue: 'FR7630006000011234567890189' });
    expect(checkEInvoiceMatchesPage({ record: { attachment: 'factur-x.xml', invoice, error: null }, comparisons: c })).toEqual({
      status: 'failed',
      detail: 'The e-invoice data says IBAN DE89370400440532013000, the printed invoice shows FR7630006000011234567890189.',
    });
  });

  it('flags a different total and issue date', () => {
    const c = compare(XRECHNUNG_PAGE.map((l) => l.replace('139,20', '193,20').replace('04.03.2024', '05.03.2024')));
    expect(c.filter((x) => x.status === 'disagrees').map((x) => [x.field, x.pageValue])).toEqual([
      ['total', '193.20'],
      ['issueDate', '2024-03-05'],
    ]);
  });

  it('does not call a value the page simply leaves out a disagreement', () => {
    const c = compare(XRECHNUNG_PAGE.filter((l) => !l.startsWith('IBAN') && !l.startsWith('Zahlbar')));
    expect(c.find((x) => x.field === 'iban')!.status).toBe('not_printed');
    expect(c.find((x) => x.field === 'dueDate')!.status).toBe('not_printed');
    expect(c.some((x) => x.status === 'disagrees')).toBe(false);
  });

  it('reads a month-first page date as agreeing when the page proves that order', () => {
    const c = compare(XRECHNUNG_PAGE.map((l) => l.replace('Rechnungsdatum: 04.03.2024', 'Invoice Date 03/04/2024  Shipped 03/15/2024')));
    expect(c.find((x) => x.field === 'issueDate')!.status).toBe('agrees');
  });

  it('compares a credit note by magnitude: a page printing the total negative agrees', () => {
    const c = compare(XRECHNUNG_PAGE.map((l) => l.replace('139,20 EUR', '-139,20 EUR')));
    expect(c.find((x) => x.field === 'total')!.status).toBe('agrees');
  });
});
