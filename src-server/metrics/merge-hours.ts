import { LATENCY_BUCKETS_MS, type HubMetricsGroup, type MetricsHour, type OverrideRow, type Percentiles } from '../../src-shared/insights.ts';
import { bucketPercentile, emptyLatencyCounts } from '../../src-main/insights/buckets.ts';
import { wilsonRate } from '../../src-main/insights/stats-math.ts';

/** Hours of many devices added up: counts and bucket counts sum, so the hub needs no raw values. */
export interface MergedHours {
  devices: Set<number>;
  documents: MetricsHour['documents'];
  stages: Map<string, { ok: number; failed: number; sumMs: number; buckets: number[] }>;
  failures: Map<string, { stage: string; code: string; count: number }>;
  reviews: MetricsHour['reviews'];
  overrides: Map<string, { dimension: 'field' | 'docType' | 'vendor'; key: string; decided: number; overridden: number }>;
  qa: MetricsHour['qa'];
  classes: Record<string, number>;
  confidence: number[];
  fallbacks: number;
  executionProviders: Map<string, { predictions: number; ocrPages: number }>;
  ocrEngines: Map<string, number>;
}

export function emptyMerge(): MergedHours {
  return {
    devices: new Set(),
    documents: { processed: 0, failed: 0, autoApprove: 0, review: 0, reject: 0 },
    stages: new Map(),
    failures: new Map(),
    reviews: { approve: 0, correct: 0, reject: 0, timedCount: 0, timeSumMs: 0, timeBuckets: emptyLatencyCounts() },
    overrides: new Map(),
    qa: { decided: 0, errors: 0 },
    classes: {},
    confidence: [],
    fallbacks: 0,
    executionProviders: new Map(),
    ocrEngines: new Map(),
  };
}

const addInto = (into: number[], from: readonly number[]) => from.forEach((v, i) => (into[i] = (into[i] ?? 0) + v));

export function mergeHour(m: MergedHours, deviceId: number, h: MetricsHour): void {
  m.devices.add(deviceId);
  for (const k of Object.keys(m.documents) as (keyof MetricsHour['documents'])[]) m.documents[k] += h.documents[k];
  for (const s of h.stages) {
    const into = m.stages.get(s.stage) ?? m.stages.set(s.stage, { ok: 0, failed: 0, sumMs: 0, buckets: emptyLatencyCounts() }).get(s.stage)!;
    into.ok += s.ok;
    into.failed += s.failed;
    into.sumMs += s.sumMs;
    addInto(into.buckets, s.buckets);
  }
  for (const f of h.failures) {
    const key = `${f.stage}\0${f.code}`;
    const into = m.failures.get(key) ?? m.failures.set(key, { stage: f.stage, code: f.code, count: 0 }).get(key)!;
    into.count += f.count;
  }
  m.reviews.approve += h.reviews.approve;
  m.reviews.correct += h.reviews.correct;
  m.reviews.reject += h.reviews.reject;
  m.reviews.timedCount += h.reviews.timedCount;
  m.reviews.timeSumMs += h.reviews.timeSumMs;
  addInto(m.reviews.timeBuckets, h.reviews.timeBuckets);
  for (const o of h.overrides) {
    const key = `${o.dimension}\0${o.key}`;
    const into = m.overrides.get(key) ?? m.overrides.set(key, { dimension: o.dimension, key: o.key, decided: 0, overridden: 0 }).get(key)!;
    into.decided += o.decided;
    into.overridden += o.overridden;
  }
  m.qa.decided += h.qa.decided;
  m.qa.errors += h.qa.errors;
  for (const [k, v] of Object.entries(h.classes)) m.classes[k] = (m.classes[k] ?? 0) + (v ?? 0);
  addInto(m.confidence, h.confidence);
  m.fallbacks += h.fallbacks;
  for (const p of h.executionProviders) {
    const into = m.executionProviders.get(p.provider) ?? m.executionProviders.set(p.provider, { predictions: 0, ocrPages: 0 }).get(p.provider)!;
    into.predictions += p.predictions;
    into.ocrPages += p.ocrPages;
  }
  for (const e of h.ocrEngines) m.ocrEngines.set(e.engine, (m.ocrEngines.get(e.engine) ?? 0) + e.pages);
}

/** Percentiles from bucket counts: each is the upper bound of the bucket holding that rank. */
export function bucketPercentiles(buckets: readonly number[], sumMs: number): Percentiles {
  const count = buckets.reduce((a, b) => a + b, 0);
  return { count, p50Ms: bucketPercentile(buckets, 0.5), p95Ms: bucketPercentile(buckets, 0.95), p99Ms: bucketPercentile(buckets, 0.99), meanMs: count ? Math.round((sumMs / count) * 10) / 10 : null };
}

const rows = (m: MergedHours, dimension: 'field' | 'docType' | 'vendor'): OverrideRow[] =>
  [...m.overrides.values()]
    .filter((o) => o.dimension === dimension)
    .map((o) => ({ key: o.key, ...wilsonRate(o.overridden, o.decided) }))
    .sort((a, b) => (b.rate ?? 0) - (a.rate ?? 0) || b.denominator - a.denominator || a.key.localeCompare(b.key));

export function toGroup(key: { siteId: number; modelVersion: string | null; policyVersion: string | null }, m: MergedHours): HubMetricsGroup {
  const decided = m.reviews.approve + m.reviews.correct + m.reviews.reject;
  return {
    ...key,
    devices: m.devices.size,
    documents: m.documents,
    stages: [...m.stages.entries()].map(([stage, s]) => ({ stage, failed: s.failed, ...bucketPercentiles(s.buckets, s.sumMs) })),
    failures: [...m.failures.values()].sort((a, b) => b.count - a.count),
    reviewShare: wilsonRate(m.documents.review, m.documents.autoApprove + m.documents.review + m.documents.reject),
    timePerReview: bucketPercentiles(m.reviews.timeBuckets, m.reviews.timeSumMs),
    overrides: { overall: wilsonRate(m.reviews.correct + m.reviews.reject, decided), byField: rows(m, 'field'), byDocType: rows(m, 'docType'), byVendor: rows(m, 'vendor') },
    qa: wilsonRate(m.qa.errors, m.qa.decided),
    classes: m.classes,
  };
}

export const LATENCY_BOUNDS_SECONDS = LATENCY_BUCKETS_MS.map((b) => b / 1000);
