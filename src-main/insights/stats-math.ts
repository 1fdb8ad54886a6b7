import type { Percentiles, Rate } from '../../src-shared/insights.ts';

/** Nearest-rank percentile of an ascending list (the value at or above `p` of the observations). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (!sorted.length) return null;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

const round1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

export function percentilesOf(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    p50Ms: round1(percentile(sorted, 0.5)),
    p95Ms: round1(percentile(sorted, 0.95)),
    p99Ms: round1(percentile(sorted, 0.99)),
    meanMs: sorted.length ? round1(sum / sorted.length) : null,
  };
}

/**
 * A share with its 95% Wilson score interval: unlike the normal approximation it stays inside 0..1
 * and is honest for the small counts a QA sample has (0 errors in 20 is not "0% error").
 */
export function wilsonRate(numerator: number, denominator: number, z = 1.959964): Rate {
  if (denominator <= 0) return { numerator, denominator, rate: null, ci95: null };
  const p = numerator / denominator;
  const z2 = z * z;
  const centre = (p + z2 / (2 * denominator)) / (1 + z2 / denominator);
  const half = (z * Math.sqrt((p * (1 - p)) / denominator + z2 / (4 * denominator * denominator))) / (1 + z2 / denominator);
  const r4 = (v: number) => Math.round(v * 10000) / 10000;
  return { numerator, denominator, rate: r4(p), ci95: { low: r4(Math.max(0, centre - half)), high: r4(Math.min(1, centre + half)) } };
}

/** Shares that sum to 1 (all zero when nothing was counted). */
export function shares(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (total ? c / total : 0));
}

/** A bin that is empty on one side would make the index infinite: both sides are floored at this share. */
const PSI_FLOOR = 1e-4;

/**
 * Population stability index of an observed distribution against a reference, bin by bin:
 * sum of (o - r) * ln(o / r). Under 0.1 is usually read as stable, over 0.25 as a real shift.
 */
export function populationStabilityIndex(reference: readonly number[], observed: readonly number[]): number {
  if (reference.length !== observed.length) throw new Error(`PSI needs equal bins (${reference.length} vs ${observed.length})`);
  let psi = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = Math.max(reference[i]!, PSI_FLOOR);
    const o = Math.max(observed[i]!, PSI_FLOOR);
    psi += (o - r) * Math.log(o / r);
  }
  return Math.round(psi * 10000) / 10000;
}
