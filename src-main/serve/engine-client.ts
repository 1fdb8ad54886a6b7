import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { BUNDLE_DIR } from '../config/app-root.ts';
import type { HostMessage, HostRequest } from './engine-host.ts';

type Reply = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

/** The built engine host (`electron-vite build`); `ensureAppBuilt` makes it. */
export const ENGINE_HOST = path.join(BUNDLE_DIR, 'engine-host.js');

export interface EngineHostOptions {
  dataDir: string;
  onEvent: (channel: string, payload: unknown) => void;
  /**
   * The Node that runs the host. Default: `$COUNTERSIGN_NODE`, else this Node (the CLI, tests), else
   * under Electron `node` on the PATH, whose ABI the native modules in node_modules were built for. A
   * packaged app passes its own executable with `runAsNode` (native modules rebuilt for Electron when packaging).
   */
  execPath?: string;
  /** Sets ELECTRON_RUN_AS_NODE, so an Electron executable runs the host as plain Node. */
  runAsNode?: boolean;
  /** The host script; the built bundle's unless a test says otherwise. */
  hostScript?: string;
}

/** A handle on the engine host process (the app's and browser mode's engine): one pending promise per call id. */
export class EngineClient {
  private child: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, (r: Reply) => void>();
  readonly ready: Promise<void>;

  constructor(opts: EngineHostOptions) {
    // The host runs from the bundle, with no TypeScript loader: what a packaged app can run.
    this.child = fork(opts.hostScript ?? ENGINE_HOST, [], {
      execPath: opts.execPath ?? process.env.COUNTERSIGN_NODE ?? (process.versions.electron ? 'node' : process.execPath),
      execArgv: [],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: opts.runAsNode ? '1' : undefined, COUNTERSIGN_DATA_DIR: opts.dataDir },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.ready = new Promise<void>((resolve, reject) => {
      this.child.on('message', (m: HostMessage) => {
        if (m.type === 'ready') resolve();
        else if (m.type === 'fatal') reject(new Error(m.message));
        else if (m.type === 'reply') {
          this.pending.get(m.id)?.(m.reply as Reply);
          this.pending.delete(m.id);
        } else if (m.type === 'event') opts.onEvent(m.channel, m.payload);
      });
      this.child.on('error', (err) => reject(new Error(`The engine process could not start: ${err.message}`)));
      this.child.on('exit', (code) => {
        reject(new Error(`The engine process exited (${code})`));
        for (const done of this.pending.values()) done({ ok: false, error: { code: 'engine_stopped', message: 'The engine process stopped' } });
        this.pending.clear();
      });
    });
    // A caller that only ever calls `call` sees the failure there; no unhandled rejection meanwhile.
    this.ready.catch(() => undefined);
  }

  /** The host's process id (for tests and diagnostics). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  async call(name: string, arg: unknown): Promise<Reply> {
    try {
      await this.ready;
    } catch (err) {
      return { ok: false, error: { code: 'engine_stopped', message: (err as Error).message } };
    }
    if (!this.child.connected) return { ok: false, error: { code: 'engine_stopped', message: 'The engine process stopped' } };
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.send({ type: 'call', id, name, arg } satisfies HostRequest);
    });
  }

  /** Asks the engine to finish what it is doing and stop; kills it after `graceMs`. */
  async shutdown(graceMs = 15_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.child.connected) this.child.send({ type: 'shutdown' } satisfies HostRequest);
    const timer = setTimeout(() => this.child.kill(), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
