import { describe, expect, it } from 'vitest';
import { DEFAULT_DRIFT_POLICY, type InsightsSnapshot } from '../../src-shared/insights.ts';
import { driftAlerts } from './drift-alerts.ts';
import { wilsonRate } from './stats-math.ts';

/** Only the parts of a snapshot the alerts read. */
function snapshotWith(p: { fallback?: [number, number, number, number]; override?: [number, number, number, number]; qa?: [number, number] }): Omit<InsightsSnapshot, 'alerts'> {
  const [fc, fn, pc, pn] = p.fallback ?? [0, 0, 0, 0];
  const [oc, on, poc, pon] = p.override ?? [0, 0, 0, 0];
  return {
    qa: wilsonRate(...(p.qa ?? [0, 0])),
    drift: {
      modelVersion: '1.1.0',
      hasReference: true,
      classified: 0,
      classDistribution: [],
      classPsi: null,
      confidenceHistogram: [],
      confidencePsi: null,
      fallbackRate: { current: wilsonRate(fc, fn), previous: wilsonRate(pc, pn) },
      overrideRate: { current: wilsonRate(oc, on), previous: wilsonRate(poc, pon) },
    },
  } as unknown as Omit<InsightsSnapshot, 'alerts'>;
}

describe('alerts on rising rates and QA errors, by the policy thresholds', () => {
  it('raises override_rising when reviewers overrule 10 points more than in the previous window', () => {
    const [a] = driftAlerts(snapshotWith({ override: [15, 50, 2, 40] }), DEFAULT_DRIFT_POLICY);
    expect(a).toMatchObject({ code: 'override_rising', severity: 'warning', value: 0.3 });
    expect(a!.message).toBe('Reviewers overrule the machine more often: 30.0% of 50 reviews, up from 5.0% in the previous window.');
    // Too few reviews in the previous window to call it a rise.
    expect(driftAlerts(snapshotWith({ override: [15, 50, 0, 5] }), DEFAULT_DRIFT_POLICY)).toEqual([]);
  });

  it('raises fallback_rising when documents move off the primary engine or provider', () => {
    expect(driftAlerts(snapshotWith({ fallback: [30, 40, 0, 40] }), DEFAULT_DRIFT_POLICY).map((a) => a.code)).toEqual(['fallback_rising']);
    expect(driftAlerts(snapshotWith({ fallback: [2, 40, 1, 40] }), DEFAULT_DRIFT_POLICY)).toEqual([]);
  });

  it('raises qa_error_rate only when even the low end of the interval is above the allowed rate', () => {
    expect(driftAlerts(snapshotWith({ qa: [1, 10] }), DEFAULT_DRIFT_POLICY)).toEqual([]);
    const [a] = driftAlerts(snapshotWith({ qa: [6, 30] }), DEFAULT_DRIFT_POLICY);
    expect(a).toMatchObject({ code: 'qa_error_rate', severity: 'critical', threshold: 0.05 });
    expect(a!.message).toMatch(/^QA samples of auto-approved documents were wrong 6 of 30 times \(20\.0%, 95% interval 9\.5%–37\.3%\), above the 5\.0% the policy allows\.$/);
  });
});
