import { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import * as ort from 'onnxruntime-node';
import { workerEntry } from '../../config/app-root.ts';
import { PipelineError } from '../../pipeline/pipeline-error.ts';
import { executionProviderSetting, type ExecutionProviderChoice, type ProviderAttempt } from '../../ml/execution-providers.ts';
import type { OcrEngine, OcrImage, OcrResult } from '../ocr-engine.ts';
import type { OcrWorkerData, OcrWorkerJob, OcrWorkerMessage, OcrWorkerReady } from './ocr-worker.ts';
import { BUNDLED_PPOCR_DIR } from './ppocr-model.ts';
import { ocrModelSetting, type OcrModelVariant } from './ocr-model-variant.ts';
import type { PageReading, ReaderOptions } from './ppocr-reader.ts';
import { planFor } from './reading-plan.ts';

export interface OnnxOcrEngineOptions {
  /** Pages read at once, each in its own worker thread (detection of one page overlaps recognition of another). Default 2. */
  workers?: number;
  /** Intra-op threads of each model session. Default 1: workers × threads is the cores OCR may use. */
  threads?: number;
  /** Default: the COUNTERSIGN_EXECUTION_PROVIDER setting, else 'auto'. */
  executionProvider?: ExecutionProviderChoice;
  modelDir?: string;
  /** Default: the COUNTERSIGN_OCR_MODEL setting, else fp32. */
  modelVariant?: OcrModelVariant;
  reader?: Partial<ReaderOptions>;
  /** A provider that was skipped or dropped, with why (e.g. "cuda could not load: …"). */
  onWarning?: (message: string) => void;
}

export const ONNX_ENGINE_PREFIX = 'ppocr-v4/onnxruntime';

interface Slot {
  worker: Worker;
  busy: Job | null;
  /** Settles when the worker has no page in flight. */
  idle: Promise<void>;
  markIdle: () => void;
}

interface Job {
  id: number;
  image: { data: Uint8Array; width: number; height: number };
  resolve: (r: PageReading) => void;
  reject: (e: unknown) => void;
}

/**
 * PP-OCRv4 on onnxruntime-node in a small pool of worker threads: inference blocks the thread it
 * runs on, so pages are read off the main thread, one per worker, at most `workers × threads` cores.
 */
export async function createOnnxOcrEngine(opts: OnnxOcrEngineOptions = {}): Promise<OcrEngine> {
  const workerCount = Math.max(1, opts.workers ?? 2);
  const data: OcrWorkerData = {
    modelDir: opts.modelDir ?? BUNDLED_PPOCR_DIR,
    modelVariant: opts.modelVariant ?? ocrModelSetting(),
    executionProvider: opts.executionProvider ?? executionProviderSetting(),
    threads: Math.max(1, opts.threads ?? 1),
    ...(opts.reader ? { reader: opts.reader } : {}),
  };
  const warned = new Set<string>();
  const warn = (a: ProviderAttempt) => {
    const message = `OCR: execution provider ${a.provider} ${a.error}; falling back`;
    if (warned.has(message)) return;
    warned.add(message);
    opts.onWarning?.(message);
  };

  const queue: Job[] = [];
  const slots: Slot[] = [];
  let nextId = 1;
  let closed = false;
  let info: OcrWorkerReady | null = null;

  const spawn = (): Promise<Slot> =>
    new Promise((resolve, reject) => {
      const worker = new Worker(workerEntry('ocr-worker', new URL('./ocr-worker.mjs', import.meta.url)), { workerData: data });
      const slot: Slot = { worker, busy: null, idle: Promise.resolve(), markIdle: () => {} };
      let ready = false;
      worker.on('message', (m: OcrWorkerMessage) => {
        if (m.type === 'ready') {
          ready = true;
          info = m;
          resolve(slot);
        } else if (m.type === 'failed') {
          reject(new PipelineError('ocr_failed', `Could not start the OCR engine: ${m.message}`));
          void worker.terminate();
        } else if (m.type === 'fallback') {
          warn(m.attempt);
        } else if (slot.busy && slot.busy.id === m.id) {
          const job = slot.busy;
          slot.busy = null;
          slot.markIdle();
          if (m.type === 'result') job.resolve(m.reading);
          else job.reject(new PipelineError('ocr_failed', `OCR failed: ${m.message}`));
          pump();
        }
      });
      const die = (err: unknown) => {
        if (!ready) {
          reject(new PipelineError('ocr_failed', `Could not start the OCR engine: ${errorText(err)}`, { cause: err }));
          return;
        }
        // A crashed worker fails its page, not the engine: a fresh one takes its place.
        const i = slots.indexOf(slot);
        if (i >= 0) slots.splice(i, 1);
        slot.busy?.reject(new PipelineError('ocr_failed', `OCR worker stopped: ${errorText(err)}`, { cause: err }));
        slot.busy = null;
        slot.markIdle();
        if (!closed) {
          spawn().then(
            (s) => {
              slots.push(s);
              pump();
            },
            (e: unknown) => {
              for (const job of queue.splice(0)) job.reject(e);
            },
          );
        }
      };
      worker.on('error', die);
      worker.on('exit', (code) => {
        if (!closed) die(new Error(`exit code ${code}`));
      });
    });

  const pump = () => {
    for (const slot of slots) {
      if (slot.busy || queue.length === 0) continue;
      const job = queue.shift()!;
      slot.busy = job;
      slot.idle = new Promise((resolve) => (slot.markIdle = resolve));
      const msg: OcrWorkerJob = { id: job.id, ...job.image };
      slot.worker.postMessage(msg, [msg.data.buffer as ArrayBuffer]);
    }
  };

  try {
    const started = await Promise.allSettled(Array.from({ length: workerCount }, spawn));
    for (const s of started) if (s.status === 'fulfilled') slots.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (err) {
    closed = true;
    await Promise.all(slots.map((s) => s.worker.terminate()));
    throw err;
  }
  const ready = info as unknown as OcrWorkerReady;
  const providerOf = [...new Set(Object.values(ready.providers))].join('+');

  return {
    // A variant other than the published fp32 models shows in the engine name each page records.
    name: `${ONNX_ENGINE_PREFIX}-${ort.env.versions.common}${ready.variant === 'fp32' ? '' : `+${ready.variant}`}`,
    version: ready.version,
    readingKey(image) {
      // Settings forced on the engine override every plan (and are part of its version already).
      if (opts.reader && Object.keys(opts.reader).length > 0) return '';
      const plan = planFor(image.width, image.height);
      return plan.name === 'default' ? '' : (plan.key ?? plan.name);
    },
    async recognize(image: OcrImage, recognizeOpts?: { signal?: AbortSignal }): Promise<OcrResult> {
      if (closed) throw new PipelineError('ocr_failed', 'The OCR engine is closed');
      const signal = recognizeOpts?.signal;
      if (signal?.aborted) throw new PipelineError('timeout', 'OCR was stopped before it started');
      const grey = await toGrey(image);
      const reading = await new Promise<PageReading>((resolve, reject) => {
        const job: Job = { id: nextId++, image: grey, resolve, reject };
        const onAbort = () => {
          // A queued page is dropped; a running one finishes in its worker and is ignored.
          const i = queue.indexOf(job);
          if (i >= 0) queue.splice(i, 1);
          reject(new PipelineError('timeout', `OCR was stopped: ${errorText(signal?.reason)}`));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        job.resolve = (r) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(r);
        };
        job.reject = (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        };
        queue.push(job);
        pump();
      });
      return {
        words: reading.words,
        text: reading.text,
        meanConfidence: reading.meanConfidence,
        model: { sha256: ready.sha256, executionProvider: reading.executionProvider },
        rotation: reading.rotation,
      };
    },
    get executionProvider() {
      return providerOf;
    },
    get modelSha256() {
      return ready.sha256;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      for (const job of queue.splice(0)) job.reject(new PipelineError('ocr_failed', 'The OCR engine was closed'));
      // A page still being read (one whose caller gave up) is let finish: stopping a worker while
      // ONNX Runtime runs in it aborts the whole process.
      await Promise.all(slots.map((s) => s.idle));
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}

/** The worker gets its own copy of raw grey pixels (it takes ownership of the buffer). */
async function toGrey(image: OcrImage): Promise<{ data: Uint8Array; width: number; height: number }> {
  const { width, height } = image;
  if (image.format === 'grey') {
    if (image.data.length !== width * height) {
      throw new PipelineError('ocr_failed', `Grey image has ${image.data.length} bytes, expected ${width}x${height}`);
    }
    return { data: new Uint8Array(image.data), width, height };
  }
  try {
    const { data, info } = await sharp(image.data, { limitInputPixels: 1 << 28 }).flatten({ background: '#ffffff' }).greyscale().extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, info.width * info.height).slice(), width: info.width, height: info.height };
  } catch (err) {
    throw new PipelineError('ocr_failed', `OCR could not decode the image: ${errorText(err)}`, { cause: err });
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : JSON.stringify(err);
}
