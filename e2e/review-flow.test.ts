// End to end in headless Chromium against browser mode: import, review 20+ items by keyboard only,
// then check the queue, the audit view and `countersign audit verify`. Screenshots go to test-results/.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivityPage } from './page-models/activity-page.ts';
import { AppPage } from './page-models/app-page.ts';
import { DocumentPage } from './page-models/document-page.ts';
import { ImportPage } from './page-models/import-page.ts';
import { QueuePage } from './page-models/queue-page.ts';
import { ReviewPage } from './page-models/review-page.ts';
import { SettingsPage } from './page-models/settings-page.ts';
import { startAppUnderTest, type AppUnderTest } from './support/app-server.ts';
import { unlabelledControls } from './support/a11y.ts';
import { hasChromium, launchChromium, screenshot } from './support/browser.ts';
import { CORPUS_DIR, corpusPresent } from '../src-main/testing/prerequisites.ts';

const SAMPLES = path.resolve('resources/samples');
const CORPUS = CORPUS_DIR;
const MIN_ITEMS = 20;
const REVIEWER = 'e2e-reviewer';


/** More documents, cheapest to read first: digital PDFs, then receipts and invoice scans (OCR). */
function corpusBatches(): string[][] {
  const list = (dir: string, n = Infinity) => (corpusPresent() ? fs.readdirSync(dir).sort().slice(0, n).map((f) => path.join(dir, f)) : []);
  const files = [...list(path.join(CORPUS, 'invoice2data/pdf')), ...list(path.join(CORPUS, 'sroie/img'), 60), ...list(path.join(CORPUS, 'invoice2data/scan'))];
  const batches: string[][] = [];
  for (let i = 0; i < files.length; i += 6) batches.push(files.slice(i, i + 6));
  return batches;
}

describe.skipIf(!hasChromium)('the reviewer’s desk in Chromium (browser mode)', () => {
  let app: AppUnderTest;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let modelLoaded = false;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    app = await startAppUnderTest();
    const info = await app.backend.call('system.info', {});
    modelLoaded = info.ok && (info.value as { model: unknown }).model !== null;
    browser = await launchChromium();
    browser.page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('imports the bundled samples through the file picker and shows what happened to each', async () => {
    const shell = new AppPage(browser.page);
    await shell.open(app.server.url);
    expect(new URL(browser.page.url()).searchParams.get('token')).toBeNull();
    await shell.goTo('Import');
    const samples = fs.readdirSync(SAMPLES).filter((f) => /\.(pdf|jpe?g|png)$/i.test(f)).map((f) => path.join(SAMPLES, f));
    const summary = await new ImportPage(browser.page).importFiles(samples);
    expect(summary).toMatch(/^Done: /);
    expect(await new ImportPage(browser.page).resultRows().count()).toBe(samples.length);
    // truncated.pdf is there to fail cleanly.
    await expect(browser.page.getByRole('table', { name: 'Import results' }).getByText(/failed: /).count()).resolves.toBeGreaterThan(0);
    await screenshot(browser.page, 'import');
    expect(await unlabelledControls(browser.page)).toEqual([]);
  });

  it(`works through a queue of at least ${MIN_ITEMS} items by keyboard only, then the queue, the audit view and the CLI agree`, async () => {
    // The bundled model, rules and policy always ship: without them nothing reaches review, which is a failure.
    expect(modelLoaded, 'the bundled understanding (model, rules, policy) loaded').toBe(true);
    const page = browser.page;
    const shell = new AppPage(page);
    const settings = new SettingsPage(page);
    await shell.goTo('Settings');
    await settings.setActor(REVIEWER);

    // Enough real documents for the queue, processed by the engine behind the same server.
    let open = 0;
    for (const batch of corpusBatches()) {
      const t0 = Date.now();
      await app.backend.call('documents.process', { paths: batch, actor: 'e2e' });
      const stats = await app.backend.call('system.stats', {});
      open = (stats.ok ? (stats.value as { tasks: { open: number } }).tasks.open : 0);
      console.info(`e2e: processed ${batch.length} more documents in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${open} open tasks`);
      if (open >= MIN_ITEMS + 4) break;
    }
    expect(open).toBeGreaterThanOrEqual(MIN_ITEMS);

    // The queue refreshes itself when the engine reports new documents.
    await shell.goTo('Queue');
    const queue = new QueuePage(page);
    await queue.waitForLoaded();
    await page.waitForFunction((n) => /(\d+) of/.exec(document.querySelector('[data-testid=queue-count]')?.textContent ?? '')?.[1] === String(n), open);
    await screenshot(page, 'queue');
    expect(await unlabelledControls(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'queue-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // Keyboard only from here: the grid has the focus; Enter opens the first item.
    await queue.rows().focus();
    await page.keyboard.press('Enter');
    const review = new ReviewPage(page);
    await review.waitForItem();
    await screenshot(page, 'review');
    expect(await unlabelledControls(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'review-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await review.toggleHelp();
    expect(await review.helpKeys().textContent()).toContain('Reject');
    await screenshot(page, 'review-help');
    await page.keyboard.press('Escape');
    await page.keyboard.press('f');
    await screenshot(page, 'review-full-page');
    await page.keyboard.press('f');

    const expected = new Map<string, string>();
    let corrected = 0;
    let rejected = 0;
    let undone = 0;
    for (let i = 0; i < MIN_ITEMS; i += 1) {
      const file = await review.currentFile();
      expect(file, `item ${i + 1} of ${MIN_ITEMS}`).not.toBeNull();
      const focused = await review.focusedFieldName();
      if (i % 5 === 1 && focused) {
        await review.editFocused(`corrected-${i}`);
        await page.getByTestId(`edited-${focused}`).waitFor();
        await review.approve();
        expected.set(file!, 'decided: correct');
        corrected += 1;
      } else if (i % 5 === 3) {
        await review.reject(2);
        expected.set(file!, 'decided: reject');
        rejected += 1;
      } else if (i % 5 === 4) {
        // Approve, take it back, and decide again.
        await review.approve();
        await review.waitForMoveFrom(file!);
        await review.undo();
        await page.waitForFunction((f) => document.querySelector('[data-testid=review-file]')?.textContent?.trim() === f, file);
        await expect(review.notice().textContent()).resolves.toMatch(/^Undone/);
        undone += 1;
        await review.approve();
        expected.set(file!, 'decided: approve');
      } else {
        await review.approve();
        expected.set(file!, 'decided: approve');
      }
      await review.waitForMoveFrom(file!);
      if (i === 1) await screenshot(page, 'review-after-correction');
    }
    expect(corrected).toBeGreaterThan(0);

    // The document behind the current item, all pages with the text overlay.
    await page.keyboard.press('o');
    const doc = new DocumentPage(page);
    await doc.waitForPages();
    await doc.showTextOverlay();
    await screenshot(page, 'document');
    expect(await unlabelledControls(page)).toEqual([]);

    // The queue shows every decision.
    await shell.goTo('Queue');
    await queue.waitForLoaded();
    await queue.filterStatus('decided');
    expect((await queue.shownCount()).shown).toBe(expected.size);
    const rows = await queue.readAllRows();
    for (const [file, status] of expected) expect(rows.get(file)?.status, file).toBe(status);
    await screenshot(page, 'queue-decided');

    // The activity view shows every decision and the undo, and the chain verifies.
    const activity = new ActivityPage(page);
    await shell.goTo('Activity');
    await activity.filterActor(REVIEWER);
    const events = await activity.events();
    const count = (e: string) => events.filter((x) => x === e).length;
    expect(count('task.corrected')).toBe(corrected);
    expect(count('task.rejected')).toBe(rejected);
    expect(count('task.undone')).toBe(undone);
    expect(count('task.approved')).toBe(MIN_ITEMS - corrected - rejected + undone);
    expect(await activity.verifyChain()).toMatch(/^Audit chain intact/);
    await screenshot(page, 'activity');
    expect(await unlabelledControls(page)).toEqual([]);

    await shell.goTo('Settings');
    await settings.systemInfo().waitFor();
    await screenshot(page, 'settings');
    expect(await unlabelledControls(page)).toEqual([]);

    const cli = await promisify(execFile)(process.execPath, ['bin/countersign.mjs', 'audit', 'verify', '--data-dir', app.dataDir], { env: { ...process.env, COUNTERSIGN_KEY_STORAGE: 'file' } });
    expect(cli.stdout).toMatch(/^Audit chain intact/);
    expect(pageErrors).toEqual([]);
  }, 600_000);
});
