import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Whether this code runs from its TypeScript sources (tsx: the CLI, tests) or from the built bundle in
 * out/main (the engine host of the app); a bundled module is a .js file.
 */
export const RUNNING_FROM_SOURCES = import.meta.url.endsWith('.ts');

/** The app's folder (package.json, models/, resources/, out/): found upward, so sources and bundle agree. */
function findAppRoot(): string {
  const start = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'resources'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No Countersign app folder (package.json with resources/) above ${start}`);
  }
}

export const APP_ROOT = findAppRoot();

/** Where `electron-vite build` puts the main-process bundle: the Electron main, the engine host and its workers. */
export const BUNDLE_DIR = path.join(APP_ROOT, 'out', 'main');

/**
 * A worker thread's entry: the built `<name>.js` beside the engine host when running from the bundle,
 * else the source's boot file (which registers tsx for the thread).
 */
export function workerEntry(name: 'ocr-worker' | 'pdf-worker', sourceBoot: URL): URL {
  return RUNNING_FROM_SOURCES ? sourceBoot : pathToFileURL(path.join(BUNDLE_DIR, `${name}.js`));
}
