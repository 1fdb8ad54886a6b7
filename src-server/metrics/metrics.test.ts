import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubMetricsSummarySchema } from '../../src-shared/insights.ts';
import { Engine } from '../../src-main/engine/engine.ts';
import { DeviceSecretVault, MemorySecretStore } from '../../src-main/sync/device-identity.ts';
import { SyncService } from '../../src-main/sync/sync-service.ts';
import { makeTextPdf, sampleInvoiceLines } from '../../src-main/testing/make-pdf.ts';
import { BUNDLED_MODEL_VERSION } from '../../src-main/testing/bundled-model.ts';
import { BACKENDS, errorCode, hubClient, seedHub, startHub, type RunningHub } from '../testing/hub-fixture.ts';

/** A real device: processed documents, real decisions, its metrics synced to a real hub, scraped as Prometheus would. */
const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));
let engine: Engine;
let dataDir: string;
let openTasks = 0;

beforeAll(async () => {
  dataDir = tmp('cs-hub-metrics-dev-');
  engine = await Engine.open({ dataDir, keyStorage: 'file', onWarning: () => {}, ocrWorkers: 1 });
  const dir = tmp('cs-hub-metrics-in-');
  for (let n = 1; n <= 3; n++) fs.writeFileSync(path.join(dir, `inv-${n}.pdf`), makeTextPdf([sampleInvoiceLines(n * 2000)]));
  fs.writeFileSync(path.join(dir, 'empty.pdf'), '');
  await engine.process([dir]);
  const [a, b] = (await engine.handlers['tasks.list']({ status: 'open', offset: 0, limit: 50 })).items.filter((t) => t.total !== null);
  await engine.handlers['tasks.decide']({ taskId: a!.id, action: 'approve', actor: 'rita', timeSpentMs: 9000 });
  await engine.handlers['tasks.decide']({ taskId: b!.id, action: 'correct', actor: 'rita', corrections: { total: '2.00' }, timeSpentMs: 31_000 });
  openTasks = (await engine.handlers['tasks.list']({ status: 'open', offset: 0, limit: 50 })).total;
}, 180_000);
afterAll(async () => engine?.close());

const family = (fams: ParsedFamily[], name: string) => fams.find((f) => f.name === name)?.metrics ?? [];
const value = (fams: ParsedFamily[], name: string, labels: Record<string, string>) => {
  const m = family(fams, name).find((s) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v));
  return m ? Number(m.value) : undefined;
};

describe.each(BACKENDS)('hub metrics on $label', ({ backend, skip }) => {
  let hub: RunningHub;
  let seed: Awaited<ReturnType<typeof seedHub>>;
  let drop: () => Promise<void>;
  let sync: SyncService;

  beforeAll(async () => {
    if (skip) return;
    const opened = await backend.open();
    drop = opened.drop;
    hub = await startHub(opened.db);
    seed = await seedHub(hub, 'met');
    sync = new SyncService({
      db: engine.db,
      audit: engine.audit,
      vault: await DeviceSecretVault.open(dataDir, new MemorySecretStore()),
      siteKey: () => engine.siteKey(),
      metrics: (range, vendorKey) => engine.insights().upload(range, vendorKey),
    });
    await sync.connect({ hubUrl: hub.url, enrollmentCode: await seed.code(seed.clerk.user.id), deviceName: 'front-desk' });
    await sync.syncOnce();
  }, 120_000);
  afterAll(async () => {
    await sync?.stop();
    await hub?.close();
    await hub?.db.close();
    await drop?.();
  });

  const scrape = async (token: string | null) => {
    const res = await fetch(`${hub.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };

  it.skipIf(skip)('serves /metrics in Prometheus text format that a parser reads back, with the device figures', async () => {
    const r = await scrape(seed.auditor.token);
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const fams = parsePrometheusTextFormat(r.text);
    const site = { site: String(seed.site.id), model_version: BUNDLED_MODEL_VERSION };
    expect(value(fams, 'countersign_documents_total', { ...site, status: 'processed' })).toBe(3);
    // The empty file failed before any model ran: its row has no model version.
    expect(value(fams, 'countersign_stage_failures_total', { site: String(seed.site.id), stage: 'ingest', code: 'empty_file' })).toBe(1);
    expect(value(fams, 'countersign_reviews_total', { ...site, action: 'correct' })).toBe(1);
    expect(value(fams, 'countersign_reviews_total', { ...site, action: 'approve' })).toBe(1);
    expect(value(fams, 'countersign_overrides_total', { ...site, dimension: 'field', key: 'total' })).toBe(1);
    expect(value(fams, 'countersign_override_opportunities_total', { ...site, dimension: 'field', key: 'total' })).toBe(2);
    expect(value(fams, 'countersign_stage_runs_total', { ...site, stage: 'classify' })).toBe(3);
    expect(value(fams, 'countersign_stage_latency_seconds', { ...site, stage: 'text', quantile: '0.95' })).toBeGreaterThan(0);
    expect(value(fams, 'countersign_review_time_seconds', { ...site, quantile: '0.99' })).toBe(60);
    expect(value(fams, 'countersign_predictions_total', { ...site, class: 'invoice' })).toBe(3);
    expect(value(fams, 'countersign_queue_open', { site: String(seed.site.id), device: String(sync.status().deviceId) })).toBe(openTasks);
    expect(value(fams, 'countersign_drift_psi', { site: String(seed.site.id), kind: 'class', model_version: BUNDLED_MODEL_VERSION })).toBeGreaterThan(0);
    expect(fams.find((f) => f.name === 'countersign_documents_total')!.type).toBe('COUNTER');
    // Vendors are no label: they are in the JSON view, per the residency policy.
    expect(r.text).not.toContain('ACME');
  });

  it.skipIf(skip)('counts nothing twice when the device syncs again', async () => {
    await sync.syncOnce();
    const fams = parsePrometheusTextFormat((await scrape(seed.admin.token)).text);
    expect(value(fams, 'countersign_documents_total', { site: String(seed.site.id), model_version: BUNDLED_MODEL_VERSION, status: 'processed' })).toBe(3);
  });

  it.skipIf(skip)('lets only admin and auditor tokens scrape, and a site-bound auditor only their site', async () => {
    expect((await scrape(null)).status).toBe(401);
    expect((await scrape('csu_not-a-token')).status).toBe(401);
    expect((await scrape(seed.clerk.token)).status).toBe(403);
    const other = await hub.service.createSite('met-elsewhere');
    const outsider = await hub.service.createUser({ name: 'met-outside-auditor', role: 'auditor', siteId: other.id });
    const fams = parsePrometheusTextFormat((await scrape(outsider.token)).text);
    expect(family(fams, 'countersign_documents_total')).toEqual([]);
    expect(await errorCode(hubClient(hub.url, outsider.token).call('metrics.summary', { window: '7d', siteId: seed.site.id }))).toBe('forbidden');
  });

  it.skipIf(skip)('answers metrics.summary per site, model and policy version for admins and auditors', async () => {
    const s = HubMetricsSummarySchema.parse(await hubClient(hub.url, seed.auditor.token).call('metrics.summary', { window: '7d' }));
    const g = s.groups.find((x) => x.siteId === seed.site.id && x.modelVersion === BUNDLED_MODEL_VERSION)!;
    expect(g).toMatchObject({ devices: 1, documents: { processed: 3 }, qa: { denominator: expect.any(Number) } });
    expect(g.overrides.overall).toMatchObject({ numerator: 1, denominator: 2 });
    expect(g.timePerReview).toMatchObject({ count: 2, p50Ms: 10_000 });
    // vendor may leave the site under the default residency policy, so it arrives as read.
    expect(g.overrides.byVendor.map((v) => v.key)).toEqual(['ACME Office Supplies GmbH']);
    expect(s.devices).toEqual([expect.objectContaining({ siteId: seed.site.id, queueOpen: openTasks, modelVersion: BUNDLED_MODEL_VERSION })]);
    expect(await errorCode(hubClient(hub.url, seed.reviewer.token).call('metrics.summary', { window: '7d' }))).toBe('forbidden');
    expect(await errorCode(hubClient(hub.url, seed.admin.token).call('metrics.upload', { hours: [], current: s.devices[0]! }))).toBe('forbidden');
  });
});
