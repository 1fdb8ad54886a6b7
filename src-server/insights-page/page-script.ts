// The hub's read-only Insights page, in the browser: asks for an admin or auditor token, then draws
// `metrics.summary` with chart.js. Text goes in with textContent only; no inline script or style.
import { Chart, type ChartConfiguration } from 'chart.js/auto';
import type { HubMetricsGroup, HubMetricsSummary } from '../../src-shared/insights.ts';
import { duration, percent, stageLatencyChart, type ChartData } from '../../src-shared/insights-charts.ts';

const TOKEN_KEY = 'countersign-hub-token';
const COLORS = ['#0b5cad', '#e07b00', '#a1130f', '#1f6b2b', '#7b3fb0', '#00838f'];
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const charts: Chart[] = [];

function el(tag: string, text?: string, cls?: string): HTMLElement {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function table(label: string, head: string[], rows: string[][]): HTMLTableElement {
  const t = document.createElement('table');
  t.setAttribute('aria-label', label);
  const tr = t.createTHead().insertRow();
  for (const h of head) tr.appendChild(el('th', h)).setAttribute('scope', 'col');
  const body = t.createTBody();
  for (const r of rows) {
    const row = body.insertRow();
    for (const c of r) row.insertCell().textContent = c;
  }
  return t;
}

const slowest = (g: HubMetricsGroup) => [...g.stages].sort((a, b) => (b.p95Ms ?? -1) - (a.p95Ms ?? -1))[0];
const groupName = (g: HubMetricsGroup) => `site ${g.siteId} · model ${g.modelVersion ?? '—'} · policy ${g.policyVersion ?? '—'}`;

function chart(parent: HTMLElement, caption: string, d: ChartData, yTitle: string, label: string): void {
  const fig = parent.appendChild(el('figure'));
  fig.appendChild(el('figcaption', caption));
  const box = fig.appendChild(el('div', undefined, 'chart-box'));
  const canvas = box.appendChild(document.createElement('canvas'));
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  const config: ChartConfiguration = {
    type: 'bar',
    data: { labels: d.labels, datasets: d.series.map((s, i) => ({ label: s.label, data: s.data, backgroundColor: COLORS[i % COLORS.length] })) },
    options: { animation: false, maintainAspectRatio: false, scales: { y: { beginAtZero: true, title: { display: true, text: yTitle } } } },
  };
  charts.push(new Chart(canvas, config));
}

function render(s: HubMetricsSummary): void {
  for (const c of charts.splice(0)) c.destroy();
  const out = $('content');
  out.replaceChildren();
  out.appendChild(el('h2', 'Current model and policy per site'));
  const latest = new Map<number, HubMetricsSummary['devices'][number]>();
  for (const d of s.devices) if (!latest.has(d.siteId) || latest.get(d.siteId)!.at < d.at) latest.set(d.siteId, d);
  out.appendChild(
    table(
      'Current model and policy per site',
      ['Site', 'Model', 'Policy', 'Devices', 'Review queue', 'Last upload'],
      [...latest.values()].map((d) => [String(d.siteId), d.modelVersion ?? '—', d.policyVersion ?? '—', String(s.devices.filter((x) => x.siteId === d.siteId).length), String(s.devices.filter((x) => x.siteId === d.siteId).reduce((n, x) => n + x.queueOpen, 0)), d.at]),
    ),
  );
  out.appendChild(el('h2', 'Open alerts'));
  const alerts = s.devices.flatMap((d) => d.alerts.map((a) => ({ ...a, deviceId: d.deviceId, siteId: d.siteId })));
  if (!alerts.length) out.appendChild(el('p', 'No open alerts.', 'muted')).setAttribute('data-testid', 'alerts');
  else {
    const ul = out.appendChild(el('ul', undefined, 'alerts'));
    ul.setAttribute('data-testid', 'alerts');
    for (const a of alerts) ul.appendChild(el('li', `${a.severity}: site ${a.siteId}, device ${a.deviceId}: ${a.message}`, `alert ${a.severity}`));
  }
  out.appendChild(el('h2', `Per site, model and policy (${s.window.label})`));
  out.appendChild(
    table(
      'Per site, model and policy',
      ['Site', 'Model', 'Policy', 'Processed', 'Failed', 'Sent to review', 'Overridden', 'Slowest stage (P95)'],
      s.groups.map((g) => {
        const w = slowest(g);
        return [String(g.siteId), g.modelVersion ?? '—', g.policyVersion ?? '—', String(g.documents.processed), String(g.documents.failed), percent(g.reviewShare), percent(g.overrides.overall), w ? `${w.stage} (${duration(w.p95Ms)})` : '—'];
      }),
    ),
  );
  const grid = out.appendChild(el('div', undefined, 'chart-grid'));
  for (const g of s.groups) {
    chart(grid, `Latency per stage: ${groupName(g)}`, stageLatencyChart(g), 'milliseconds', `Latency per stage for ${groupName(g)}: ${g.stages.map((x) => `${x.stage} P95 ${duration(x.p95Ms)}`).join(', ')}`);
  }
  if (s.groups.length) {
    chart(
      grid,
      'Documents per site, model and policy',
      { labels: s.groups.map(groupName), series: [{ label: 'processed', data: s.groups.map((g) => g.documents.processed) }, { label: 'sent to review', data: s.groups.map((g) => g.documents.review) }, { label: 'failed', data: s.groups.map((g) => g.documents.failed) }] },
      'documents',
      `Documents: ${s.groups.map((g) => `${groupName(g)} ${g.documents.processed} processed`).join(', ')}`,
    );
  } else out.appendChild(el('p', 'No metrics uploaded in this window.', 'muted'));
}

async function load(): Promise<void> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const status = $('status');
  if (!token) return void (status.textContent = 'Enter an admin or auditor API token to see the metrics.');
  status.textContent = 'Loading…';
  const res = await fetch('/v1/metrics.summary', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ window: $<HTMLSelectElement>('window').value }) });
  const body = (await res.json()) as { ok: true; value: HubMetricsSummary } | { ok: false; error: { code: string; message: string } };
  if (!body.ok) {
    $('content').replaceChildren();
    status.textContent = `The hub refused: ${body.error.message}`;
    status.setAttribute('role', 'alert');
    return;
  }
  status.removeAttribute('role');
  status.textContent = `Window ${body.value.window.label}: ${body.value.window.from ?? 'the beginning'} to ${body.value.window.to}`;
  render(body.value);
}

$('login').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = $<HTMLInputElement>('token');
  sessionStorage.setItem(TOKEN_KEY, input.value.trim());
  input.value = '';
  void load();
});
$('window').addEventListener('change', () => void load());
void load();
