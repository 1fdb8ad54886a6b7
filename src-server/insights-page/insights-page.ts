import type { FastifyInstance } from 'fastify';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The page loads only its own script and style sheet and talks only to this hub. */
export const INSIGHTS_PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Countersign hub · Insights</title><link rel="stylesheet" href="/insights/page.css"></head>
<body>
<h1>Insights</h1>
<p class="muted">Read-only metrics of every site you may see: aggregates the devices upload, never document content. Admins and auditors.</p>
<form id="login"><label for="token">API token</label> <input id="token" type="password" autocomplete="off" size="40"> <button type="submit">Show</button></form>
<div class="controls"><label for="window">Window</label> <select id="window"><option value="24h">Last 24 hours</option><option value="7d" selected>Last 7 days</option><option value="30d">Last 30 days</option><option value="all">All time</option></select></div>
<p id="status" aria-live="polite"></p>
<main id="content"></main>
<script type="module" src="/insights/page.js"></script>
</body></html>
`;

/** Bundles the page script (chart.js and the shared chart data) once per process, in memory, with esbuild. */
let bundle: Promise<string> | null = null;
async function pageScript(): Promise<string> {
  bundle ??= import('esbuild').then(async (esbuild) => {
    const r = await esbuild.build({ entryPoints: [path.join(HERE, 'page-script.ts')], bundle: true, format: 'esm', minify: true, write: false, target: 'es2022', logLevel: 'silent' });
    return r.outputFiles[0]!.text;
  });
  return bundle;
}

/**
 * `GET /insights`: the hub's read-only dashboard. The page itself holds no data; its script asks
 * `metrics.summary` with the token the user enters, so the API's role and site checks decide what shows.
 */
export function registerInsightsPage(app: FastifyInstance): void {
  const headers = { 'content-security-policy': INSIGHTS_PAGE_CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' };
  app.get('/insights', async (_req, reply) => reply.headers(headers).type('text/html; charset=utf-8').send(PAGE));
  app.get('/insights/page.css', async (_req, reply) => reply.headers(headers).type('text/css; charset=utf-8').send(fs.readFileSync(path.join(HERE, 'insights-page.css'), 'utf8')));
  app.get('/insights/page.js', async (_req, reply) => reply.headers(headers).type('text/javascript; charset=utf-8').send(await pageScript()));
}
