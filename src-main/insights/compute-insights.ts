import { DocTypeSchema } from '../../src-shared/document-model.ts';
import { CONFIDENCE_BIN_EDGES, windowMs, type DriftPolicy, type InsightsSnapshot, type OverrideRow, type Rate } from '../../src-shared/insights.ts';
import type { ClassifiedDocument, MetricsRepo, ReviewDecision, TimeRange } from '../store/metrics-repo.ts';
import { confidenceBin, confidenceLabel } from './buckets.ts';
import { driftAlerts } from './drift-alerts.ts';
import type { ModelReference } from './model-reference.ts';
import { percentilesOf, populationStabilityIndex, wilsonRate } from './stats-math.ts';

export interface InsightsInputs {
  repo: MetricsRepo;
  window: string;
  now: Date;
  /** The model in use; drift is measured for its version. */
  model: { name: string; version: string; sha256: string } | null;
  policyVersion: string | null;
  reference: ModelReference | null;
  drift: DriftPolicy;
  /** What runs when nothing falls back: the first execution provider tried and the planned OCR engine. */
  primary: { executionProvider: string; ocrEngine: string };
}

/** Pipeline stages in the order they run; timings under other names follow them. */
const STAGE_ORDER = ['read', 'ingest', 'text', 'classify', 'extract', 'rules', 'route', 'understand', 'total'];

/**
 * Shares with half a count added per bin (Jeffreys), on both sides alike: an empty bin in a small
 * window or a small reference then reads as a small share, not as an infinite shift.
 */
export function smoothedShares(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0) + counts.length * 0.5;
  return counts.map((c) => (c + 0.5) / total);
}
const smoothedReference = (shares: readonly number[], documents: number) => smoothedShares(shares.map((s) => s * documents));

const r4 = (v: number) => Math.round(v * 10000) / 10000;

export function rangesFor(window: string, now: Date): { current: TimeRange; previous: TimeRange | null } {
  const to = new Date(now.getTime() + 1).toISOString();
  const span = windowMs(window);
  if (span === null) return { current: { from: null, to }, previous: null };
  const from = new Date(now.getTime() - span);
  return { current: { from: from.toISOString(), to }, previous: { from: new Date(from.getTime() - span).toISOString(), to: from.toISOString() } };
}

/** A classified document ran on something other than the primary engine or provider. */
export const isFallback = (c: ClassifiedDocument, primary: InsightsInputs['primary']) =>
  c.executionProvider !== primary.executionProvider || c.ocrEngines.some((e) => e !== primary.ocrEngine) || c.ocrProviders.some((p) => p !== primary.executionProvider);

/** A reviewer changed what the machine said: corrected a field or rejected the document. */
export const isOverride = (d: ReviewDecision) => d.action !== 'approve';

function overrideRows(decisions: ReviewDecision[], keysOf: (d: ReviewDecision) => { key: string; overridden: boolean }[]): OverrideRow[] {
  const acc = new Map<string, { n: number; k: number }>();
  for (const d of decisions) {
    for (const { key, overridden } of keysOf(d)) {
      const a = acc.get(key) ?? { n: 0, k: 0 };
      a.n += 1;
      if (overridden) a.k += 1;
      acc.set(key, a);
    }
  }
  return [...acc.entries()].map(([key, a]) => ({ key, ...wilsonRate(a.k, a.n) })).sort((a, b) => (b.rate ?? 0) - (a.rate ?? 0) || b.denominator - a.denominator || a.key.localeCompare(b.key));
}

export const fieldOverrides = (d: ReviewDecision) => [...new Set([...d.machineFields, ...d.changedFields])].map((f) => ({ key: f, overridden: d.changedFields.includes(f) }));

/** Everything the Insights screen and `countersign stats` show, from the store, for one window. */
export function computeInsights(i: InsightsInputs): InsightsSnapshot {
  const { current, previous } = rangesFor(i.window, i.now);
  const repo = i.repo;
  const first = repo.firstActivity();
  const spanMs = current.from ? i.now.getTime() - Date.parse(current.from) : first ? Math.max(i.now.getTime() - Date.parse(first), 1) : 0;
  const hours = spanMs / 3_600_000;
  const perHour = (n: number) => (hours > 0 ? Math.round((n / hours) * 100) / 100 : 0);

  const finished = repo.finishedDocuments(current);
  const timings = new Map<string, number[]>();
  for (const d of finished) for (const [k, v] of Object.entries(d.timingsMs)) if (Number.isFinite(v)) (timings.get(k) ?? timings.set(k, []).get(k)!).push(v);
  const failedBy = new Map<string, number>();
  const failureRows = new Map<string, { stage: string; code: string; count: number }>();
  for (const d of finished) {
    if (d.status !== 'failed') continue;
    const stage = d.failedStage ?? 'ingest';
    failedBy.set(stage, (failedBy.get(stage) ?? 0) + 1);
    const key = `${stage}\0${d.errorCode ?? 'unknown'}`;
    const row = failureRows.get(key) ?? { stage, code: d.errorCode ?? 'unknown', count: 0 };
    row.count += 1;
    failureRows.set(key, row);
  }
  const stageNames = [...new Set([...STAGE_ORDER.filter((s) => timings.has(s) || failedBy.has(s)), ...timings.keys(), ...failedBy.keys()])];
  const stages = stageNames.map((stage) => {
    const values = timings.get(stage) ?? [];
    return { stage, ...percentilesOf(values), failed: failedBy.get(stage) ?? 0, throughputPerHour: perHour(values.length) };
  });
  const slowest = stages.filter((s) => s.stage !== 'total' && s.p95Ms !== null).sort((a, b) => b.p95Ms! - a.p95Ms!)[0];

  const ingested = repo.ingestedByStatus(current);
  const processed = finished.filter((d) => d.status === 'processed').length;

  const classified = repo.classified(current);
  const ocrPages = repo.ocrPages(current);
  const providers = new Map<string, { predictions: number; ocrPages: number }>();
  const provider = (p: string) => providers.get(p) ?? providers.set(p, { predictions: 0, ocrPages: 0 }).get(p)!;
  for (const c of classified) provider(c.executionProvider).predictions += 1;
  for (const g of ocrPages) if (g.provider) provider(g.provider).ocrPages += g.pages;

  const runs = repo.textRuns(current);
  const engines = new Map<string, { ok: number[]; failed: number; pages: number }>();
  for (const r of runs) {
    const e = engines.get(r.engine ?? 'unknown') ?? engines.set(r.engine ?? 'unknown', { ok: [], failed: 0, pages: 0 }).get(r.engine ?? 'unknown')!;
    if (r.status === 'ok') {
      e.ok.push(r.durationMs);
      e.pages += r.pages;
    } else e.failed += 1;
  }

  const routed = { autoApprove: 0, review: 0, reject: 0 };
  for (const d of finished) {
    if (d.routeAction === 'auto_approve') routed.autoApprove += 1;
    else if (d.routeAction === 'review') routed.review += 1;
    else if (d.routeAction === 'reject') routed.reject += 1;
  }
  const open = repo.openTaskTimes().map((t) => i.now.getTime() - Date.parse(t));
  const sortedAges = [...open].sort((a, b) => a - b);
  const decisions = repo.decisions(current);
  const counts = { approve: 0, correct: 0, reject: 0 };
  for (const d of decisions) counts[d.action] += 1;

  const modelVersion = i.model?.version ?? classified.at(-1)?.modelVersion ?? null;
  const ofModel = classified.filter((c) => c.modelVersion === modelVersion);
  const labels = DocTypeSchema.options;
  const classCounts = labels.map((l) => ofModel.filter((c) => c.label === l).length);
  const binCounts = new Array<number>(CONFIDENCE_BIN_EDGES.length).fill(0);
  for (const c of ofModel) binCounts[confidenceBin(c.score)]! += 1;
  const ref = i.reference;
  const n = ofModel.length;
  const classPsi = ref && n ? populationStabilityIndex(smoothedReference(labels.map((l) => ref.classes[l] ?? 0), ref.documents), smoothedShares(classCounts)) : null;
  const confidencePsi = ref && n ? populationStabilityIndex(smoothedReference(ref.confidence.shares, ref.documents), smoothedShares(binCounts)) : null;

  const fallbackOf = (list: ClassifiedDocument[]): Rate => wilsonRate(list.filter((c) => isFallback(c, i.primary)).length, list.length);
  const overrideOf = (list: ReviewDecision[]): Rate => wilsonRate(list.filter(isOverride).length, list.length);
  const previousClassified = previous ? repo.classified(previous) : [];
  const previousDecisions = previous ? repo.decisions(previous) : [];
  const qaDecisions = decisions.filter((d) => d.qaSampled);

  const snapshot: Omit<InsightsSnapshot, 'alerts'> = {
    window: { label: i.window, from: current.from, to: i.now.toISOString() },
    generatedAt: i.now.toISOString(),
    model: i.model ? { name: i.model.name, version: i.model.version, sha256: i.model.sha256 } : null,
    policyVersion: i.policyVersion,
    documents: {
      ingested: Object.entries(ingested).filter(([s]) => s !== 'duplicate').reduce((a, [, v]) => a + v, 0),
      processed,
      failed: finished.length - processed,
      duplicate: ingested.duplicate ?? 0,
      pending: repo.pendingCount(),
    },
    throughputPerHour: perHour(processed),
    stages,
    slowestStage: slowest?.stage ?? null,
    failures: [...failureRows.values()].sort((a, b) => b.count - a.count || a.stage.localeCompare(b.stage)),
    byExecutionProvider: [...providers.entries()].map(([p, v]) => ({ provider: p, ...v })).sort((a, b) => a.provider.localeCompare(b.provider)),
    byOcrEngine: [...engines.entries()].map(([engine, e]) => ({ engine, ...percentilesOf(e.ok), pages: e.pages, failed: e.failed })).sort((a, b) => a.engine.localeCompare(b.engine)),
    review: {
      routed,
      reviewShare: wilsonRate(routed.review, routed.autoApprove + routed.review + routed.reject),
      queue: { open: open.length, oldestAgeMs: sortedAges.at(-1) ?? null, medianAgeMs: sortedAges.length ? sortedAges[Math.floor((sortedAges.length - 1) / 2)]! : null },
      decisions: counts,
      timePerReview: percentilesOf(decisions.flatMap((d) => (d.timeSpentMs === null ? [] : [d.timeSpentMs]))),
    },
    overrides: {
      overall: overrideOf(decisions),
      byField: overrideRows(decisions, fieldOverrides),
      byDocType: overrideRows(decisions, (d) => [{ key: d.docType ?? 'unknown', overridden: isOverride(d) }]),
      byVendor: overrideRows(decisions, (d) => [{ key: d.vendor ?? 'unknown', overridden: isOverride(d) }]),
      byModelVersion: overrideRows(decisions, (d) => [{ key: d.modelVersion ?? 'unknown', overridden: isOverride(d) }]),
    },
    qa: wilsonRate(qaDecisions.filter(isOverride).length, qaDecisions.length),
    drift: {
      modelVersion,
      hasReference: ref !== null,
      classified: n,
      classDistribution: labels.map((l, k) => ({ key: l, reference: ref ? (ref.classes[l] ?? 0) : null, observed: n ? r4(classCounts[k]! / n) : 0, count: classCounts[k]! })),
      classPsi,
      confidenceHistogram: binCounts.map((c, k) => ({ key: confidenceLabel(k), reference: ref ? (ref.confidence.shares[k] ?? 0) : null, observed: n ? r4(c / n) : 0, count: c })),
      confidencePsi,
      fallbackRate: { current: fallbackOf(classified), previous: fallbackOf(previousClassified) },
      overrideRate: { current: overrideOf(decisions), previous: overrideOf(previousDecisions) },
    },
    thresholds: i.drift,
  };
  return { ...snapshot, alerts: driftAlerts(snapshot, i.drift) };
}
