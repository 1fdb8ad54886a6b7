import fs from 'node:fs';
import path from 'node:path';
import type { ProcessResult } from '../../src-shared/process-result.ts';

const SETTLE_MS = 750;

/** Imports files that appear in one folder; a file is taken once its size has stopped changing. */
export class FolderWatcher {
  private watcher: fs.FSWatcher | null = null;
  private folder: string | null = null;
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly seen = new Set<string>();
  private counts = { processed: 0, failed: 0 };
  private lastFile: string | null = null;
  private error: string | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly importPaths: (paths: string[]) => Promise<ProcessResult[]>) {}

  watch(folder: string | null): void {
    this.watcher?.close();
    this.watcher = null;
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
    this.folder = folder ? path.resolve(folder) : null;
    this.error = null;
    if (!this.folder) return;
    try {
      // Files already there count as seen: only new arrivals are imported.
      for (const name of fs.readdirSync(this.folder)) this.seen.add(path.join(this.folder, name));
      this.watcher = fs.watch(this.folder, (_event, name) => name && this.schedule(path.join(this.folder!, name.toString())));
      this.watcher.on('error', (err) => (this.error = err.message));
    } catch (err) {
      this.error = (err as Error).message;
    }
  }

  status() {
    return { folder: this.folder, ...this.counts, lastFile: this.lastFile, error: this.error };
  }

  private schedule(file: string): void {
    if (this.seen.has(file)) return;
    clearTimeout(this.pending.get(file));
    this.pending.set(
      file,
      setTimeout(() => {
        this.pending.delete(file);
        if (!fs.existsSync(file) || !fs.statSync(file).isFile()) return;
        this.seen.add(file);
        this.queue = this.queue.then(async () => {
          try {
            for (const r of await this.importPaths([file])) this.counts[r.status === 'failed' ? 'failed' : 'processed'] += 1;
            this.lastFile = path.basename(file);
          } catch (err) {
            this.error = (err as Error).message;
          }
        });
      }, SETTLE_MS),
    );
  }
}
