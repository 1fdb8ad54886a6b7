import { describe, expect, it } from 'vitest';
import { createClient } from '../../src-shared/contract/dispatch.ts';
import { DEFAULT_UI_SETTINGS, type AppContract, type UiSettings } from '../../src-shared/contract/ui.ts';
import { createSettingsStore } from './settings-store.ts';

function fakeClient() {
  let settings: UiSettings = { ...DEFAULT_UI_SETTINGS };
  return createClient<AppContract>(async (name, arg) => {
    if (name === 'ui.saveSettings') settings = { ...settings, ...(arg as Partial<UiSettings>) };
    if (name === 'system.info') return { ok: false, error: { code: 'internal', message: 'no engine' } };
    return { ok: true, value: settings };
  });
}

describe('settings', () => {
  it('remaps a review key, and refuses a key another action already uses', async () => {
    const store = createSettingsStore(fakeClient());
    await store.getState().load();
    expect(store.getState().info).toBeNull();
    expect(await store.getState().remap('approve', 'a')).toBe(true);
    expect(store.getState().keymap.approve).toBe('a');
    expect(await store.getState().remap('undo', 'r')).toBe(false);
    expect(store.getState().error).toMatch(/already used: r: reject, undo/);
    expect(store.getState().keymap.undo).toBe('u');
  });
});
