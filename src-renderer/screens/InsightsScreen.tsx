import { useEffect, useMemo, useState } from 'react';
import type { ChartConfiguration } from 'chart.js/auto';
import type { InsightsSnapshot } from '../../src-shared/insights.ts';
import { distributionChart, duration, overrideChart, percent, routingChart, stageLatencyChart, type ChartData } from '../../src-shared/insights-charts.ts';
import { ChartCanvas } from '../components/ChartCanvas.tsx';
import { client } from '../stores/app-stores.ts';

const WINDOWS = [
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: 'all', label: 'All time' },
];
const COLORS = ['#0b5cad', '#e07b00', '#a1130f', '#1f6b2b', '#7b3fb0'];

/** A chart.js configuration from the shared chart data: bars by default, one colour per series. */
export function toChartConfig(d: ChartData, type: 'bar' | 'doughnut' = 'bar', yTitle?: string): ChartConfiguration {
  return {
    type,
    data: {
      labels: d.labels,
      datasets: d.series.map((s, i) => ({ label: s.label, data: s.data, backgroundColor: type === 'doughnut' ? COLORS.slice(0, d.labels.length) : COLORS[i % COLORS.length] })),
    },
    options: type === 'bar' && yTitle ? { scales: { y: { beginAtZero: true, title: { display: true, text: yTitle } } } } : {},
  } as ChartConfiguration;
}

/** Where the time goes, how much people do, whether the model drifts: the device's metrics over a chosen window. */
export function InsightsScreen() {
  const [window, setWindow] = useState('7d');
  const [snap, setSnap] = useState<InsightsSnapshot | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    client
      .call('insights.get', { window })
      .then((s) => live && (setSnap(s), setError(null)))
      .catch((err: Error) => live && setError(err.message));
    return () => void (live = false);
  }, [window]);

  const charts = useMemo(
    () =>
      snap && {
        stages: toChartConfig(stageLatencyChart(snap), 'bar', 'milliseconds'),
        routing: toChartConfig(routingChart(snap), 'doughnut'),
        classes: toChartConfig(distributionChart(snap.drift.classDistribution), 'bar', 'share of documents'),
        confidence: toChartConfig(distributionChart(snap.drift.confidenceHistogram), 'bar', 'share of documents'),
        overrides: toChartConfig(overrideChart(snap.overrides.byField), 'bar', 'override rate'),
      },
    [snap],
  );

  const slowest = snap?.stages.find((s) => s.stage === snap.slowestStage);
  return (
    <section className="screen insights" aria-labelledby="insights-title">
      <div className="insights-head">
        <h1 id="insights-title">Insights</h1>
        <label>
          Window{' '}
          <select value={window} onChange={(e) => setWindow(e.target.value)}>
            {WINDOWS.map((w) => (
              <option key={w.value} value={w.value}>
                {w.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && (
        <p className="notice error" role="alert">
          {error}
        </p>
      )}
      {snap && charts && (
        <>
          <dl className="figures" aria-label="Key figures">
            <div>
              <dt>Model</dt>
              <dd data-testid="insights-model">{snap.model ? `${snap.model.name} ${snap.model.version}` : 'none loaded'}</dd>
            </div>
            <div>
              <dt>Policy</dt>
              <dd data-testid="insights-policy">{snap.policyVersion ?? '—'}</dd>
            </div>
            <div>
              <dt>Documents</dt>
              <dd data-testid="insights-documents">
                {snap.documents.processed} processed, {snap.documents.failed} failed
              </dd>
            </div>
            <div>
              <dt>Slowest stage</dt>
              <dd data-testid="insights-slowest">{slowest ? `${slowest.stage} (P95 ${duration(slowest.p95Ms)})` : '—'}</dd>
            </div>
            <div>
              <dt>Sent to review</dt>
              <dd>{percent(snap.review.reviewShare)}</dd>
            </div>
            <div>
              <dt>Review queue</dt>
              <dd>
                {snap.review.queue.open} open{snap.review.queue.oldestAgeMs !== null ? `, oldest ${duration(snap.review.queue.oldestAgeMs)}` : ''}
              </dd>
            </div>
            <div>
              <dt>Time per review (P50)</dt>
              <dd>{duration(snap.review.timePerReview.p50Ms)}</dd>
            </div>
            <div>
              <dt>Overridden by reviewers</dt>
              <dd>{percent(snap.overrides.overall)}</dd>
            </div>
          </dl>
          <h2>Open alerts</h2>
          {snap.alerts.length ? (
            <ul className="alerts" data-testid="insights-alerts">
              {snap.alerts.map((a, i) => (
                <li key={i} className={`alert ${a.severity}`}>
                  <strong>{a.severity}</strong> {a.message}
                </li>
              ))}
            </ul>
          ) : (
            <p data-testid="insights-alerts" className="muted">
              No open alerts{snap.drift.classified < snap.thresholds.minDocuments ? ` (drift is judged from ${snap.thresholds.minDocuments} classified documents; ${snap.drift.classified} so far)` : ''}.
            </p>
          )}
          <div className="chart-grid">
            <figure>
              <figcaption>Latency per stage</figcaption>
              <ChartCanvas config={charts.stages} label={`Latency per stage: ${snap.stages.map((s) => `${s.stage} P95 ${duration(s.p95Ms)}`).join(', ')}`} />
            </figure>
            <figure>
              <figcaption>Routing</figcaption>
              <ChartCanvas config={charts.routing} label={`Routing: ${snap.review.routed.autoApprove} approved automatically, ${snap.review.routed.review} to review, ${snap.review.routed.reject} rejected`} />
            </figure>
            <figure>
              <figcaption>Predicted types against the model reference{snap.drift.classPsi !== null ? ` (PSI ${snap.drift.classPsi.toFixed(2)})` : ''}</figcaption>
              <ChartCanvas config={charts.classes} label={`Predicted types: ${snap.drift.classDistribution.map((c) => `${c.key} ${c.count}`).join(', ')}`} />
            </figure>
            <figure>
              <figcaption>Classifier confidence against the reference{snap.drift.confidencePsi !== null ? ` (PSI ${snap.drift.confidencePsi.toFixed(2)})` : ''}</figcaption>
              <ChartCanvas config={charts.confidence} label="Histogram of classifier confidences" />
            </figure>
            <figure>
              <figcaption>Overrides per field</figcaption>
              <ChartCanvas config={charts.overrides} label={`Override rate per field: ${snap.overrides.byField.map((f) => `${f.key} ${percent(f)}`).join(', ') || 'no reviews yet'}`} />
            </figure>
          </div>
        </>
      )}
    </section>
  );
}
