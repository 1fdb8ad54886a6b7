import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src-shared/contract/dispatch.ts';
import type { MetricsUpload } from '../../src-shared/insights.ts';
import { uploadMetrics } from './metrics-upload.ts';
import { ResidencyFilter } from './residency.ts';

const current: MetricsUpload['current'] = { at: '2026-12-02T03:10:00.000Z', modelVersion: '1.1.0', policyVersion: 'p', queueOpen: 0, queueOldestAgeMs: null, classPsi: null, confidencePsi: null, alerts: [] };

function harness(reply: (u: MetricsUpload) => Promise<{ hours: number }>) {
  const state = new Map<string, string>();
  const ranges: (string | null)[] = [];
  const run = (now: string) =>
    uploadMetrics({
      call: reply,
      metrics: (range) => (ranges.push(range.from), { hours: [], current }),
      filter: new ResidencyFilter(randomBytes(32), { exportableFields: [], fileNames: 'drop' }),
      getState: (k) => state.get(k) ?? null,
      setState: (k, v) => void state.set(k, v),
      now: new Date(now),
    });
  return { state, ranges, run };
}

describe('metrics upload: resends the open hour, never holds up sync', () => {
  it('starts from the beginning, then from the hour last sent (sent again: it was not over)', async () => {
    const h = harness(async (u) => ({ hours: u.hours.length }));
    await h.run('2026-12-02T03:10:00.000Z');
    await h.run('2026-12-02T05:40:00.000Z');
    expect(h.ranges).toEqual([null, '2026-12-02T03:00:00.000Z']);
  });

  it('keeps a refusal as metrics_error and sends the same hours next time; a network failure fails the sync', async () => {
    const refused = harness(async () => {
      throw new ApiError('invalid_argument', 'hours: too many');
    });
    expect(await refused.run('2026-12-02T03:10:00.000Z')).toBe(0);
    expect(refused.state.get('metrics_error')).toBe('invalid_argument: hours: too many');
    await refused.run('2026-12-02T04:10:00.000Z');
    expect(refused.ranges).toEqual([null, null]);
    const old = harness(async () => {
      throw new ApiError('bad_reply', 'HTTP 404 from http://hub/v1/metrics.upload: Not Found');
    });
    await old.run('2026-12-02T03:10:00.000Z');
    expect(old.state.get('metrics_error')).toBe('the hub does not take metrics');
    const down = harness(async () => {
      throw new TypeError('fetch failed');
    });
    await expect(down.run('2026-12-02T03:10:00.000Z')).rejects.toThrow('fetch failed');
  });
});
