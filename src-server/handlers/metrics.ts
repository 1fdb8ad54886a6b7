import { ApiError } from '../../src-shared/contract/dispatch.ts';
import type { HubHandler } from './context.ts';

/** Device metrics in, per-site summaries out (see src-server/metrics/). */
export const metricsHandlers: { 'metrics.upload': HubHandler<'metrics.upload'>; 'metrics.summary': HubHandler<'metrics.summary'> } = {
  'metrics.upload': async () => {
    throw new ApiError('not_implemented', 'metrics.upload is being built');
  },
  'metrics.summary': async () => {
    throw new ApiError('not_implemented', 'metrics.summary is being built');
  },
};
