import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Registry } from 'prom-client';
import { hourOf } from '../../src-main/insights/hourly-metrics.ts';
import { authenticate, type AuthRateLimiter } from '../auth.ts';
import type { HubDatabase } from '../store/database.ts';
import { bucketPercentiles, emptyMerge, mergeHour, type MergedHours } from './merge-hours.ts';
import { MetricsStore } from './metrics-store.ts';

/** Quantiles are over the last day; counters over everything the hub holds. */
const QUANTILE_WINDOW_MS = 24 * 3_600_000;
const SCRAPE_ROLES = new Set(['admin', 'auditor']);

/**
 * The same figures as `metrics.summary` in one registry built per request from the store, so every
 * hub process serves the same numbers and nothing is kept in memory between scrapes.
 */
export async function prometheusText(store: HubDatabase, now: Date, siteId: number | undefined): Promise<{ text: string; contentType: string }> {
  const registry = new Registry();
  const m = new MetricsStore(store.db);
  const sites = new Map((await store.db.selectFrom('hub_sites').select(['id', 'name']).execute()).map((s) => [Number(s.id), s.name]));
  const all = await m.hours({ siteId, fromHour: null });
  const dayFrom = hourOf(new Date(now.getTime() - QUANTILE_WINDOW_MS).toISOString());
  const groups = new Map<string, { labels: Record<string, string>; total: MergedHours; day: MergedHours }>();
  for (const h of all) {
    const labels = { site: String(h.siteId), site_name: sites.get(h.siteId) ?? '', model_version: h.hour.modelVersion ?? '', policy_version: h.hour.policyVersion ?? '' };
    const k = JSON.stringify(labels);
    const g = groups.get(k) ?? groups.set(k, { labels, total: emptyMerge(), day: emptyMerge() }).get(k)!;
    mergeHour(g.total, h.deviceId, h.hour);
    if (h.hour.hour >= dayFrom) mergeHour(g.day, h.deviceId, h.hour);
  }

  const base = ['site', 'site_name', 'model_version', 'policy_version'] as const;
  const counter = (name: string, help: string, extra: string[] = []) => new Counter({ name, help, labelNames: [...base, ...extra], registers: [registry] });
  const gauge = (name: string, help: string, labelNames: string[]) => new Gauge({ name, help, labelNames, registers: [registry] });
  const documents = counter('countersign_documents_total', 'Documents finished on the devices, by status (processed, failed).', ['status']);
  const routed = counter('countersign_documents_routed_total', 'Processed documents by route (auto_approve, review, reject).', ['route']);
  const stageRuns = counter('countersign_stage_runs_total', 'Timed pipeline stage runs.', ['stage']);
  const stageSeconds = counter('countersign_stage_duration_seconds_total', 'Time spent in each pipeline stage.', ['stage']);
  const stageFailures = counter('countersign_stage_failures_total', 'Documents failed, by stage and error code.', ['stage', 'code']);
  const stageLatency = gauge('countersign_stage_latency_seconds', 'Pipeline stage latency over the last 24 h, by quantile (upper bound of the latency bucket holding it).', [...base, 'stage', 'quantile']);
  const reviews = counter('countersign_reviews_total', 'Review decisions, by action (approve, correct, reject).', ['action']);
  const reviewTime = gauge('countersign_review_time_seconds', 'Time per review over the last 24 h, by quantile.', [...base, 'quantile']);
  const overrides = counter('countersign_overrides_total', 'Reviews where the reviewer changed what the machine said, per field and doc type.', ['dimension', 'key']);
  const overrideChances = counter('countersign_override_opportunities_total', 'Reviews that could have changed it, per field and doc type.', ['dimension', 'key']);
  const qaSamples = counter('countersign_qa_samples_total', 'QA-sampled auto-approvals decided by a reviewer.');
  const qaErrors = counter('countersign_qa_errors_total', 'QA-sampled auto-approvals a reviewer corrected or rejected.');
  const predictions = counter('countersign_predictions_total', 'Document-type predictions, by predicted class.', ['class']);
  const fallbacks = counter('countersign_fallbacks_total', 'Classified documents that ran on a fallback OCR engine or execution provider.');
  const providers = counter('countersign_execution_provider_predictions_total', 'Predictions per execution provider.', ['provider']);
  const ocrPages = counter('countersign_ocr_pages_total', 'Pages read per text engine.', ['engine']);
  for (const { labels, total, day } of groups.values()) {
    for (const status of ['processed', 'failed'] as const) documents.inc({ ...labels, status }, total.documents[status]);
    routed.inc({ ...labels, route: 'auto_approve' }, total.documents.autoApprove);
    routed.inc({ ...labels, route: 'review' }, total.documents.review);
    routed.inc({ ...labels, route: 'reject' }, total.documents.reject);
    for (const [stage, s] of total.stages) {
      stageRuns.inc({ ...labels, stage }, s.ok);
      stageSeconds.inc({ ...labels, stage }, s.sumMs / 1000);
    }
    for (const f of total.failures.values()) stageFailures.inc({ ...labels, stage: f.stage, code: f.code }, f.count);
    for (const [stage, s] of day.stages) {
      const p = bucketPercentiles(s.buckets, s.sumMs);
      for (const [q, v] of [['0.5', p.p50Ms], ['0.95', p.p95Ms], ['0.99', p.p99Ms]] as const) if (v !== null) stageLatency.set({ ...labels, stage, quantile: q }, v / 1000);
    }
    for (const action of ['approve', 'correct', 'reject'] as const) reviews.inc({ ...labels, action }, total.reviews[action]);
    const rt = bucketPercentiles(day.reviews.timeBuckets, day.reviews.timeSumMs);
    for (const [q, v] of [['0.5', rt.p50Ms], ['0.95', rt.p95Ms], ['0.99', rt.p99Ms]] as const) if (v !== null) reviewTime.set({ ...labels, quantile: q }, v / 1000);
    // Vendors stay out of labels: a label set per vendor name is the JSON view's job, not a time series'.
    for (const o of total.overrides.values()) {
      if (o.dimension === 'vendor') continue;
      overrides.inc({ ...labels, dimension: o.dimension, key: o.key }, o.overridden);
      overrideChances.inc({ ...labels, dimension: o.dimension, key: o.key }, o.decided);
    }
    qaSamples.inc(labels, total.qa.decided);
    qaErrors.inc(labels, total.qa.errors);
    for (const [cls, n] of Object.entries(total.classes)) predictions.inc({ ...labels, class: cls }, n);
    fallbacks.inc(labels, total.fallbacks);
    for (const [provider, v] of total.executionProviders) providers.inc({ ...labels, provider }, v.predictions);
    for (const [engine, n] of total.ocrEngines) ocrPages.inc({ ...labels, engine }, n);
  }

  const dev = ['site', 'site_name', 'device'];
  const queueOpen = gauge('countersign_queue_open', 'Open review tasks on a device, as of its last upload.', dev);
  const queueAge = gauge('countersign_queue_oldest_age_seconds', 'Age of the oldest open review task on a device, as of its last upload.', dev);
  const psi = gauge('countersign_drift_psi', "Population stability index against the model's reference over the last 7 days (kind: class or confidence).", [...dev, 'model_version', 'kind']);
  const alerts = gauge('countersign_alert_active', 'Open alerts on a device (1 while open).', [...dev, 'model_version', 'code', 'severity']);
  const lastUpload = gauge('countersign_metrics_upload_timestamp_seconds', "When the device's metrics last arrived.", dev);
  for (const c of await m.current(siteId)) {
    const labels = { site: String(c.siteId), site_name: sites.get(c.siteId) ?? '', device: String(c.deviceId) };
    queueOpen.set(labels, c.queueOpen);
    if (c.queueOldestAgeMs !== null) queueAge.set(labels, c.queueOldestAgeMs / 1000);
    if (c.classPsi !== null) psi.set({ ...labels, model_version: c.modelVersion ?? '', kind: 'class' }, c.classPsi);
    if (c.confidencePsi !== null) psi.set({ ...labels, model_version: c.modelVersion ?? '', kind: 'confidence' }, c.confidencePsi);
    for (const a of c.alerts) alerts.set({ ...labels, model_version: a.modelVersion ?? '', code: a.code, severity: a.severity }, 1);
    lastUpload.set(labels, Date.parse(c.receivedAt) / 1000);
  }
  return { text: await registry.metrics(), contentType: registry.contentType };
}

/**
 * `GET /metrics`: Prometheus text for a scraper holding a hub API token of an admin or an auditor
 * (`authorization: Bearer …` in the scrape config). A site-bound auditor sees the series of their site only.
 */
export function registerMetricsRoute(app: FastifyInstance, o: { db: HubDatabase; clock: () => Date; limiter: AuthRateLimiter }): void {
  app.get('/metrics', async (req, reply) => {
    const now = o.clock();
    const wait = o.limiter.blockedFor(req.ip, now.getTime());
    if (wait > 0) {
      reply.header('retry-after', String(Math.ceil(wait / 1000)));
      return reply.code(429).send({ ok: false, error: { code: 'rate_limited', message: `Too many failed authentications from this address; try again in ${Math.ceil(wait / 1000)} s` } });
    }
    const p = await authenticate(o.db, req.headers.authorization, now);
    if (!p) {
      o.limiter.fail(req.ip, now.getTime());
      return reply.code(401).send({ ok: false, error: { code: 'unauthenticated', message: 'A valid, unrevoked, unexpired credential is needed (Authorization: Bearer …)' } });
    }
    if (p.kind !== 'user' || !SCRAPE_ROLES.has(p.role)) return reply.code(403).send({ ok: false, error: { code: 'forbidden', message: `/metrics is for admin and auditor API tokens, not a ${p.kind === 'user' ? p.role : p.kind} credential` } });
    const site = p.role === 'admin' || p.siteId === null ? undefined : p.siteId;
    const { text, contentType } = await prometheusText(o.db, now, site);
    return reply.header('content-type', contentType).send(text);
  });
}
