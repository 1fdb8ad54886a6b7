import type { RolloutMetrics } from '../../src-shared/contract/models-hub.ts';

export interface OutcomeCounts {
  decisions: number;
  candidateDisagree: number;
  candidateRan: number;
  stableDisagree: number;
  stableRan: number;
  candidateServed: number;
  candidateOverridden: number;
  stableServed: number;
  stableOverridden: number;
}

const rate = (k: number, n: number) => ({ n, rate: n ? k / n : null });

export function rolloutMetrics(c: OutcomeCounts): RolloutMetrics {
  return {
    decisions: c.decisions,
    candidateDisagreement: rate(c.candidateDisagree, c.candidateRan),
    stableDisagreement: rate(c.stableDisagree, c.stableRan),
    candidateOverride: rate(c.candidateOverridden, c.candidateServed),
    stableOverride: rate(c.stableOverridden, c.stableServed),
  };
}

/**
 * Why a rollout must be rolled back, or null: the candidate disagrees with reviewers, or is overridden
 * by them, more often than the stable model by more than the margin, over at least `minDecisions`
 * reviewed documents. The override comparison needs the stable model to have served some documents too.
 */
export function rollbackReason(m: RolloutMetrics, margin: number, minDecisions: number): string | null {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const d = m.candidateDisagreement;
  const s = m.stableDisagreement;
  if (d.n >= minDecisions && d.rate !== null && s.rate !== null && d.rate - s.rate > margin + 1e-9) {
    return `The candidate disagreed with reviewers on ${pct(d.rate)} of ${d.n} reviewed documents, the stable model on ${pct(s.rate)}: more than the ${pct(margin)} margin`;
  }
  const o = m.candidateOverride;
  const so = m.stableOverride;
  if (o.n >= minDecisions && o.rate !== null && so.rate !== null && o.rate - so.rate > margin + 1e-9) {
    return `Reviewers overrode the candidate on ${pct(o.rate)} of the ${o.n} documents it routed, the stable model on ${pct(so.rate)}: more than the ${pct(margin)} margin`;
  }
  return null;
}
