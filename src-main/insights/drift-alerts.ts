import type { Alert, DriftPolicy, InsightsSnapshot, Rate } from '../../src-shared/insights.ts';

const pct = (v: number | null) => `${((v ?? 0) * 100).toFixed(1)}%`;

/** A rate is rising when the previous window counted enough and this one is `risingBy` points above it. */
function rising(r: { current: Rate; previous: Rate }, p: DriftPolicy): boolean {
  if (r.previous.denominator < p.minPreviousCount || r.current.denominator < p.minPreviousCount) return false;
  return (r.current.rate ?? 0) - (r.previous.rate ?? 0) >= p.risingBy;
}

/** The alerts a snapshot raises under the policy's thresholds; each says what moved, by how much, against what. */
export function driftAlerts(s: Omit<InsightsSnapshot, 'alerts'>, p: DriftPolicy): Alert[] {
  const out: Alert[] = [];
  const d = s.drift;
  const model = d.modelVersion;
  const psiAlert = (code: 'class_drift' | 'confidence_drift', psi: number | null, t: { warning: number; critical: number }, what: string) => {
    if (!d.hasReference || psi === null || d.classified < p.minDocuments || psi < t.warning) return;
    const critical = psi >= t.critical;
    out.push({
      code,
      severity: critical ? 'critical' : 'warning',
      message: `${what} of model ${model} shifted from its reference: PSI ${psi.toFixed(3)} over ${d.classified} documents (${critical ? 'critical' : 'warning'} from ${(critical ? t.critical : t.warning).toFixed(2)}).`,
      value: psi,
      threshold: critical ? t.critical : t.warning,
      modelVersion: model,
    });
  };
  psiAlert('class_drift', d.classPsi, p.classPsi, 'The predicted document types');
  psiAlert('confidence_drift', d.confidencePsi, p.confidencePsi, 'The confidence');
  if (rising(d.fallbackRate, p)) {
    out.push({
      code: 'fallback_rising',
      severity: 'warning',
      message: `More documents ran on a fallback OCR engine or execution provider: ${pct(d.fallbackRate.current.rate)} of ${d.fallbackRate.current.denominator}, up from ${pct(d.fallbackRate.previous.rate)} in the previous window.`,
      value: d.fallbackRate.current.rate ?? 0,
      threshold: (d.fallbackRate.previous.rate ?? 0) + p.risingBy,
      modelVersion: model,
    });
  }
  if (rising(d.overrideRate, p)) {
    out.push({
      code: 'override_rising',
      severity: 'warning',
      message: `Reviewers overrule the machine more often: ${pct(d.overrideRate.current.rate)} of ${d.overrideRate.current.denominator} reviews, up from ${pct(d.overrideRate.previous.rate)} in the previous window.`,
      value: d.overrideRate.current.rate ?? 0,
      threshold: (d.overrideRate.previous.rate ?? 0) + p.risingBy,
      modelVersion: model,
    });
  }
  const low = s.qa.ci95?.low ?? 0;
  if (s.qa.denominator > 0 && low > p.qaErrorRate) {
    out.push({
      code: 'qa_error_rate',
      severity: 'critical',
      message: `QA samples of auto-approved documents were wrong ${s.qa.numerator} of ${s.qa.denominator} times (${pct(s.qa.rate)}, 95% interval ${pct(s.qa.ci95!.low)}–${pct(s.qa.ci95!.high)}), above the ${pct(p.qaErrorRate)} the policy allows.`,
      value: low,
      threshold: p.qaErrorRate,
      modelVersion: model,
    });
  }
  return out;
}
