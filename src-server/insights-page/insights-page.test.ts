import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium, screenshot } from '../../e2e/support/browser.ts';
import { Engine } from '../../src-main/engine/engine.ts';
import { MemorySecretStore } from '../../src-main/sync/device-identity.ts';
import { seedHub, sqliteBackend, startHub, type RunningHub } from '../testing/hub-fixture.ts';
import { INSIGHTS_PAGE_CSP } from './insights-page.ts';

const SAMPLES = path.resolve(__dirname, '../../resources/samples');

/** The hub's read-only Insights page in Chromium, over the metrics of a device that processed real documents. */
describe.skipIf(!hasChromium)('hub insights page', () => {
  let hub: RunningHub;
  let drop: () => Promise<void>;
  let seed: Awaited<ReturnType<typeof seedHub>>;
  let engine: Engine;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-hub-insights-'));
  const csp: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const opened = await sqliteBackend.open();
    drop = opened.drop;
    hub = await startHub(opened.db);
    seed = await seedHub(hub);
    engine = await Engine.open({ dataDir: path.join(dir, 'device'), secretStore: new MemorySecretStore(), keyStorage: 'file', onWarning: () => {}, ocrWorkers: 1 });
    await engine.process([path.join(SAMPLES, 'AzureInterior.pdf'), path.join(SAMPLES, 'coolblue1.pdf'), path.join(SAMPLES, 'truncated.pdf')], 'clerk');
    const sync = await engine.sync();
    await sync.connect({ hubUrl: hub.url, enrollmentCode: await seed.code(seed.reviewer.user.id), deviceName: 'front-desk' });
    await sync.syncOnce();
    browser = await launchChromium({ height: 900 });
    browser.page.on('console', (m) => /Content.Security.Policy/i.test(m.text()) && csp.push(m.text()));
    browser.page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await engine?.close();
    await hub?.close();
    await hub?.db.close();
    await drop?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const show = async (token: string) => {
    const page = browser.page;
    await page.goto(`${hub.url}/insights`);
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Show' }).click();
  };

  it('shows an auditor the current model and policy per site, open alerts, the slowest stage and charts, under a strict CSP', async () => {
    const res = await fetch(`${hub.url}/insights`);
    expect(res.headers.get('content-security-policy')).toBe(INSIGHTS_PAGE_CSP);
    expect(await res.text()).not.toMatch(/<script>(?!<\/script>)|style=/);

    await show(seed.auditor.token);
    const page = browser.page;
    const groups = page.getByRole('table', { name: 'Per site, model and policy' });
    await groups.waitFor();
    const rows = await groups.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())));
    // The failed document (no model reached it) is a group of its own; the two processed ones share the model and policy.
    const row = rows.find((r) => r[1] !== '—')!;
    expect(row[0]).toBe(String(seed.site.id));
    expect(row[1]).toMatch(/^\d+\.\d+\.\d+$/); // the model version
    expect(row[2]).toMatch(/^\d{4}\.\d+\.\d+$/); // the policy version
    expect(row[3]).toBe('2');
    expect(row[7]).toMatch(/^\w+ \([\d.]+ (ms|s)\)$/);
    expect(rows.reduce((n, r) => n + Number(r[4]), 0)).toBe(1);
    const current = (await page.getByRole('table', { name: 'Current model and policy per site' }).locator('tbody tr').first().locator('td').allTextContents()).map((s) => s.trim());
    expect(current.slice(0, 3)).toEqual([String(seed.site.id), row[1], row[2]]);
    await expect(page.getByTestId('alerts').textContent()).resolves.toMatch(/No open alerts|: /);

    await page.getByLabel('Window').selectOption({ label: 'All time' });
    await page.getByText(/^Window all:/).waitFor();
    const drawn = await page.locator('canvas').evaluateAll((cs) =>
      (cs as HTMLCanvasElement[]).map((c) => {
        const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) n += 1;
        return n;
      }),
    );
    expect(drawn).toHaveLength(rows.length + 1);
    for (const n of drawn) expect(n).toBeGreaterThan(500);
    await screenshot(page, 'hub-insights');
    expect(csp).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('refuses a reviewer, saying why', async () => {
    await show(seed.reviewer.token);
    await expect(browser.page.getByRole('alert').textContent()).resolves.toBe('The hub refused: The reviewer role may not call metrics.summary');
    expect(await browser.page.locator('canvas').count()).toBe(0);
  }, 60_000);
});
