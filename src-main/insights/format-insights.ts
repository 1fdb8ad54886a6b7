import type { InsightsSnapshot, OverrideRow, Percentiles, Rate } from '../../src-shared/insights.ts';

const ms = (v: number | null) => (v === null ? '-' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${v.toFixed(v >= 100 ? 0 : 1)} ms`);
const pct = (r: Rate) => (r.rate === null ? '-' : `${(r.rate * 100).toFixed(1)}% (${r.numerator}/${r.denominator}, 95% CI ${(r.ci95!.low * 100).toFixed(1)}–${(r.ci95!.high * 100).toFixed(1)}%)`);
const age = (v: number | null) => (v === null ? '-' : v >= 86_400_000 ? `${(v / 86_400_000).toFixed(1)} d` : v >= 3_600_000 ? `${(v / 3_600_000).toFixed(1)} h` : `${Math.round(v / 60_000)} min`);
const pad = (s: string, n: number) => s.padEnd(n);
const lat = (p: Percentiles) => `${pad(ms(p.p50Ms), 9)} ${pad(ms(p.p95Ms), 9)} ${pad(ms(p.p99Ms), 9)}`;

/** `countersign stats` as text: the same snapshot the Insights screen draws. */
export function formatInsights(s: InsightsSnapshot): string {
  const out: string[] = [];
  const d = s.documents;
  out.push(`Insights over ${s.window.label === 'all' ? 'all time' : `the last ${s.window.label}`} (to ${s.window.to})`);
  out.push(`Model ${s.model ? `${s.model.name} ${s.model.version}` : '-'}, policy ${s.policyVersion ?? '-'}`);
  out.push(`Documents: ${d.ingested} ingested, ${d.processed} processed, ${d.failed} failed, ${d.duplicate} duplicate, ${d.pending} pending; ${s.throughputPerHour} processed per hour`);
  out.push('', `${pad('stage', 12)} ${pad('runs', 6)} ${pad('failed', 7)} ${pad('P50', 9)} ${pad('P95', 9)} ${pad('P99', 9)} per hour`);
  for (const st of s.stages) out.push(`${pad(st.stage, 12)} ${pad(String(st.count), 6)} ${pad(String(st.failed), 7)} ${lat(st)} ${st.throughputPerHour}`);
  if (s.slowestStage) out.push(`Slowest stage (P95): ${s.slowestStage}`);
  if (s.failures.length) out.push('', 'Failures: ' + s.failures.map((f) => `${f.stage}/${f.code} ${f.count}`).join(', '));
  if (s.byOcrEngine.length) {
    // Engine names carry their version and model variant: the column is as wide as the longest.
    const w = Math.max(12, ...s.byOcrEngine.map((e) => e.engine.length)) + 1;
    out.push('', `${pad('text engine', w)} ${pad('pages', 6)} ${pad('failed', 7)} ${pad('P50', 9)} ${pad('P95', 9)} P99`);
    for (const e of s.byOcrEngine) out.push(`${pad(e.engine, w)} ${pad(String(e.pages), 6)} ${pad(String(e.failed), 7)} ${lat(e)}`);
  }
  if (s.byExecutionProvider.length) out.push('Execution providers: ' + s.byExecutionProvider.map((p) => `${p.provider} ${p.predictions} predictions, ${p.ocrPages} OCR pages`).join('; '));
  const r = s.review;
  out.push('', `Routed: ${r.routed.autoApprove} auto-approved, ${r.routed.review} to review, ${r.routed.reject} rejected; review share ${pct(r.reviewShare)}`);
  out.push(`Queue: ${r.queue.open} open, oldest ${age(r.queue.oldestAgeMs)}, median age ${age(r.queue.medianAgeMs)}`);
  out.push(`Decisions: ${r.decisions.approve} approved, ${r.decisions.correct} corrected, ${r.decisions.reject} rejected; time per review P50 ${ms(r.timePerReview.p50Ms)}, P95 ${ms(r.timePerReview.p95Ms)}`);
  out.push(`Overrides: ${pct(s.overrides.overall)}`);
  const rows = (name: string, list: OverrideRow[]) => list.length && out.push(`  by ${name}: ` + list.slice(0, 8).map((x) => `${x.key} ${(100 * (x.rate ?? 0)).toFixed(0)}% of ${x.denominator}`).join(', '));
  rows('field', s.overrides.byField);
  rows('doc type', s.overrides.byDocType);
  rows('vendor', s.overrides.byVendor);
  rows('model version', s.overrides.byModelVersion);
  out.push(`QA samples of auto-approvals wrong: ${pct(s.qa)}`);
  const dr = s.drift;
  out.push('', `Drift (model ${dr.modelVersion ?? '-'}, ${dr.classified} classified${dr.hasReference ? '' : ', no reference distribution'}): class PSI ${dr.classPsi ?? '-'}, confidence PSI ${dr.confidencePsi ?? '-'}`);
  out.push('  classes: ' + dr.classDistribution.map((c) => `${c.key} ${(c.observed * 100).toFixed(0)}%${c.reference === null ? '' : ` (ref ${(c.reference * 100).toFixed(0)}%)`}`).join(', '));
  out.push(`  fallback rate ${pct(dr.fallbackRate.current)}; previous window ${pct(dr.fallbackRate.previous)}`);
  out.push(`  override rate ${pct(dr.overrideRate.current)}; previous window ${pct(dr.overrideRate.previous)}`);
  out.push('', s.alerts.length ? `Alerts (${s.alerts.length}):` : 'Alerts: none');
  for (const a of s.alerts) out.push(`  [${a.severity}] ${a.code}: ${a.message}`);
  return out.join('\n') + '\n';
}
