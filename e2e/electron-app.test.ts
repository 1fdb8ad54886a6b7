// The desktop app driven by Playwright's Electron support; skipped, visibly, where no Electron binary is installed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { electronBinary } from '../src-main/cli/serve-command.ts';
import { ensureAppBuilt } from '../src-main/serve/app-build.ts';
import { AppPage } from './page-models/app-page.ts';
import { ImportPage } from './page-models/import-page.ts';
import { SettingsPage } from './page-models/settings-page.ts';
import { screenshot } from './support/browser.ts';

const bin = electronBinary();
if (!bin) console.warn('SKIPPED e2e/electron-app: no Electron binary here (installed with ELECTRON_SKIP_BINARY_DOWNLOAD); browser mode is tested in review-flow.test.ts');

describe.skipIf(!bin)('the desktop app (Electron)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-electron-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('opens one locked-down window over the same renderer and engine, and imports through the preload', async () => {
    await ensureAppBuilt();
    const app = await electron.launch({ executablePath: bin!, args: [path.resolve('.'), '--no-sandbox'], env: { ...process.env, COUNTERSIGN_DATA_DIR: dataDir, COUNTERSIGN_KEY_STORAGE: 'file' } });
    try {
      const page = await app.firstWindow();
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
      // Isolated and sandboxed: the page sees neither Node nor Electron, only the two-function bridge.
      expect(await page.evaluate(() => [typeof (globalThis as { process?: unknown }).process, typeof (globalThis as { module?: unknown }).module])).toEqual(['undefined', 'undefined']);
      expect(await page.evaluate(() => Object.keys(window.countersign ?? {}).sort())).toEqual(['invoke', 'listen']);
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      const bad = await page.evaluate(() => window.countersign!.invoke('tasks.decide', { taskId: 'x' }));
      expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });

      const shell = new AppPage(page);
      await shell.goTo('Import');
      const summary = await new ImportPage(page).importFiles([path.resolve('resources/samples/coolblue1.pdf')]);
      expect(summary).toMatch(/^Done: /);
      await shell.goTo('Settings');
      await new SettingsPage(page).systemInfo().waitFor();
      await screenshot(page, 'electron-settings');
      // Navigation away and new windows are refused.
      await page.evaluate(() => window.open('https://example.com'));
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
    } finally {
      await app.close();
    }
  }, 300_000);
});
