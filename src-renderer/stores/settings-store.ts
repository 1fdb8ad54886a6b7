import { createStore } from 'zustand/vanilla';
import { DEFAULT_UI_SETTINGS, type UiSettings } from '../../src-shared/contract/ui.ts';
import type { OutputOf } from '../../src-shared/contract/define.ts';
import type { EngineContract } from '../../src-shared/contract/index.ts';
import type { AppClient } from '../api/client.ts';
import { effectiveKeymap, keyConflicts, type Keymap } from '../review/keymap.ts';

export interface SettingsState {
  settings: UiSettings;
  keymap: Keymap;
  info: OutputOf<EngineContract, 'system.info'> | null;
  error: string | null;
  load(): Promise<void>;
  save(patch: Partial<UiSettings>): Promise<boolean>;
  /** Remaps one action; refused (with a message) when the key is taken by another action. */
  remap(action: string, key: string): Promise<boolean>;
}

export function createSettingsStore(client: AppClient) {
  return createStore<SettingsState>()((set, get) => ({
    settings: DEFAULT_UI_SETTINGS,
    keymap: effectiveKeymap({}),
    info: null,
    error: null,
    async load() {
      try {
        const [settings, info] = await Promise.all([client.call('ui.settings', {}), client.call('system.info', {}).catch(() => null)]);
        set({ settings, keymap: effectiveKeymap(settings.keymap), info, error: null });
      } catch (err) {
        set({ error: (err as Error).message });
      }
    },
    async save(patch) {
      try {
        const settings = await client.call('ui.saveSettings', patch);
        set({ settings, keymap: effectiveKeymap(settings.keymap), error: null });
        return true;
      } catch (err) {
        set({ error: (err as Error).message });
        return false;
      }
    },
    async remap(action, key) {
      const overrides = { ...get().settings.keymap, [action]: key };
      const conflicts = keyConflicts(effectiveKeymap(overrides));
      if (conflicts.length) {
        set({ error: `That key is already used: ${conflicts.join('; ')}` });
        return false;
      }
      return get().save({ keymap: overrides });
    },
  }));
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;
