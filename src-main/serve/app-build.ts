import fs from 'node:fs';
import path from 'node:path';
import { APP_ROOT, BUNDLE_DIR } from '../config/app-root.ts';

/** What the bundle in out/ is built from: a change to any of these makes it stale. */
const SOURCES = ['src-main', 'src-common', 'src-shared', 'src-renderer', 'electron.vite.config.ts', 'package-lock.json'];
/** Built last by `electron-vite build` (main, then preload, then renderer): its age is the build's. */
const BUILT_LAST = path.join(APP_ROOT, 'out', 'renderer', 'index.html');
const BUILT_FIRST = path.join(BUNDLE_DIR, 'engine-host.js');

function newestSource(): number {
  let newest = 0;
  for (const rel of SOURCES) {
    const p = path.join(APP_ROOT, rel);
    if (!fs.existsSync(p)) continue;
    const st = fs.statSync(p);
    if (st.isFile()) {
      newest = Math.max(newest, st.mtimeMs);
      continue;
    }
    for (const e of fs.readdirSync(p, { withFileTypes: true, recursive: true })) {
      // Tests and fixtures are not in the bundle; editing them must not cost a build.
      if (!e.isFile() || /\.test\.tsx?$/.test(e.name) || e.parentPath.includes(`${path.sep}fixtures`)) continue;
      newest = Math.max(newest, fs.statSync(path.join(e.parentPath, e.name)).mtimeMs);
    }
  }
  return newest;
}

/** True when out/ is missing a part or older than any source it is built from. */
export function appBuildIsStale(): boolean {
  if (![BUILT_FIRST, BUILT_LAST].every((f) => fs.existsSync(f))) return true;
  return Math.min(fs.statSync(BUILT_FIRST).mtimeMs, fs.statSync(BUILT_LAST).mtimeMs) < newestSource();
}

/** One build at a time across processes (tests and `npm start` may race): a lock folder, taken atomically. */
async function withBuildLock<T>(fn: () => Promise<T>): Promise<T> {
  const lock = path.join(APP_ROOT, 'out', '.build-lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  for (const started = Date.now(); ; ) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // A lock older than a build can take was left by a process that died mid-build.
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 300_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() - started > 600_000) throw new Error(`Another build has held ${lock} for 10 minutes`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Builds out/ (Electron main, engine host and workers, preload, renderer) with electron-vite when it
 * is missing or stale, as tools/setup.mjs installs node_modules when they are: `npm start`, browser
 * mode and the app all run the engine from this bundle.
 */
export async function ensureAppBuilt(opts: { force?: boolean; log?: (m: string) => void } = {}): Promise<string> {
  if (!opts.force && !appBuildIsStale()) return BUNDLE_DIR;
  return withBuildLock(async () => {
    // Another process may have built it while this one waited for the lock.
    if (!opts.force && !appBuildIsStale()) return BUNDLE_DIR;
    opts.log?.('Building the app into out/ (electron-vite build) ...');
    const { build } = await import('electron-vite');
    await build({ root: APP_ROOT, configFile: path.join(APP_ROOT, 'electron.vite.config.ts'), logLevel: 'warn' });
    return BUNDLE_DIR;
  });
}
