import { describe, expect, it } from 'vitest';
import { groupLinesIntoRows } from './line-rows.ts';

describe('detected lines into rows', () => {
  it('puts a label and its value on one row, left to right, rows top to bottom', () => {
    const rows = groupLinesIntoRows([
      { x0: 400, y0: 100, x1: 500, y1: 120 }, // value
      { x0: 10, y0: 102, x1: 120, y1: 122 }, // label, a little lower
      { x0: 10, y0: 60, x1: 200, y1: 80 }, // a line above
    ]);
    expect(rows).toEqual([[2], [1, 0]]);
  });

  it('keeps two lines printed one over the other apart, however much their heights overlap', () => {
    // A sentence squeezed above an IBAN, as on a scanned invoice: their boxes overlap by a third of a line.
    const sentence = { x0: 190, y0: 660, x1: 620, y1: 685 };
    const iban = { x0: 187, y0: 672, x1: 512, y1: 698 };
    expect(groupLinesIntoRows([iban, sentence])).toEqual([[1], [0]]);
  });
});
