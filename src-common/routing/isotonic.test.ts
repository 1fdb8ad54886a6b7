import { describe, expect, it } from 'vitest';
import { applyIsotonic, fitIsotonic } from './isotonic.ts';

const samples = (pairs: [number, boolean][]) => pairs.map(([confidence, correct]) => ({ confidence, correct }));

describe('fitIsotonic', () => {
  it('pools a dip: higher raw confidence never maps lower', () => {
    // 0.6 is right twice, 0.7 wrong twice, 0.9 right twice: 0.6 and 0.7 pool into one block at 50%.
    const map = fitIsotonic(samples([[0.6, true], [0.6, true], [0.7, false], [0.7, false], [0.9, true], [0.9, true]]), { prior: 0 });
    expect(applyIsotonic(map, 0.6)).toBe(0.5);
    expect(applyIsotonic(map, 0.7)).toBe(0.5);
    expect(applyIsotonic(map, 0.9)).toBe(1);
    for (let r = 0; r <= 1; r += 0.05) expect(applyIsotonic(map, r + 0.05)).toBeGreaterThanOrEqual(applyIsotonic(map, r));
  });

  it('never claims certainty from a finite sample: 40 right answers read 41/42', () => {
    const map = fitIsotonic(samples(Array.from({ length: 40 }, () => [0.95, true] as [number, boolean])));
    expect(applyIsotonic(map, 0.95)).toBeCloseTo(41 / 42, 4);
  });

  it('maps an overconfident extractor down to its real hit rate', () => {
    // Raw 0.9 but right only 6 times in 10.
    const map = fitIsotonic(samples([...Array.from({ length: 6 }, () => [0.9, true] as [number, boolean]), ...Array.from({ length: 4 }, () => [0.9, false] as [number, boolean])]), { prior: 0 });
    expect(applyIsotonic(map, 0.9)).toBe(0.6);
  });

  it('is flat beyond the fitted range and linear between blocks', () => {
    const map = fitIsotonic(samples([[0.2, false], [0.8, true]]), { prior: 0 });
    expect(applyIsotonic(map, 0)).toBe(0);
    expect(applyIsotonic(map, 1)).toBe(1);
    expect(applyIsotonic(map, 0.5)).toBe(0.5);
  });

  it('refuses to fit nothing', () => {
    expect(() => fitIsotonic([])).toThrow(/without samples/);
  });
});

describe('fitIsotonic on a run of distinct raw confidences', () => {
  it('smooths the whole run of right answers as one level, not each sample alone', () => {
    // 30 distinct raw confidences, all right: one level at 31/32, not thirty levels at 2/3.
    const map = fitIsotonic(Array.from({ length: 30 }, (_, i) => ({ confidence: 0.7 + i * 0.01, correct: true })));
    expect(applyIsotonic(map, 0.7)).toBeCloseTo(31 / 32, 4);
    expect(applyIsotonic(map, 0.99)).toBeCloseTo(31 / 32, 4);
  });
});

describe('applyIsotonic below the fitted range', () => {
  it('never raises a raw confidence lower than any the map was fitted on', () => {
    // Fitted only on raw 0.6..0.9, all right: a raw 0.2 says nothing the fit saw.
    const map = fitIsotonic(Array.from({ length: 20 }, (_, i) => ({ confidence: 0.6 + i * 0.015, correct: true })));
    expect(applyIsotonic(map, 0.2)).toBe(0.2);
    expect(applyIsotonic(map, 0.6)).toBeCloseTo(21 / 22, 4);
  });
});
