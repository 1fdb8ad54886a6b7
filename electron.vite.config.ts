import { defineConfig } from 'electron-vite';
import { rendererViteConfig } from './src-main/serve/renderer-vite-config.ts';

// `electron-vite build` → out/main/ (the Electron main process, the engine host it forks, and the
// engine's worker threads), out/preload/index.cjs, out/renderer/. The engine host runs from this
// bundle under Node, in the app and in browser mode alike: no TypeScript loader at run time, so a
// packaged app runs it as it is. Packages (native ones included) stay in node_modules.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // keytar is an optional dependency: loaded from node_modules where installed, never copied in.
      externalizeDeps: { include: ['keytar'] },
      rollupOptions: {
        input: {
          index: 'src-main/electron/main.ts',
          'engine-host': 'src-main/serve/engine-host.ts',
          'ocr-worker': 'src-main/ocr/onnx/ocr-worker.ts',
          'pdf-worker': 'src-main/text/pdf-worker.ts',
        },
      },
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
