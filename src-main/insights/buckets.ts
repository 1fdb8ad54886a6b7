import { CONFIDENCE_BIN_EDGES, LATENCY_BUCKETS_MS } from '../../src-shared/insights.ts';

/** Index of the confidence bin a score falls in (bins start at CONFIDENCE_BIN_EDGES). */
export function confidenceBin(score: number): number {
  let bin = 0;
  for (let i = 0; i < CONFIDENCE_BIN_EDGES.length; i++) if (score >= CONFIDENCE_BIN_EDGES[i]!) bin = i;
  return bin;
}

export function confidenceLabel(bin: number): string {
  const lo = CONFIDENCE_BIN_EDGES[bin]!;
  const hi = CONFIDENCE_BIN_EDGES[bin + 1] ?? 1;
  return `${lo.toFixed(2)}-${hi.toFixed(2)}`;
}

/** Index of the latency bucket (upper bound inclusive); the last index is the overflow bucket. */
export function latencyBucket(ms: number): number {
  const i = LATENCY_BUCKETS_MS.findIndex((b) => ms <= b);
  return i === -1 ? LATENCY_BUCKETS_MS.length : i;
}

export const emptyLatencyCounts = () => new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);

/** Percentile estimated from bucket counts: the upper bound of the bucket holding that rank (the hub has buckets, not values). */
export function bucketPercentile(counts: readonly number[], p: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (!total) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i]!;
    if (seen >= rank) return LATENCY_BUCKETS_MS[i] ?? LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1]! * 2;
  }
  return null;
}
