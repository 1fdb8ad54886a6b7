import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RENDERER_SRC = path.join(REPO_ROOT, 'src-renderer');
/** Where `electron-vite build` puts the renderer; browser mode serves the same files. */
export const RENDERER_OUT = path.join(REPO_ROOT, 'out', 'renderer');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || entry.name.endsWith('.test.ts') || entry.name.endsWith('.test.tsx')) continue;
    newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** True when out/renderer is missing or older than any renderer source. */
export function rendererIsStale(outDir = RENDERER_OUT): boolean {
  const index = path.join(outDir, 'index.html');
  return !fs.existsSync(index) || fs.statSync(index).mtimeMs < newestMtime(RENDERER_SRC);
}

/** Builds the renderer with Vite (the same config electron-vite uses) when it is missing or stale. */
export async function ensureRendererBuilt(opts: { outDir?: string; force?: boolean; log?: (m: string) => void } = {}): Promise<string> {
  const outDir = opts.outDir ?? RENDERER_OUT;
  if (!opts.force && !rendererIsStale(outDir)) return outDir;
  opts.log?.(`Building the renderer into ${path.relative(process.cwd(), outDir) || outDir} ...`);
  const { build } = await import('vite');
  const { rendererViteConfig } = await import('./renderer-vite-config.ts');
  // Built aside and swapped in, so a server already serving the old bundle never sees a half-written one.
  const tmp = `${outDir}.build-${process.pid}`;
  await build({ ...rendererViteConfig(), configFile: false, logLevel: 'warn', build: { ...rendererViteConfig().build, outDir: tmp, emptyOutDir: true } });
  const old = `${outDir}.old-${process.pid}`;
  try {
    if (fs.existsSync(outDir)) fs.renameSync(outDir, old);
    fs.renameSync(tmp, outDir);
  } catch {
    // Another process swapped in its build of the same sources at the same moment: keep that one.
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.rmSync(old, { recursive: true, force: true });
  return outDir;
}
