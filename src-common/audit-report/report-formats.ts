import fs from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import type { AuditReport } from './audit-report.ts';

export type ReportFormat = 'jsonl' | 'csv' | 'pdf';

/** JSON Lines: the header (filters, verification) on line 1, then one recorded entry a line; `audit verify --export` reads it back. */
export function reportToJsonLines(r: Pick<AuditReport, 'header' | 'entries'>): string {
  return [JSON.stringify({ countersignAuditReport: r.header }), ...r.entries.map((e) => JSON.stringify(e))].join('\n') + '\n';
}

const CSV_COLUMNS = ['seq', 'ts', 'actor', 'event', 'document_sha256', 'model_name', 'model_version', 'model_sha256', 'execution_provider', 'policy_version', 'data_json', 'prev_hash', 'hash'];

/** CSV for spreadsheets: one entry a row, model and policy in columns of their own, the data as JSON. */
export function reportToCsv(r: Pick<AuditReport, 'entries'>): string {
  return stringify(
    r.entries.map((e) => [e.seq, e.ts, e.actor, e.event, e.documentSha256 ?? '', e.model?.name ?? '', e.model?.version ?? '', e.model?.sha256 ?? '', e.model?.executionProvider ?? '', e.policyVersion ?? '', JSON.stringify(e.data), e.prevHash, e.hash]),
    { header: true, columns: CSV_COLUMNS },
  );
}

const esc = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const short = (h: string | null) => (h ? `${h.slice(0, 12)}…` : '—');
const verdict = (ok: boolean, yes: string, no: string) => `<span class="${ok ? 'ok' : 'bad'}">${ok ? '✓' : '✗'} ${esc(ok ? yes : no)}</span>`;

/** Data of an entry in a line a person can read: the keys that matter, values shortened. */
function summary(data: Record<string, unknown>): string {
  const parts = Object.entries(data)
    .filter(([k]) => !['fields', 'rules'].includes(k))
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const s = parts.join('; ');
  return s.length > 160 ? `${s.slice(0, 159)}…` : s;
}

/** The printable report (no scripts, styles in the page): what was chosen, what was verified, the decisions, the entries. */
export function reportToHtml(r: AuditReport): string {
  const h = r.header;
  const v = h.verification;
  const f = h.filters;
  const src = h.source;
  const chosen = [
    `Period: ${f.from ?? 'the beginning'} to ${f.to ?? 'now'}`,
    f.user ? `User: ${f.user}` : null,
    f.document ? `Document: ${f.document}` : null,
    `Source: ${src.kind === 'hub' ? `the hub's copy of device ${src.deviceId}` : `this device${src.deviceId ? ` (device ${src.deviceId} at ${src.hubUrl ?? 'its hub'})` : ''}`}${src.siteId ? `, site ${src.siteId}` : ''}`,
    h.sensitiveFields.length ? `Masked fields: ${h.sensitiveFields.join(', ')}` : null,
  ].filter(Boolean);
  const models = new Map<string, number>();
  for (const d of r.decisions) models.set(`${d.model ?? 'no model'} · policy ${d.policyVersion ?? 'none'}`, (models.get(`${d.model ?? 'no model'} · policy ${d.policyVersion ?? 'none'}`) ?? 0) + 1);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Countersign audit report</title>
<style>
body{font:10pt/1.4 system-ui,sans-serif;color:#111;margin:0;font-variant-ligatures:none}
h1{font-size:16pt;margin:0 0 4pt}h2{font-size:12pt;margin:14pt 0 4pt;border-bottom:1px solid #999}
table{border-collapse:collapse;width:100%;font-size:8pt}th,td{border:1px solid #ccc;padding:2pt 4pt;text-align:left;vertical-align:top}
th{background:#eee}tr{break-inside:avoid}.ok{color:#0a6b2d;font-weight:600}.bad{color:#a40000;font-weight:600}.mono{font-family:ui-monospace,monospace;word-break:break-all}
ul{margin:2pt 0;padding-left:14pt}
</style></head><body>
<h1>Audit report</h1>
<p>Generated ${esc(h.generatedAt)} · ${h.entries} entries · ${r.decisions.length} decisions</p>
<ul>${chosen.map((c) => `<li>${esc(c)}</li>`).join('')}</ul>
<h2 id="verification">Verification</h2>
<ul>
<li>Chain: ${verdict(v.chain.ok, `intact: ${v.chain.entries} entries, head ${short(v.chain.headHash)}`, `BROKEN at entry ${v.chain.firstBad?.seq}: ${v.chain.firstBad?.problem}`)}</li>
<li>Reported entries: ${verdict(v.hashes.ok, `${v.hashes.checked} hashes recomputed from their content and links checked`, `entry ${v.hashes.firstBad?.seq}: ${v.hashes.firstBad?.problem}`)}</li>
<li>Signatures: ${v.signatures.status === 'not_checked' ? `<span>– ${esc(v.signatures.detail)}</span>` : verdict(v.signatures.status === 'checked', v.signatures.detail, v.signatures.detail)}</li>
</ul>
<h2>Models and policies behind the decisions</h2>
${models.size ? `<table><thead><tr><th>Model · policy</th><th>Decisions</th></tr></thead><tbody>${[...models].map(([k, n]) => `<tr><td>${esc(k)}</td><td>${n}</td></tr>`).join('')}</tbody></table>` : '<p>No decisions in this report.</p>'}
<h2>Decisions</h2>
${r.decisions.length ? `<table><thead><tr><th>#</th><th>Time</th><th>By</th><th>Decision</th><th>Document</th><th>Model</th><th>Ran on</th><th>Policy</th></tr></thead><tbody>${r.decisions
    .map((d) => `<tr><td>${d.seq}</td><td>${esc(d.ts)}</td><td>${esc(d.actor)}</td><td>${esc(d.outcome)}</td><td class="mono">${esc(short(d.document))}</td><td>${esc(d.model ?? '—')}</td><td>${esc(d.executionProvider ?? '—')}</td><td>${esc(d.policyVersion ?? '—')}</td></tr>`)
    .join('')}</tbody></table>` : '<p>None.</p>'}
<h2>Entries</h2>
<table><thead><tr><th>#</th><th>Time</th><th>Actor</th><th>Event</th><th>Document</th><th>Details</th><th>Hash</th></tr></thead><tbody>
${r.entries.map((e) => `<tr><td>${e.seq}</td><td>${esc(e.ts)}</td><td>${esc(e.actor)}</td><td>${esc(e.event)}</td><td class="mono">${esc(short(e.documentSha256))}</td><td>${esc(summary(e.data))}</td><td class="mono">${esc(short(e.hash))}</td></tr>`).join('\n')}
</tbody></table>
</body></html>
`;
}

/** Writes a report in one of the formats (0600: it holds decisions and names); PDF through Chromium. */
export async function writeReport(report: AuditReport, format: ReportFormat, out: string): Promise<void> {
  if (format === 'pdf') {
    const { htmlToPdf } = await import('./report-pdf.ts');
    await htmlToPdf(reportToHtml(report), out);
    return;
  }
  fs.writeFileSync(out, format === 'csv' ? reportToCsv(report) : reportToJsonLines(report), { mode: 0o600 });
}
