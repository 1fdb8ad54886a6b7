import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EngineOptions } from '../../src-main/engine/engine.ts';
import { openAppBackend, type AppBackend } from '../../src-main/serve/app-backend.ts';
import { startHttpServer, type RunningServer } from '../../src-main/serve/http-server.ts';
import { ensureAppBuilt } from '../../src-main/serve/app-build.ts';
import { RENDERER_OUT } from '../../src-main/serve/renderer-build.ts';

export interface AppUnderTest {
  dataDir: string;
  backend: AppBackend;
  server: RunningServer;
  close(): Promise<void>;
}

/**
 * Browser mode exactly as `countersign serve` runs it (same backend, same server, same renderer
 * bundle), in a fresh data directory.
 */
export async function startAppUnderTest(opts: Partial<EngineOptions> = {}): Promise<AppUnderTest> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-e2e-'));
  // The one locked build of out/, so no other test rebuilds the renderer under this server.
  await ensureAppBuilt();
  const rendererDir = RENDERER_OUT;
  const understanding = opts.understanding ?? (await devUnderstanding());
  const backend = await openAppBackend({ dataDir, keyStorage: 'file', ocrWorkers: 2, onWarning: () => undefined, ...opts, ...(understanding !== undefined ? { understanding } : {}) });
  const server = await startHttpServer({ call: backend.call, events: backend.events, rendererDir });
  return {
    dataDir,
    backend,
    server,
    close: async () => {
      await server.close();
      await backend.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * COUNTERSIGN_E2E_UNDERSTANDING names a module whose default export replaces the bundled model,
 * rules and policy: only for working on the UI before they exist. Unset, the bundled ones run.
 */
async function devUnderstanding(): Promise<EngineOptions['understanding']> {
  const mod = process.env.COUNTERSIGN_E2E_UNDERSTANDING;
  if (!mod) return undefined;
  process.stderr.write(`e2e: using the understanding from ${mod}, not the bundled one\n`);
  return ((await import(path.resolve(mod))) as { default: EngineOptions['understanding'] }).default;
}
