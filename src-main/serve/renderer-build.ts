import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RENDERER_SRC = path.join(REPO_ROOT, 'src-renderer');
/** Where `electron-vite build` puts the renderer (`ensureAppBuilt` in app-build.ts); browser mode serves the same files. */
export const RENDERER_OUT = path.join(REPO_ROOT, 'out', 'renderer');
