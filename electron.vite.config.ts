import { defineConfig } from 'electron-vite';
import { rendererViteConfig } from './src-main/serve/renderer-vite-config.ts';

// `electron-vite build` → out/main/index.js, out/preload/index.cjs, out/renderer/. The engine process
// runs from source under plain Node (src-main/serve/engine-host.ts), as the CLI does.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: { input: { index: 'src-main/electron/main.ts' } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload must be one CommonJS file.
      rollupOptions: { input: { index: 'src-main/electron/preload.ts' }, output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: rendererViteConfig(),
});
