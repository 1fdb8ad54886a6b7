import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dispatch } from '../../src-shared/contract/dispatch.ts';
import { uiContract } from '../../src-shared/contract/ui.ts';
import type { ProcessResult } from '../../src-shared/process-result.ts';
import { openTestDoor } from '../store/testing.ts';
import { createUiHandlers } from './ui-handlers.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-ui-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('the UI-only calls', () => {
  it('keeps settings and saved filters in the data directory, validated like every call', async () => {
    const dataDir = tmp();
    const ui = createUiHandlers(dataDir, async () => [], openTestDoor(dataDir).door);
    const call = (name: string, arg: unknown) => dispatch(uiContract, ui, name, arg);
    expect(await call('ui.settings', {})).toMatchObject({ ok: true, value: { actor: 'reviewer', theme: 'system', keymap: {} } });
    expect(await call('ui.saveSettings', { actor: 'dana', keymap: { approve: 'a' } })).toMatchObject({ ok: true, value: { actor: 'dana', keymap: { approve: 'a' } } });
    expect(await call('ui.saveSettings', { theme: 'neon' })).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
    await call('ui.saveFilter', { name: 'Big ones', filter: { minTotal: 1000, status: 'open' } });
    await call('ui.saveFilter', { name: 'ACME', filter: { vendor: 'acme' } });
    ui.close();
    // A fresh start reads the same files.
    const again = createUiHandlers(dataDir, async () => [], openTestDoor(dataDir).door);
    expect((await again['ui.settings']({})).actor).toBe('dana');
    expect((await again['ui.filters']({})).items.map((f) => f.name)).toEqual(['ACME', 'Big ones']);
    expect((await again['ui.deleteFilter']({ name: 'ACME' })).items.map((f) => f.name)).toEqual(['Big ones']);
    again.close();
  });

  it('falls back to the defaults when the settings file is damaged', async () => {
    const dataDir = tmp();
    fs.writeFileSync(path.join(dataDir, 'ui-settings.json'), '{not json');
    const ui = createUiHandlers(dataDir, async () => [], openTestDoor(dataDir).door);
    expect((await ui['ui.settings']({})).actor).toBe('reviewer');
    ui.close();
  });

  it('imports files that arrive in the watched folder, once each, and not those already there', async () => {
    const dataDir = tmp();
    const inbox = tmp();
    fs.writeFileSync(path.join(inbox, 'old.pdf'), 'x');
    const imported: string[] = [];
    const ui = createUiHandlers(
      dataDir,
      async (paths) => {
        imported.push(...paths.map((p) => path.basename(p)));
        return paths.map((p): ProcessResult => ({ file: p, status: 'processed' }));
      },
      openTestDoor(dataDir).door,
    );
    await ui['ui.saveSettings']({ watchFolder: inbox });
    fs.writeFileSync(path.join(inbox, 'new.pdf'), 'y');
    await vi.waitFor(() => expect(imported).toEqual(['new.pdf']), { timeout: 5000, interval: 100 });
    expect(await ui['ui.watchStatus']({})).toMatchObject({ folder: inbox, processed: 1, failed: 0, lastFile: 'new.pdf', error: null });
    await ui['ui.saveSettings']({ watchFolder: null });
    expect((await ui['ui.watchStatus']({})).folder).toBeNull();
    ui.close();
  });
});
