import { describe, expect, it } from 'vitest';
import { rollbackReason, rolloutMetrics, type OutcomeCounts } from './rollout-metrics.ts';

const counts = (c: Partial<OutcomeCounts>): OutcomeCounts => ({
  decisions: 0, candidateDisagree: 0, candidateRan: 0, stableDisagree: 0, stableRan: 0, candidateServed: 0, candidateOverridden: 0, stableServed: 0, stableOverridden: 0, ...c,
});

describe('automatic rollback', () => {
  it('waits for the admin-set number of reviewed documents', () => {
    const m = rolloutMetrics(counts({ decisions: 5, candidateRan: 5, candidateDisagree: 5, stableRan: 5, stableDisagree: 0, stableServed: 5 }));
    expect(rollbackReason(m, 0.05, 6)).toBeNull();
  });

  it('rolls back when the candidate disagrees with reviewers more than the stable model by more than the margin', () => {
    const m = rolloutMetrics(counts({ decisions: 10, candidateRan: 10, candidateDisagree: 4, stableRan: 10, stableDisagree: 1, stableServed: 10 }));
    expect(rollbackReason(m, 0.2, 10)).toBe('The candidate disagreed with reviewers on 40.0% of 10 reviewed documents, the stable model on 10.0%: more than the 20.0% margin');
    expect(rollbackReason(m, 0.3, 10)).toBeNull();
  });

  it('rolls back when reviewers override the candidate more often than the stable model on the documents each routed', () => {
    const m = rolloutMetrics(counts({ decisions: 20, candidateRan: 20, candidateDisagree: 2, stableRan: 20, stableDisagree: 2, candidateServed: 10, candidateOverridden: 3, stableServed: 10, stableOverridden: 0 }));
    expect(rollbackReason(m, 0.1, 10)).toBe('Reviewers overrode the candidate on 30.0% of the 10 documents it routed, the stable model on 0.0%: more than the 10.0% margin');
  });
});
