import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_UI_SETTINGS, SavedFilterSchema, UiSettingsSchema, type SavedFilter, type UiHandlers, type UiSettings } from '../../src-shared/contract/ui.ts';
import type { ProcessResult } from '../../src-shared/process-result.ts';
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
 * directory (they are not engine state and need no audit entry); the watched folder imports
 * through the engine like any other file.
 */
export function createUiHandlers(dataDir: string, importPaths: (paths: string[]) => Promise<ProcessResult[]>): UiHandlers & { close(): void } {
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
      const next = UiSettingsSchema.parse({ ...loadSettings(), ...patch });
      writeJson(settingsFile, next);
      if (patch.watchFolder !== undefined) watcher.watch(next.watchFolder);
      return next;
    },
    'ui.filters': async () => ({ items: loadFilters() }),
    'ui.saveFilter': async (f) => {
      const items = [...loadFilters().filter((x) => x.name !== f.name), f].sort((a, b) => a.name.localeCompare(b.name));
      writeJson(filtersFile, items);
      return { items };
    },
    'ui.deleteFilter': async ({ name }) => {
      const items = loadFilters().filter((x) => x.name !== name);
      writeJson(filtersFile, items);
      return { items };
    },
    'ui.watchStatus': async () => watcher.status(),
    close: () => watcher.watch(null),
  };
}
