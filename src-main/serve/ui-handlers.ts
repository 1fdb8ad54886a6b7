import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_UI_SETTINGS, SavedFilterSchema, UiSettingsSchema, type SavedFilter, type UiHandlers, type UiSettings } from '../../src-shared/contract/ui.ts';
import type { ProcessResult } from '../../src-shared/process-result.ts';
import type { WriteDoor } from '../store/mutate.ts';
import { FolderWatcher } from './folder-watcher.ts';

const SETTINGS_FILE = 'ui-settings.json';
const FILTERS_FILE = 'ui-filters.json';

/** Reads a JSON file that belongs to the UI, falling back to a default when it is missing or damaged. */
function readJson<T>(file: string, parse: (v: unknown) => T, fallback: T): T {
  try {
    return parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch {
    return fallback;
  }
}

/** Written to a temporary file and renamed, so a crash never leaves half a settings file. */
function writeJson(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/**
 * The UI-only calls: reviewer preferences and saved filters live in small JSON files in the data
 * directory; a change to them goes through the write door like any other, so the audit trail shows
 * who changed what (the file is written inside the change, after its audit entry: a failed write
 * rolls the entry back). The watched folder imports through the engine like any other file.
 */
export function createUiHandlers(dataDir: string, importPaths: (paths: string[]) => Promise<ProcessResult[]>, door: WriteDoor): UiHandlers & { close(): void } {
  const settingsFile = path.join(dataDir, SETTINGS_FILE);
  const filtersFile = path.join(dataDir, FILTERS_FILE);
  const loadSettings = (): UiSettings => readJson(settingsFile, (v) => UiSettingsSchema.parse({ ...DEFAULT_UI_SETTINGS, ...(v as object) }), DEFAULT_UI_SETTINGS);
  const loadFilters = (): SavedFilter[] => readJson(filtersFile, (v) => SavedFilterSchema.array().parse(v), []);
  const watcher = new FolderWatcher(importPaths);
  const initial = loadSettings();
  if (initial.watchFolder) watcher.watch(initial.watchFolder);

  return {
    'ui.settings': async () => loadSettings(),
    'ui.saveSettings': async (patch) => {
      const next = door.mutate('ui.saveSettings', (audit) => {
        const merged = UiSettingsSchema.parse({ ...loadSettings(), ...patch });
        audit({ actor: merged.actor, event: 'settings.changed', data: { changed: patch } });
        writeJson(settingsFile, merged);
        return merged;
      });
      if (patch.watchFolder !== undefined) watcher.watch(next.watchFolder);
      return next;
    },
    'ui.filters': async () => ({ items: loadFilters() }),
    'ui.saveFilter': async (f) =>
      door.mutate('ui.saveFilter', (audit) => {
        const items = [...loadFilters().filter((x) => x.name !== f.name), f].sort((a, b) => a.name.localeCompare(b.name));
        audit({ actor: loadSettings().actor, event: 'settings.filter_saved', data: { name: f.name, filter: f.filter } });
        writeJson(filtersFile, items);
        return { items };
      }),
    'ui.deleteFilter': async ({ name }) =>
      door.mutate('ui.deleteFilter', (audit) => {
        const items = loadFilters().filter((x) => x.name !== name);
        audit({ actor: loadSettings().actor, event: 'settings.filter_deleted', data: { name } });
        writeJson(filtersFile, items);
        return { items };
      }),
    'ui.watchStatus': async () => watcher.status(),
    close: () => watcher.watch(null),
  };
}
