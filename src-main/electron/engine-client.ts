import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { HostMessage, HostRequest } from '../serve/engine-host.ts';

type Reply = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

/** The main process's handle on the engine process: one pending promise per call id. */
export class EngineClient {
  private child: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, (r: Reply) => void>();
  readonly ready: Promise<void>;

  constructor(repoRoot: string, dataDir: string, onEvent: (channel: string, payload: unknown) => void) {
    // Plain Node runs the engine, so better-sqlite3 and onnxruntime keep their Node builds; tsx runs the sources as the CLI does.
    this.child = fork(path.join(repoRoot, 'src-main', 'serve', 'engine-host.ts'), [], {
      execPath: process.env.COUNTERSIGN_NODE ?? 'node',
      execArgv: ['--import', 'tsx'],
      cwd: repoRoot,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: undefined, COUNTERSIGN_DATA_DIR: dataDir },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.ready = new Promise<void>((resolve, reject) => {
      this.child.on('message', (m: HostMessage) => {
        if (m.type === 'ready') resolve();
        else if (m.type === 'fatal') reject(new Error(m.message));
        else if (m.type === 'reply') {
          this.pending.get(m.id)?.(m.reply as Reply);
          this.pending.delete(m.id);
        } else if (m.type === 'event') onEvent(m.channel, m.payload);
      });
      this.child.on('exit', (code) => {
        reject(new Error(`The engine process exited (${code})`));
        for (const done of this.pending.values()) done({ ok: false, error: { code: 'engine_stopped', message: 'The engine process stopped' } });
        this.pending.clear();
      });
    });
  }

  async call(name: string, arg: unknown): Promise<Reply> {
    await this.ready;
    if (!this.child.connected) return { ok: false, error: { code: 'engine_stopped', message: 'The engine process stopped' } };
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.send({ type: 'call', id, name, arg } satisfies HostRequest);
    });
  }

  /** Asks the engine to finish what it is doing and stop; kills it after `graceMs`. */
  async shutdown(graceMs = 15_000): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'shutdown' } satisfies HostRequest);
    const timer = setTimeout(() => this.child.kill(), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
