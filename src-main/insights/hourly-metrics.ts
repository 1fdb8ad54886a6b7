import { CONFIDENCE_BIN_EDGES, type MetricsHour } from '../../src-shared/insights.ts';
import type { MetricsRepo, TimeRange } from '../store/metrics-repo.ts';
import { confidenceBin, emptyLatencyCounts, latencyBucket } from './buckets.ts';
import { fieldOverrides, isFallback, isOverride, type InsightsInputs } from './compute-insights.ts';

/** The hour an ISO time falls in, as the ISO time of its start. */
export const hourOf = (iso: string) => `${iso.slice(0, 13)}:00:00.000Z`;

/**
 * What the device uploads: counts, sums and bucket counts per hour, model version and policy version,
 * so the hub can add devices and hours up. Vendor names go through `vendorKey` (the residency policy:
 * the name where vendor may leave the site, else its keyed hash); no other value of a document is in it.
 */
export function hourlyMetrics(repo: MetricsRepo, range: TimeRange, primary: InsightsInputs['primary'], vendorKey: (vendor: string) => string): MetricsHour[] {
  const hours = new Map<string, MetricsHour>();
  const at = (iso: string, modelVersion: string | null, policyVersion: string | null): MetricsHour => {
    const key = `${hourOf(iso)}\0${modelVersion ?? ''}\0${policyVersion ?? ''}`;
    let h = hours.get(key);
    if (!h) {
      h = {
        hour: hourOf(iso),
        modelVersion,
        policyVersion,
        documents: { processed: 0, failed: 0, autoApprove: 0, review: 0, reject: 0 },
        stages: [],
        failures: [],
        executionProviders: [],
        ocrEngines: [],
        classes: {},
        confidence: new Array<number>(CONFIDENCE_BIN_EDGES.length).fill(0),
        fallbacks: 0,
        reviews: { approve: 0, correct: 0, reject: 0, timedCount: 0, timeSumMs: 0, timeBuckets: emptyLatencyCounts() },
        overrides: [],
        qa: { decided: 0, errors: 0 },
      };
      hours.set(key, h);
    }
    return h;
  };
  const stage = (h: MetricsHour, name: string) => {
    let s = h.stages.find((x) => x.stage === name);
    if (!s) h.stages.push((s = { stage: name, ok: 0, failed: 0, sumMs: 0, buckets: emptyLatencyCounts() }));
    return s;
  };
  for (const d of repo.finishedDocuments(range)) {
    const h = at(d.at, d.modelVersion, d.policyVersion);
    h.documents[d.status] += 1;
    if (d.routeAction === 'auto_approve') h.documents.autoApprove += 1;
    else if (d.routeAction === 'review' || d.routeAction === 'reject') h.documents[d.routeAction] += 1;
    for (const [name, ms] of Object.entries(d.timingsMs)) {
      if (!Number.isFinite(ms)) continue;
      const s = stage(h, name);
      s.ok += 1;
      s.sumMs += ms;
      s.buckets[latencyBucket(ms)]! += 1;
    }
    if (d.status === 'failed') {
      const name = d.failedStage ?? 'ingest';
      stage(h, name).failed += 1;
      const code = d.errorCode ?? 'unknown';
      const f = h.failures.find((x) => x.stage === name && x.code === code);
      if (f) f.count += 1;
      else h.failures.push({ stage: name, code, count: 1 });
    }
  }
  for (const r of repo.textRuns(range)) {
    if (r.status !== 'ok' || !r.engine) continue;
    const h = at(r.at, r.modelVersion, r.policyVersion);
    const e = h.ocrEngines.find((x) => x.engine === r.engine);
    if (e) e.pages += r.pages;
    else h.ocrEngines.push({ engine: r.engine, pages: r.pages });
  }
  for (const c of repo.classified(range)) {
    const h = at(c.at, c.modelVersion, c.policyVersion);
    const label = c.label as keyof MetricsHour['classes'];
    h.classes[label] = (h.classes[label] ?? 0) + 1;
    h.confidence[confidenceBin(c.score)]! += 1;
    if (isFallback(c, primary)) h.fallbacks += 1;
    const p = h.executionProviders.find((x) => x.provider === c.executionProvider);
    if (p) p.predictions += 1;
    else h.executionProviders.push({ provider: c.executionProvider, predictions: 1, ocrPages: 0 });
  }
  for (const g of repo.ocrPages(range)) {
    if (!g.provider) continue;
    const h = at(g.at, g.modelVersion, g.policyVersion);
    const p = h.executionProviders.find((x) => x.provider === g.provider);
    if (p) p.ocrPages += g.pages;
    else h.executionProviders.push({ provider: g.provider, predictions: 0, ocrPages: g.pages });
  }
  for (const d of repo.decisions(range)) {
    const h = at(d.at, d.modelVersion, d.policyVersion);
    h.reviews[d.action] += 1;
    if (d.timeSpentMs !== null) {
      h.reviews.timedCount += 1;
      h.reviews.timeSumMs += d.timeSpentMs;
      h.reviews.timeBuckets[latencyBucket(d.timeSpentMs)]! += 1;
    }
    if (d.qaSampled) {
      h.qa.decided += 1;
      if (isOverride(d)) h.qa.errors += 1;
    }
    const add = (dimension: 'field' | 'docType' | 'vendor', key: string, overridden: boolean) => {
      const o = h.overrides.find((x) => x.dimension === dimension && x.key === key);
      if (o) {
        o.decided += 1;
        if (overridden) o.overridden += 1;
      } else h.overrides.push({ dimension, key, decided: 1, overridden: overridden ? 1 : 0 });
    };
    for (const f of fieldOverrides(d)) add('field', f.key, f.overridden);
    add('docType', d.docType ?? 'unknown', isOverride(d));
    add('vendor', d.vendor === null ? 'unknown' : vendorKey(d.vendor), isOverride(d));
  }
  return [...hours.values()].sort((a, b) => a.hour.localeCompare(b.hour) || (a.modelVersion ?? '').localeCompare(b.modelVersion ?? ''));
}
