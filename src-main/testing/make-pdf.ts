import { makeTextPdf as makePositionedPdf } from '../text/fixtures/generate.ts';

/** A small, valid PDF for tests: each page a list of text lines set top-down in Helvetica. */
export function makeTextPdf(pages: string[][]): Buffer {
  return Buffer.from(makePositionedPdf(pages.map((lines) => lines.map((text, i) => ({ text, x: 50, y: 732 - i * 16, size: 11 })))));
}

/** A plausible one-page invoice, for tests that need a digital document without the corpus. */
export function sampleInvoiceLines(n: number): string[] {
  const total = (100 + n * 7.25).toFixed(2);
  return [
    'ACME Office Supplies GmbH',
    'Hauptstrasse 1, 10115 Berlin',
    'VAT ID: DE123456789',
    `Invoice number: INV-2024-${String(n).padStart(4, '0')}`,
    'Invoice date: 04.03.2024',
    'Due date: 03.04.2024',
    'Description                Qty     Amount',
    `Paper A4                     1     ${total}`,
    `Subtotal                            ${total}`,
    'VAT 0%                              0.00',
    `Total EUR                           ${total}`,
    'IBAN: DE89 3704 0044 0532 0130 00',
  ];
}
