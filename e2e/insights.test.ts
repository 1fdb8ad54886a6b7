// In headless Chromium against browser mode: the import screen's progress per file, then the Insights
// screen over real processed documents and a reviewer's correction. Screenshots go to test-results/.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from './page-models/app-page.ts';
import { ImportPage } from './page-models/import-page.ts';
import { InsightsPage } from './page-models/insights-page.ts';
import { startAppUnderTest, type AppUnderTest } from './support/app-server.ts';
import { unlabelledControls } from './support/a11y.ts';
import { hasChromium, launchChromium, screenshot } from './support/browser.ts';

const SAMPLES = path.resolve('resources/samples');

describe.skipIf(!hasChromium)('import progress and insights in Chromium (browser mode)', () => {
  let app: AppUnderTest;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  const pageErrors: string[] = [];
  const cspViolations: string[] = [];

  beforeAll(async () => {
    app = await startAppUnderTest();
    browser = await launchChromium({ height: 900 });
    browser.page.on('pageerror', (e) => pageErrors.push(e.message));
    browser.page.on('console', (m) => /Content.Security.Policy/i.test(m.text()) && cspViolations.push(m.text()));
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('lists every picked file at once and shows each one waiting, processing, then its result', async () => {
    const shell = new AppPage(browser.page);
    await shell.open(app.server.url);
    await shell.goTo('Import');
    const samples = fs.readdirSync(SAMPLES).filter((f) => /\.(pdf|jpe?g|png)$/i.test(f)).sort().map((f) => path.join(SAMPLES, f));
    const importer = new ImportPage(browser.page);
    await importer.pickFiles(samples);
    const early = await importer.rowStates();
    expect(early).toHaveLength(samples.length);
    // Two calls in flight, one file each: the rest wait their turn, visibly.
    expect(early.filter((s) => s === 'processing').length).toBeGreaterThan(0);
    expect(early.filter((s) => s === 'done').length).toBeLessThan(samples.length);
    await screenshot(browser.page, 'import-progress');
    expect(await importer.waitForSummary()).toMatch(/^Done: /);
    expect(await importer.rowStates()).toEqual(samples.map(() => 'done'));
  }, 300_000);

  it('shows the model, policy, slowest stage, alerts and charts of real processed documents, over a chosen window', async () => {
    const open = await app.backend.call('tasks.list', { offset: 0, limit: 10, status: 'open' });
    expect(open.ok).toBe(true);
    const task = (open as { value: { items: { id: number; qaSampled: boolean }[] } }).value.items[0];
    expect(task).toBeDefined();
    expect((await app.backend.call('tasks.decide', { taskId: task!.id, action: 'correct', actor: 'rita', corrections: { total: '12.34' }, timeSpentMs: 4000 })).ok).toBe(true);

    const shell = new AppPage(browser.page);
    await shell.goTo('Insights');
    const insights = new InsightsPage(browser.page);
    expect(await insights.figure('insights-model')).toMatch(/doc-classifier.* \d+\.\d+\.\d+/);
    expect(await insights.figure('insights-policy')).toMatch(/^\d{4}\.\d+\.\d+$/);
    expect(await insights.figure('insights-documents')).toBe('4 processed, 1 failed');
    expect(await insights.figure('insights-slowest')).toMatch(/^\w+ \(P95 [\d.]+ (ms|s)\)$/);
    // Correcting a QA sample (an auto-approval held back for a check; the policy draws them at random) opens the QA alert.
    expect(await insights.figure('insights-alerts')).toMatch(task!.qaSampled ? /^critical QA samples of auto-approved documents were wrong 1 of 1 times/ : /^No open alerts/);
    const charts = await insights.charts();
    expect(charts.map((c) => c.label.split(':')[0])).toEqual(['Latency per stage', 'Routing', 'Predicted types', 'Histogram of classifier confidences', 'Override rate per field']);
    for (const c of charts) expect(c.drawn, c.label).toBeGreaterThan(500);
    expect(charts[4]!.label).toMatch(/total 100\.0%/);
    await screenshot(browser.page, 'insights');

    await insights.chooseWindow('Last 24 hours');
    expect(await insights.figure('insights-documents')).toBe('4 processed, 1 failed');
    expect(await unlabelledControls(browser.page)).toEqual([]);
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 300_000);
});
