import { z } from 'zod';
import { InsightsSnapshotSchema, InsightsWindowSchema } from '../insights.ts';
import { query } from './define.ts';

export const insightsContract = {
  'insights.get': query(
    'Metrics over a window: stage latencies (P50/P95/P99), throughput, failures, review share and queue, time per review, override and QA error rates, drift against the model reference, and open alerts.',
    z.object({ window: InsightsWindowSchema }),
    InsightsSnapshotSchema,
  ),
};
