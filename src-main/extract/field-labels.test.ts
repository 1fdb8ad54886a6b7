import { describe, expect, it } from 'vitest';
import { invoiceCues } from '../classify/type-evidence.ts';
import { TOTAL_LABELS } from './field-labels.ts';

const labelsTotal = (text: string) => TOTAL_LABELS.some((r) => r.re.test(text));

describe('total labels', () => {
  it('reads a Danish or Norwegian "At betale" as a label, in its own column or after a bullet', () => {
    expect(labelsTotal('At betale   1.250,00')).toBe(true);
    expect(labelsTotal('Moms 25%   312,50   At betale   1.562,50')).toBe(true);
    expect(labelsTotal('Fragt   0,00   - At betale   1.562,50')).toBe(true);
  });

  it('checks a long page of column gaps and separators in linear time (a page of dashes is not a hang)', () => {
    const page = `Invoice\n${'-   '.repeat(30_000)}\nTotal 12,00`;
    const t = performance.now();
    invoiceCues(page);
    expect(performance.now() - t).toBeLessThan(500);
  });
});
