import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { CommanderError, type Command, type Option } from 'commander';
import { APP_ROOT } from '../config/app-root.ts';
import { resolveDataDir } from '../config/data-dir.ts';
import { ensureAppBuilt } from '../serve/app-build.ts';
import { EngineClient } from '../serve/engine-client.ts';
import { EventHub } from '../serve/event-hub.ts';
import { startHttpServer, type RunningServer } from '../serve/http-server.ts';
import { RENDERER_OUT } from '../serve/renderer-build.ts';
import { EXIT_USAGE } from './exit-codes.ts';

/** The Electron binary when the `electron` package resolves to one that exists, else null. */
export function electronBinary(): string | null {
  try {
    const bin = createRequire(import.meta.url)('electron') as unknown;
    return typeof bin === 'string' && fs.existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

export interface BrowserModeOptions {
  dataDir: string;
  port?: number;
  out?: NodeJS.WritableStream;
}

/**
 * Browser mode: the renderer and the API on 127.0.0.1, the engine in the engine host process run from
 * out/ (as the desktop app runs it); prints the URL with its token as a line of its own.
 */
export async function serveBrowserMode(opts: BrowserModeOptions): Promise<RunningServer & { closeAll(): Promise<void> }> {
  const out = opts.out ?? process.stdout;
  await ensureAppBuilt({ log: (m) => process.stderr.write(`${m}\n`) });
  const events = new EventHub();
  const engine = new EngineClient({ dataDir: opts.dataDir, onEvent: (channel, payload) => events.emit(channel, payload) });
  await engine.ready;
  const server = await startHttpServer({ call: (name, arg) => engine.call(name, arg), events, rendererDir: RENDERER_OUT, ...(opts.port !== undefined ? { port: opts.port } : {}) });
  out.write(`Countersign is serving ${opts.dataDir} in browser mode. Open this address (it holds the access token):\n${server.url}\n`);
  return {
    ...server,
    closeAll: async () => {
      await server.close();
      await engine.shutdown();
    },
  };
}

/** Starts the Electron app when its binary is installed; returns its exit code. */
export async function runElectronApp(bin: string, dataDir: string): Promise<number> {
  await ensureAppBuilt({ log: (m) => process.stderr.write(`${m}\n`) });
  const child = spawn(bin, [APP_ROOT], { stdio: 'inherit', env: { ...process.env, COUNTERSIGN_DATA_DIR: dataDir } });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 0)));
}

/**
 * What `npm start` calls after processing the samples: the Electron app where its binary is
 * installed, otherwise browser mode until Ctrl+C (`preferElectron: false` goes straight to browser
 * mode). Resolves with the exit code.
 */
export async function startApp(opts: { dataDir: string; port?: number; preferElectron?: boolean }): Promise<number> {
  const bin = opts.preferElectron === false ? null : electronBinary();
  if (bin) return runElectronApp(bin, opts.dataDir);
  if (opts.preferElectron !== false) process.stderr.write('No Electron binary is installed here; falling back to browser mode.\n');
  const server = await serveBrowserMode(opts);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stderr.write('Stopping: letting work in progress finish ...\n');
  await server.closeAll();
  return 0;
}

export function registerServeCommand(program: Command, state: { exitCode: number }, dataDirOption: () => Option): void {
  program
    .command('serve')
    .description('Browser mode: serve the app on 127.0.0.1 with an access token and print its URL (Ctrl+C stops)')
    .addOption(dataDirOption())
    .option('--port <n>', 'port on 127.0.0.1 (default: a free one)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new CommanderError(EXIT_USAGE, 'countersign.invalidArgument', `--port needs a port number, got "${v}"`);
      return n;
    })
    .option('--open-electron', 'open the desktop app instead when an Electron binary is installed')
    .action(async (o: { dataDir?: string; port?: number; openElectron?: boolean }) => {
      state.exitCode = await startApp({ dataDir: resolveDataDir(o.dataDir), ...(o.port !== undefined ? { port: o.port } : {}), preferElectron: o.openElectron === true });
    });
}
