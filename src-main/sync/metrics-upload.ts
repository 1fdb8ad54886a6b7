import { ApiError } from '../../src-shared/contract/dispatch.ts';
import type { MetricsUpload } from '../../src-shared/insights.ts';
import type { TimeRange } from '../store/metrics-repo.ts';
import { hourOf } from '../insights/hourly-metrics.ts';
import type { ResidencyFilter } from './residency.ts';

/** What the device has to report: its aggregates for a time range, vendor names already passed through the residency policy. */
export type MetricsSource = (range: TimeRange, vendorKey: (vendor: string) => string) => MetricsUpload;

const SENT_HOUR = 'metrics_sent_hour';
/** Hours per request (the contract allows 2000). */
const CHUNK = 500;

/**
 * Sends the hours since the last upload, the last one again (it was not over when it was sent): the hub
 * replaces an hour it holds, so a resend after a lost reply counts nothing twice. Aggregates only:
 * counts, sums, bucket counts, and vendor names as the residency policy lets them leave (else hashed).
 */
export async function uploadMetrics(o: {
  call: (upload: MetricsUpload) => Promise<{ hours: number }>;
  metrics: MetricsSource;
  filter: ResidencyFilter;
  getState: (key: string) => string | null;
  setState: (key: string, value: string) => void;
  now: Date;
}): Promise<number> {
  const range: TimeRange = { from: o.getState(SENT_HOUR), to: new Date(o.now.getTime() + 1).toISOString() };
  const upload = o.metrics(range, (vendor) => o.filter.fieldValue('vendor', vendor));
  let sent = 0;
  try {
    for (let i = 0; i === 0 || i < upload.hours.length; i += CHUNK) {
      sent += (await o.call({ hours: upload.hours.slice(i, i + CHUNK), current: upload.current })).hours;
    }
  } catch (err) {
    // A hub from before metrics: nothing to send to; the rest of sync goes on.
    if (err instanceof ApiError && (err.code === 'unknown_call' || (err.code === 'bad_reply' && err.message.startsWith('HTTP 404')))) return 0;
    throw err;
  }
  o.setState(SENT_HOUR, hourOf(o.now.toISOString()));
  return sent;
}
