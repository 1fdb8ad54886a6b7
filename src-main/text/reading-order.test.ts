import { describe, expect, it } from 'vitest';
import type { Word } from '../../src-shared/document-model.ts';
import { orderByRows } from './reading-order.ts';

const word = (text: string, x0: number, y0: number, line: number): Word => ({ text, box: [x0, y0, x0 + 0.1, y0 + 0.02], confidence: 0.9, line });

describe('orderByRows', () => {
  it('joins a label and an amount that came out as separate blocks', () => {
    // Tesseract read the left column (lines 0, 1) before the right one (lines 2, 3).
    const words = [word('TOTAL', 0.1, 0.5, 0), word('CASH', 0.1, 0.55, 1), word('9.00', 0.8, 0.501, 2), word('10.00', 0.8, 0.549, 3)];
    const { words: ordered, text } = orderByRows(words);
    expect(text).toBe('TOTAL 9.00\nCASH 10.00');
    expect(ordered.map((w) => [w.text, w.line])).toEqual([
      ['TOTAL', 0],
      ['9.00', 0],
      ['CASH', 1],
      ['10.00', 1],
    ]);
  });

  it('leaves two columns of prose in column order', () => {
    const prose = (text: string, x0: number, y0: number, line: number): Word[] =>
      text.split(' ').map((t, i) => ({ text: t, box: [x0 + i * 0.05, y0, x0 + i * 0.05 + 0.04, y0 + 0.02], confidence: 0.9, line }));
    const words = [
      ...prose('the left column starts here and runs on', 0.05, 0.1, 0),
      ...prose('and ends.', 0.05, 0.13, 1),
      ...prose('the right column starts here and runs on', 0.55, 0.1, 2),
      ...prose('and on until its end.', 0.55, 0.13, 3),
    ];
    expect(orderByRows(words).text).toBe(
      'the left column starts here and runs on\nand ends.\nthe right column starts here and runs on\nand on until its end.',
    );
  });

  it('keeps lines apart that only touch', () => {
    const words = [word('first', 0.1, 0.1, 0), word('second', 0.1, 0.115, 1)];
    expect(orderByRows(words).text).toBe('first\nsecond');
  });

  it('handles no words', () => {
    expect(orderByRows([])).toEqual({ words: [], text: '' });
  });
});
