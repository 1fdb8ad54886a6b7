import { z } from 'zod';
import { DocTypeSchema } from './document-model.ts';

/**
 * Insights: where the time goes, how much people do, whether the model drifts. Metadata only: every
 * number here is a count, a duration, a rate or a distribution; no document content.
 */

/** A look-back window: hours or days up to now (`24h`, `7d`, `30d`), or everything (`all`). */
export const InsightsWindowSchema = z
  .string()
  .regex(/^(all|[1-9]\d{0,3}[hd])$/, 'a window such as 24h, 7d, 30d or all')
  .default('7d');
export type InsightsWindow = z.infer<typeof InsightsWindowSchema>;

/** Milliseconds a window spans; null for `all`. */
export function windowMs(w: string): number | null {
  if (w === 'all') return null;
  const n = Number(w.slice(0, -1));
  return n * (w.endsWith('h') ? 3_600_000 : 86_400_000);
}

/** Latency bucket upper bounds (ms) shared by the device upload and the hub: log-spaced, 5 ms to 10 min. */
export const LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000] as const;
/** Confidence histogram bin lower edges: ten bins over 0..1, finer where routing decides. */
export const CONFIDENCE_BIN_EDGES = [0, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99] as const;

export const PercentilesSchema = z.object({
  count: z.number().int(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  meanMs: z.number().nullable(),
});
export type Percentiles = z.infer<typeof PercentilesSchema>;

export const StageMetricsSchema = PercentilesSchema.extend({
  stage: z.string(),
  failed: z.number().int(),
  /** Stage runs finished per hour over the window (or over the span of the runs for `all`). */
  throughputPerHour: z.number(),
});
export type StageMetrics = z.infer<typeof StageMetricsSchema>;

/** A share with its 95% Wilson score interval (null when nothing was counted). */
export const RateSchema = z.object({
  numerator: z.number().int(),
  denominator: z.number().int(),
  rate: z.number().nullable(),
  ci95: z.object({ low: z.number(), high: z.number() }).nullable(),
});
export type Rate = z.infer<typeof RateSchema>;

export const OverrideRowSchema = RateSchema.extend({ key: z.string() });
export type OverrideRow = z.infer<typeof OverrideRowSchema>;

export const DistributionRowSchema = z.object({ key: z.string(), reference: z.number().nullable(), observed: z.number(), count: z.number().int() });

export const AlertCodeSchema = z.enum(['class_drift', 'confidence_drift', 'fallback_rising', 'override_rising', 'qa_error_rate']);
export type AlertCode = z.infer<typeof AlertCodeSchema>;

export const AlertSchema = z.object({
  code: AlertCodeSchema,
  severity: z.enum(['warning', 'critical']),
  /** One sentence a person can act on, with the figure and the threshold. */
  message: z.string(),
  value: z.number(),
  threshold: z.number(),
  /** The model version the alert is about, where it is about a model. */
  modelVersion: z.string().nullable(),
});
export type Alert = z.infer<typeof AlertSchema>;

/** Drift thresholds, part of the routing policy (`drift:`); the defaults apply when a policy says nothing. */
export const DriftPolicySchema = z.strictObject({
  /** No drift alert before this many classified documents in the window (PSI on a handful is noise). */
  minDocuments: z.number().int().min(1).default(30),
  /** Population stability index of the predicted classes: warning from, critical from. */
  classPsi: z.strictObject({ warning: z.number().positive(), critical: z.number().positive() }).default({ warning: 0.1, critical: 0.25 }),
  /** The same for the histogram of classifier confidences. */
  confidencePsi: z.strictObject({ warning: z.number().positive(), critical: z.number().positive() }).default({ warning: 0.1, critical: 0.25 }),
  /** A rate (fallback, override) is "rising" when it is this many points above the previous window of equal length... */
  risingBy: z.number().min(0).max(1).default(0.1),
  /** ...and that previous window counted at least this many. */
  minPreviousCount: z.number().int().min(1).default(20),
  /** QA samples of auto-approved documents: alert when the lower bound of the 95% interval of the error rate exceeds this. */
  qaErrorRate: z.number().min(0).max(1).default(0.05),
});
export type DriftPolicy = z.infer<typeof DriftPolicySchema>;
export const DEFAULT_DRIFT_POLICY: DriftPolicy = DriftPolicySchema.parse({});

export const InsightsSnapshotSchema = z.object({
  window: z.object({ label: z.string(), from: z.string().nullable(), to: z.string() }),
  generatedAt: z.string(),
  model: z.object({ name: z.string(), version: z.string(), sha256: z.string() }).nullable(),
  policyVersion: z.string().nullable(),
  documents: z.object({ ingested: z.number().int(), processed: z.number().int(), failed: z.number().int(), duplicate: z.number().int(), pending: z.number().int() }),
  /** Processed documents per hour over the window. */
  throughputPerHour: z.number(),
  stages: z.array(StageMetricsSchema),
  /** The stage with the highest P95, for the dashboard's "slowest stage". */
  slowestStage: z.string().nullable(),
  failures: z.array(z.object({ stage: z.string(), code: z.string(), count: z.number().int() })),
  byExecutionProvider: z.array(z.object({ provider: z.string(), predictions: z.number().int(), ocrPages: z.number().int() })),
  byOcrEngine: z.array(PercentilesSchema.extend({ engine: z.string(), pages: z.number().int(), failed: z.number().int() })),
  review: z.object({
    routed: z.object({ autoApprove: z.number().int(), review: z.number().int(), reject: z.number().int() }),
    /** Share of routed documents sent to a reviewer. */
    reviewShare: RateSchema,
    queue: z.object({ open: z.number().int(), oldestAgeMs: z.number().nullable(), medianAgeMs: z.number().nullable() }),
    decisions: z.object({ approve: z.number().int(), correct: z.number().int(), reject: z.number().int() }),
    timePerReview: PercentilesSchema,
  }),
  /** A reviewer changed what the machine said (corrected a field or rejected the document). */
  overrides: z.object({
    overall: RateSchema,
    byField: z.array(OverrideRowSchema),
    byDocType: z.array(OverrideRowSchema),
    /** Vendor names as the engine read them (on the device; the hub sees them per the residency policy). */
    byVendor: z.array(OverrideRowSchema),
    byModelVersion: z.array(OverrideRowSchema),
  }),
  /** QA-sampled auto-approvals a reviewer corrected or rejected. */
  qa: RateSchema,
  drift: z.object({
    modelVersion: z.string().nullable(),
    /** Whether the model folder has a reference distribution to compare against. */
    hasReference: z.boolean(),
    classified: z.number().int(),
    classDistribution: z.array(DistributionRowSchema.extend({ key: DocTypeSchema })),
    classPsi: z.number().nullable(),
    confidenceHistogram: z.array(DistributionRowSchema),
    confidencePsi: z.number().nullable(),
    /** This window and the previous window of equal length. */
    fallbackRate: z.object({ current: RateSchema, previous: RateSchema }),
    overrideRate: z.object({ current: RateSchema, previous: RateSchema }),
  }),
  thresholds: DriftPolicySchema,
  alerts: z.array(AlertSchema),
});
export type InsightsSnapshot = z.infer<typeof InsightsSnapshotSchema>;

// ---- what a device uploads to the hub: additive aggregates, one row per hour, model and policy ----------

const Count = z.number().int().min(0);
/** Counts per LATENCY_BUCKETS_MS bucket, plus one overflow bucket. */
const LatencyCounts = z.array(Count).length(LATENCY_BUCKETS_MS.length + 1);

export const MetricsHourSchema = z.object({
  hour: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:00:00\.000Z$/, 'an ISO hour'),
  modelVersion: z.string().max(100).nullable(),
  policyVersion: z.string().max(100).nullable(),
  documents: z.object({ processed: Count, failed: Count, autoApprove: Count, review: Count, reject: Count }),
  stages: z.array(z.object({ stage: z.string().max(50), ok: Count, failed: Count, sumMs: z.number().min(0), buckets: LatencyCounts })).max(50),
  failures: z.array(z.object({ stage: z.string().max(50), code: z.string().max(100), count: Count })).max(200),
  executionProviders: z.array(z.object({ provider: z.string().max(50), predictions: Count, ocrPages: Count })).max(20),
  ocrEngines: z.array(z.object({ engine: z.string().max(100), pages: Count })).max(20),
  classes: z.partialRecord(DocTypeSchema, Count),
  confidence: z.array(Count).length(CONFIDENCE_BIN_EDGES.length),
  fallbacks: Count,
  reviews: z.object({ approve: Count, correct: Count, reject: Count, timedCount: Count, timeSumMs: z.number().min(0), timeBuckets: LatencyCounts }),
  /** Vendor keys are the name where the residency policy lets vendor leave, else its keyed hash. */
  overrides: z.array(z.object({ dimension: z.enum(['field', 'docType', 'vendor']), key: z.string().max(200), decided: Count, overridden: Count })).max(2000),
  qa: z.object({ decided: Count, errors: Count }),
});
export type MetricsHour = z.infer<typeof MetricsHourSchema>;

export const MetricsUploadSchema = z.object({
  hours: z.array(MetricsHourSchema).max(2000),
  /** The device's state now: queue and open alerts (replaced on every upload). */
  current: z.object({
    at: z.string(),
    modelVersion: z.string().max(100).nullable(),
    policyVersion: z.string().max(100).nullable(),
    queueOpen: Count,
    queueOldestAgeMs: z.number().min(0).nullable(),
    classPsi: z.number().nullable(),
    confidencePsi: z.number().nullable(),
    alerts: z.array(AlertSchema).max(50),
  }),
});
export type MetricsUpload = z.infer<typeof MetricsUploadSchema>;

/** The hub's JSON view: one group per site, model version and policy version. */
export const HubMetricsGroupSchema = z.object({
  siteId: z.number().int(),
  modelVersion: z.string().nullable(),
  policyVersion: z.string().nullable(),
  devices: z.number().int(),
  documents: MetricsHourSchema.shape.documents,
  stages: z.array(PercentilesSchema.extend({ stage: z.string(), failed: z.number().int() })),
  failures: z.array(z.object({ stage: z.string(), code: z.string(), count: z.number().int() })),
  reviewShare: RateSchema,
  timePerReview: PercentilesSchema,
  overrides: z.object({ overall: RateSchema, byField: z.array(OverrideRowSchema), byDocType: z.array(OverrideRowSchema), byVendor: z.array(OverrideRowSchema) }),
  qa: RateSchema,
  classes: z.record(z.string(), z.number().int()),
});
export type HubMetricsGroup = z.infer<typeof HubMetricsGroupSchema>;

export const HubMetricsSummarySchema = z.object({
  window: z.object({ label: z.string(), from: z.string().nullable(), to: z.string() }),
  groups: z.array(HubMetricsGroupSchema),
  /** Per device, its last upload: queue, drift figures and open alerts. */
  devices: z.array(MetricsUploadSchema.shape.current.extend({ deviceId: z.number().int(), siteId: z.number().int() })),
});
export type HubMetricsSummary = z.infer<typeof HubMetricsSummarySchema>;
