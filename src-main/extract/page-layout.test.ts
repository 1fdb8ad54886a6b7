import { describe, expect, it } from 'vitest';
import type { PageText, Word } from '../../src-shared/document-model.ts';
import { rowsOf } from './page-layout.ts';

/** One OCR line of words, each word's box from its x-start, on the given vertical band. */
function line(no: number, y0: number, y1: number, words: [string, number][]): Word[] {
  return words.map(([text, x0]) => ({ text, box: [x0, y0, x0 + text.length * 0.01, y1], confidence: 0.99, line: no }));
}

const page = (words: Word[]): PageText[] => [{ pageNo: 1, width: 1000, height: 1400, source: 'ocr', engine: 'test', words, text: '' }];

describe('rows of a scanned page', () => {
  it('joins a label and its value in another column into one row', () => {
    const rows = rowsOf(page([...line(0, 0.5, 0.52, [['Total', 0.1]]), ...line(1, 0.505, 0.525, [['119,00', 0.7]])]));
    expect(rows.map((r) => r.text)).toEqual(['Total   119,00']);
  });

  it('keeps two lines printed one over the other apart, so an IBAN stays whole', () => {
    const sentence = line(0, 0.66, 0.685, [['Invoice', 0.19], ['to', 0.265], ['pay', 0.29], ['by', 0.33], ['wire', 0.36], ['transfer', 0.41]]);
    const iban = line(1, 0.672, 0.698, [['IBAN:FR20', 0.187], ['1242', 0.285], ['1242', 0.33], ['1242', 0.375], ['1242', 0.42], ['1242', 0.465], ['124', 0.51]]);
    expect(rowsOf(page([...iban, ...sentence])).map((r) => r.text)).toEqual(['Invoice to pay by wire transfer', 'IBAN:FR20 1242 1242 1242 1242 1242 124']);
  });

  it('keeps a row whole when its amount was drawn after the label and currency around it (one line lies across the other, no word does)', () => {
    const labelAndCurrency = line(0, 0.5, 0.52, [['Total', 0.1], ['EUR', 0.8]]);
    const amount = line(1, 0.5, 0.52, [['1.190,00', 0.68]]);
    expect(rowsOf(page([...labelAndCurrency, ...amount])).map((r) => r.text)).toEqual(['Total   1.190,00   EUR']);
  });
});
