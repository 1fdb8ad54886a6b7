import type { InsightsSnapshot, MetricsUpload } from '../../src-shared/insights.ts';
import type { Policy } from '../route/policy.ts';
import type { Db } from '../store/database.ts';
import { MetricsRepo, type TimeRange } from '../store/metrics-repo.ts';
import { computeInsights, type InsightsInputs } from './compute-insights.ts';
import { hourlyMetrics } from './hourly-metrics.ts';
import { loadModelReference } from './model-reference.ts';

export interface DeviceInsightsOptions {
  db: Db;
  /** The active classifier's folder, where its reference distribution is kept (asked each time: a rollout may switch it). */
  modelDir: () => string;
  /** The policy in use, whose `drift` thresholds apply (asked each time: the hub may assign another). */
  policy: () => Policy;
  primary: InsightsInputs['primary'];
  clock?: () => Date;
  onWarning?: (message: string) => void;
}

/** Insights of one data directory: the snapshot the app and `countersign stats` show, and the aggregates sync uploads. */
export class DeviceInsights {
  readonly repo: MetricsRepo;
  private readonly clock: () => Date;
  private warned = new Set<string>();

  constructor(private readonly o: DeviceInsightsOptions) {
    this.repo = new MetricsRepo(o.db);
    this.clock = o.clock ?? (() => new Date());
  }

  private inputs(window: string, now: Date): InsightsInputs {
    const policy = this.o.policy();
    const latest = this.repo.latestModel();
    const model = latest ? { name: latest.name, version: latest.version, sha256: latest.sha256 } : null;
    const { reference, problem } = loadModelReference(this.o.modelDir(), model);
    if (problem && model && !this.warned.has(problem)) {
      this.warned.add(problem);
      this.o.onWarning?.(`no drift reference: ${problem}`);
    }
    return { repo: this.repo, window, now, model, policyVersion: latest?.policyVersion ?? policy.version, reference, drift: policy.drift, primary: this.o.primary };
  }

  snapshot(window: string, now = this.clock()): InsightsSnapshot {
    return computeInsights(this.inputs(window, now));
  }

  /** Hourly aggregates for `range` and the state now (queue, drift over the last 7 days, open alerts) for the hub. */
  upload(range: TimeRange, vendorKey: (vendor: string) => string, now = this.clock()): MetricsUpload {
    const s = this.snapshot('7d', now);
    return {
      hours: hourlyMetrics(this.repo, range, this.o.primary, vendorKey),
      current: {
        at: now.toISOString(),
        modelVersion: s.model?.version ?? null,
        policyVersion: s.policyVersion,
        queueOpen: s.review.queue.open,
        queueOldestAgeMs: s.review.queue.oldestAgeMs,
        classPsi: s.drift.classPsi,
        confidencePsi: s.drift.confidencePsi,
        // Alert sentences name figures and model versions only, never a document's values.
        alerts: s.alerts,
      },
    };
  }
}
