import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface HubProcess {
  url: string;
  proc: ChildProcess;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

// One hub data directory per test file (its signing key), shared by the hub processes it starts, never the repo's.
let sharedDataDir: string | null = null;
const testDataDir = () => (sharedDataDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'cs-hub-proc-')));

/** `src-server/main.ts` as its own process (as `npm run hub` starts it), on a free port. */
export function spawnHub(args: string[], nodeArgs: string[] = []): Promise<HubProcess> {
  const dataDir = args.includes('--data-dir') ? [] : ['--data-dir', testDataDir()];
  const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(ROOT, 'src-server/main.ts'), '--port', '0', ...dataDir, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => (proc.kill('SIGKILL'), reject(new Error(`hub did not start: ${out}`))), 60_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /hub listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1]!,
          proc,
          kill: (signal = 'SIGKILL') =>
            new Promise((done) => {
              if (proc.exitCode !== null || proc.signalCode !== null) return done();
              proc.once('exit', () => done());
              proc.kill(signal);
            }),
        });
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.once('exit', (code) => (clearTimeout(timer), reject(new Error(`hub exited with ${code}: ${out}`))));
  });
}
