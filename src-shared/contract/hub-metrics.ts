import { z } from 'zod';
import { HubMetricsSummarySchema, InsightsWindowSchema, MetricsUploadSchema } from '../insights.ts';
import { mutation, query } from './define.ts';

/**
 * The hub's metrics calls, kept apart from hub.ts so the areas merge cleanly; hub.ts joins them.
 * Roles as in hub.ts: the hub answers 401 without a credential, 403 for a role not listed.
 */
export const hubMetricsContract = {
  'metrics.upload': {
    ...mutation(
      "Upload the device's metrics: additive aggregates per hour, model and policy version (counts, latency buckets, class and confidence histograms), never document content; an hour sent again replaces the earlier copy.",
      MetricsUploadSchema,
      z.object({ hours: z.number().int() }),
    ),
    roles: ['admin', 'reviewer', 'clerk'] as const,
    deviceOnly: true,
  },
  'metrics.summary': {
    ...query(
      'Metrics per site, model version and policy version over a window, and each device’s queue, drift figures and open alerts. Site-bound callers see their site only.',
      z.object({
        window: InsightsWindowSchema,
        siteId: z.number().int().min(1).optional(),
        modelVersion: z.string().max(100).optional(),
        policyVersion: z.string().max(100).optional(),
      }),
      HubMetricsSummarySchema,
    ),
    roles: ['admin', 'auditor'] as const,
    deviceOnly: false,
  },
};
