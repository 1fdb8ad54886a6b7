import type { InsightsSnapshot, Rate } from './insights.ts';

/**
 * The dashboards' charts as plain data (labels and series), shared by the app's Insights screen and
 * the hub's page: one place decides what is drawn, each page only draws it with chart.js.
 */
export interface ChartSeries {
  label: string;
  data: (number | null)[];
}
export interface ChartData {
  labels: string[];
  series: ChartSeries[];
}

export const percent = (r: Rate): string => (r.rate === null ? '—' : `${(r.rate * 100).toFixed(1)}%${r.ci95 ? ` (95% CI ${(r.ci95.low * 100).toFixed(0)}–${(r.ci95.high * 100).toFixed(0)}%)` : ''}`);

export const duration = (ms: number | null): string =>
  ms === null ? '—' : ms < 1000 ? `${Math.round(ms)} ms` : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : ms < 7_200_000 ? `${Math.round(ms / 60_000)} min` : `${(ms / 3_600_000).toFixed(1)} h`;

/** P50 / P95 / P99 per stage, in milliseconds. */
export function stageLatencyChart(s: { stages: { stage: string; p50Ms: number | null; p95Ms: number | null; p99Ms: number | null }[] }): ChartData {
  return {
    labels: s.stages.map((x) => x.stage),
    series: [
      { label: 'P50', data: s.stages.map((x) => x.p50Ms) },
      { label: 'P95', data: s.stages.map((x) => x.p95Ms) },
      { label: 'P99', data: s.stages.map((x) => x.p99Ms) },
    ],
  };
}

/** Where documents went: approved automatically, sent to review, rejected. */
export function routingChart(s: Pick<InsightsSnapshot, 'review'>): ChartData {
  const r = s.review.routed;
  return { labels: ['auto-approve', 'review', 'reject'], series: [{ label: 'documents', data: [r.autoApprove, r.review, r.reject] }] };
}

/** Predicted classes (or confidence bins) now against the model's reference, as shares. */
export function distributionChart(rows: { key: string; reference: number | null; observed: number }[]): ChartData {
  return {
    labels: rows.map((r) => r.key),
    series: [
      { label: 'this window', data: rows.map((r) => r.observed) },
      { label: 'model reference', data: rows.map((r) => r.reference) },
    ],
  };
}

/** Override rate per field (a reviewer changed what the machine read). */
export function overrideChart(rows: { key: string; rate: number | null }[]): ChartData {
  return { labels: rows.map((r) => r.key), series: [{ label: 'override rate', data: rows.map((r) => r.rate) }] };
}
