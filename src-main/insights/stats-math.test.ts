import { describe, expect, it } from 'vitest';
import { percentilesOf, populationStabilityIndex, wilsonRate } from './stats-math.ts';

describe('the figures insights are made of', () => {
  it('gives nearest-rank percentiles of the recorded durations', () => {
    const p = percentilesOf(Array.from({ length: 100 }, (_, i) => 100 - i));
    expect(p).toEqual({ count: 100, p50Ms: 50, p95Ms: 95, p99Ms: 99, meanMs: 50.5 });
    expect(percentilesOf([])).toEqual({ count: 0, p50Ms: null, p95Ms: null, p99Ms: null, meanMs: null });
  });

  it('puts a Wilson interval around a QA error rate: 0 of 20 is not "certainly 0%"', () => {
    expect(wilsonRate(0, 20)).toEqual({ numerator: 0, denominator: 20, rate: 0, ci95: { low: 0, high: 0.1611 } });
    // The textbook case: 10 of 100 → 5.5%–17.4%.
    expect(wilsonRate(10, 100).ci95).toEqual({ low: 0.0552, high: 0.1744 });
    expect(wilsonRate(0, 0)).toEqual({ numerator: 0, denominator: 0, rate: null, ci95: null });
  });

  it('reads an unchanged distribution as stable and a swapped one as a shift', () => {
    expect(populationStabilityIndex([0.5, 0.5], [0.5, 0.5])).toBe(0);
    expect(populationStabilityIndex([0.9, 0.1], [0.85, 0.15])).toBeLessThan(0.1);
    expect(populationStabilityIndex([0.9, 0.1], [0.1, 0.9])).toBeGreaterThan(0.25);
  });
});
