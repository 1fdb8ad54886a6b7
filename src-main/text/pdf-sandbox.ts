import { Worker } from 'node:worker_threads';
import { workerEntry } from '../config/app-root.ts';
import { PipelineError, type PipelineErrorCode } from '../pipeline/pipeline-error.ts';
import { TEXT_LIMITS } from './limits.ts';
import type { PdfPageReply, PdfRequest } from './pdf-worker.ts';

const BOOT = workerEntry('pdf-worker', new URL('./pdf-worker-boot.mjs', import.meta.url));
/** Readers kept warm between documents (starting one costs about a second); a stopped one is never reused. */
const MAX_IDLE = 2;
const idle: Worker[] = [];

function newWorker(heapMb: number): Worker {
  return new Worker(BOOT, { resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 64 }, stdout: false, stderr: false });
}

/** Starts a reader ahead of the first PDF, so the first document does not wait for it. */
export function warmPdfReader(): void {
  if (idle.length > 0) return;
  const w = newWorker(TEXT_LIMITS.pdfWorkerHeapMb);
  w.unref();
  w.once('error', () => idle.includes(w) && idle.splice(idle.indexOf(w), 1));
  w.once('exit', () => idle.includes(w) && idle.splice(idle.indexOf(w), 1));
  idle.push(w);
}

/**
 * One PDF open in a worker thread of its own, with a heap limit. A call that runs past its time is
 * answered with `timeout` and the worker is terminated (pdfjs cannot be interrupted in-thread: a
 * bomb inflating synchronously would hold the engine's thread and every timer on it); a worker that
 * runs out of memory answers `too_large`. Either way the document fails and the engine goes on.
 */
export class PdfSandbox {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private dead: PipelineError | null = null;

  private readonly onMessage = (m: { id: number; ok: boolean; value?: unknown; error?: { code: string; message: string } }) => {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.ok) p.resolve(m.value);
    else p.reject(new PipelineError(m.error!.code as PipelineErrorCode, m.error!.message));
  };
  private readonly onError = (err: Error & { code?: string }) => {
    this.fail(
      err.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? new PipelineError('too_large', `Reading the PDF needed more than ${this.heapMb} MiB of memory; it was stopped`)
        : new PipelineError('corrupt_pdf', `The PDF reader failed: ${err.message}`),
    );
  };
  private readonly onExit = () => this.fail(new PipelineError('internal', 'The PDF reader stopped'));
  private broken = false;

  private constructor(
    private readonly worker: Worker,
    private readonly heapMb: number,
  ) {
    worker.ref();
    worker.on('message', this.onMessage);
    worker.on('error', this.onError);
    worker.on('exit', this.onExit);
  }

  private fail(err: PipelineError): void {
    this.broken = true;
    this.dead ??= err;
    for (const p of this.pending.values()) p.reject(this.dead);
    this.pending.clear();
  }

  static async open(bytes: Uint8Array, opts: { timeoutMs: number; forDisplay?: boolean; heapMb?: number }): Promise<{ sandbox: PdfSandbox; numPages: number; engine: string }> {
    const heapMb = opts.heapMb ?? TEXT_LIMITS.pdfWorkerHeapMb;
    const worker = (heapMb === TEXT_LIMITS.pdfWorkerHeapMb ? idle.pop() : undefined) ?? newWorker(heapMb);
    worker.removeAllListeners('error').removeAllListeners('exit');
    const sandbox = new PdfSandbox(worker, heapMb);
    try {
      // A copy goes over: the caller's bytes stay usable.
      const r = (await sandbox.call({ op: 'open', bytes: bytes.slice(), forDisplay: opts.forDisplay ?? false }, opts.timeoutMs, 'Opening the PDF')) as { numPages: number; engine: string };
      return { sandbox, numPages: r.numPages, engine: r.engine };
    } catch (err) {
      await sandbox.close();
      throw err;
    }
  }

  page(pageNo: number, opts: { dpi: number; maxPagePixels: number; timeoutMs: number }): Promise<PdfPageReply> {
    return this.call({ op: 'page', pageNo, dpi: opts.dpi, maxPagePixels: opts.maxPagePixels }, opts.timeoutMs, `Page ${pageNo}`) as Promise<PdfPageReply>;
  }

  render(pageNo: number, width: number, timeoutMs: number): Promise<{ rgba: Uint8Array; width: number; height: number }> {
    return this.call({ op: 'render', pageNo, width }, timeoutMs, `Rendering page ${pageNo}`) as Promise<{ rgba: Uint8Array; width: number; height: number }>;
  }

  private call(req: PdfRequest, timeoutMs: number, what: string): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new PipelineError('timeout', `${what} took longer than ${Math.round(timeoutMs / 1000)} s; the PDF reader was stopped`));
        void this.worker.terminate();
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      const transfer = req.op === 'open' ? [req.bytes.buffer as ArrayBuffer] : [];
      this.worker.postMessage({ id, req }, transfer);
    });
  }

  /** Gives a healthy reader back to the pool (its document closed); a stopped or failed one is terminated. */
  async close(): Promise<void> {
    if (this.dead) {
      await this.worker.terminate();
      return;
    }
    const closed = this.broken ? false : await this.call({ op: 'close' }, 10_000, 'Closing the PDF').then(() => true, () => false);
    this.dead = new PipelineError('internal', 'The PDF reader was closed');
    this.worker.off('message', this.onMessage).off('error', this.onError).off('exit', this.onExit);
    if (closed && !this.broken && this.heapMb === TEXT_LIMITS.pdfWorkerHeapMb && idle.length < MAX_IDLE) {
      this.worker.unref();
      const w = this.worker;
      w.once('error', () => idle.includes(w) && idle.splice(idle.indexOf(w), 1));
      w.once('exit', () => idle.includes(w) && idle.splice(idle.indexOf(w), 1));
      idle.push(w);
    } else await this.worker.terminate();
  }
}
