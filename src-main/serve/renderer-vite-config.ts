import react from '@vitejs/plugin-react';
import path from 'node:path';
import type { UserConfig } from 'vite';
import { RENDERER_OUT, RENDERER_SRC } from './renderer-build.ts';

/** One Vite config for the renderer, used by electron-vite (desktop) and by browser mode. */
export function rendererViteConfig(): UserConfig {
  return {
    root: RENDERER_SRC,
    // Relative asset URLs: the same bundle loads from file:// in Electron and from http:// in browser mode.
    base: './',
    plugins: [react()],
    build: { outDir: RENDERER_OUT, emptyOutDir: true, target: 'chrome120', sourcemap: false, rollupOptions: { input: path.join(RENDERER_SRC, 'index.html') } },
  };
}
