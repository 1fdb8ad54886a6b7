import { describe, expect, it } from 'vitest';
import { clopperPearsonUpper } from './binomial.ts';

describe('clopperPearsonUpper', () => {
  it('bounds 0 wrong of n by 1 - 0.05^(1/n) (the "rule of three" for large n)', () => {
    expect(clopperPearsonUpper(0, 36)).toBeCloseTo(1 - 0.05 ** (1 / 36), 6);
    expect(clopperPearsonUpper(0, 36)).toBeCloseTo(0.0799, 3);
    expect(clopperPearsonUpper(0, 300)).toBeCloseTo(3 / 300, 3);
  });

  it('matches the exact binomial tail for a few errors (1 of 28 → about 16%)', () => {
    const u = clopperPearsonUpper(1, 28);
    // P(X <= 1 | 28, u) = 0.05 at the bound.
    const tail = (1 - u) ** 28 + 28 * u * (1 - u) ** 27;
    expect(tail).toBeCloseTo(0.05, 6);
    expect(u).toBeGreaterThan(0.15);
    expect(u).toBeLessThan(0.17);
  });

  it('knows nothing from nothing, and refuses impossible counts', () => {
    expect(clopperPearsonUpper(0, 0)).toBe(1);
    expect(() => clopperPearsonUpper(3, 2)).toThrow(RangeError);
  });
});
