import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the background thread copies the WAL back into the database file. */
const EVERY_MS = 200;

// CommonJS for an eval'd worker: it loads under any runner (tsx, vitest, plain node), no file to resolve.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 10000');
const run = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort.postMessage(err.message);
  }
};
const timer = setInterval(run, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  run();
  db.close();
  parentPort.close();
});
`;

/**
 * A SQLite WAL checkpoint copies pages and syncs the file twice: 10-40 ms that, run by the writing
 * connection (SQLite's autocheckpoint), stall every request of the hub's event loop every hundred commits
 * or so. This runs them on a thread of its own, with its own connection; PASSIVE never blocks a writer.
 */
export function startWalCheckpointer(file: string): { stop(): Promise<void> } {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { driver, file, everyMs: EVERY_MS } });
  worker.unref();
  worker.on('message', (m: string) => process.stderr.write(`hub: WAL checkpoint failed: ${m}\n`));
  worker.on('error', (err) => process.stderr.write(`hub: WAL checkpoint thread stopped: ${err.message}\n`));
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        if (worker.threadId === -1) return resolve();
        worker.once('exit', () => resolve());
        // Held until it has closed its connection: an unreferenced thread would let the process end first.
        worker.ref();
        worker.postMessage('stop');
      }),
  };
}
