import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { candidateProviders, ResilientSession, type ExecutionProviderChoice, type ProviderAttempt } from '../../ml/execution-providers.ts';
import type { OcrModelVariant } from './ocr-model-variant.ts';
import { loadPpOcrModel } from './ppocr-model.ts';
import { PpOcrReader, READER_DEFAULTS, READER_REVISION, type PageReading, type ReaderOptions } from './ppocr-reader.ts';
import { planFor, type ReadingPlan } from './reading-plan.ts';

/** What the engine hands each worker at start. */
export interface OcrWorkerData {
  modelDir: string;
  modelVariant: OcrModelVariant;
  executionProvider: ExecutionProviderChoice;
  /** Intra-op threads for each model session. */
  threads: number;
  reader?: Partial<ReaderOptions>;
}

export type OcrWorkerReady = {
  type: 'ready';
  name: string;
  version: string;
  variant: OcrModelVariant;
  sha256: string;
  /** Provider each model runs on after the self-test, and what was tried before it. */
  providers: Record<'det' | 'cls' | 'rec', string>;
  attempts: ProviderAttempt[];
};
export type OcrWorkerMessage =
  | OcrWorkerReady
  | { type: 'failed'; message: string }
  | { type: 'fallback'; attempt: ProviderAttempt }
  | { type: 'result'; id: number; reading: PageReading }
  | { type: 'error'; id: number; message: string };
export type OcrWorkerJob = { id: number; data: Uint8Array; width: number; height: number };

const port = parentPort!;
const config = workerData as OcrWorkerData;
const post = (m: OcrWorkerMessage) => port.postMessage(m);

async function start(): Promise<(plan: ReadingPlan) => PpOcrReader> {
  const model = await loadPpOcrModel(config.modelDir, config.modelVariant);
  const providers = candidateProviders(config.executionProvider);
  // A GPU provider that cannot load prints a native error before we fall back; our warning says it once.
  if (providers.some((p) => p !== 'cpu')) ort.env.logLevel = 'fatal';
  const attempts: ProviderAttempt[] = [];
  const onFallback = (attempt: ProviderAttempt) => post({ type: 'fallback', attempt });
  // Self-test input: a small page-like pattern, enough to catch a provider that loads but computes garbage.
  const pattern = (c: number, h: number, w: number) => {
    const a = new Float32Array(c * h * w);
    for (let i = 0; i < a.length; i++) a[i] = Math.sin(i * 0.37) * 0.8;
    return new ort.Tensor('float32', a, [1, c, h, w]);
  };
  const open = async (bytes: Uint8Array, feeds: Record<string, ort.Tensor>) => {
    const s = await ResilientSession.create(bytes, { providers, threads: config.threads, selfTest: { feeds, tolerance: 1e-2 }, onFallback });
    attempts.push(...s.attempts);
    return s;
  };
  const det = await open(model.det, { x: pattern(3, 64, 64) });
  const cls = await open(model.cls, { x: pattern(3, 48, 192) });
  const rec = await open(model.rec, { x: pattern(3, 48, 64) });
  const options = { ...READER_DEFAULTS, ...config.reader };
  // Settings other than the defaults read pages differently: the version says so (the OCR cache keys on it).
  const changed = Object.entries(config.reader ?? {}).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(READER_DEFAULTS[k as keyof ReaderOptions]));
  const version = `${model.version}/reader-${READER_REVISION}${changed.length ? `+${JSON.stringify(Object.fromEntries(changed))}` : ''}`;
  post({ type: 'ready', name: model.name, version, variant: model.variant, sha256: model.sha256, providers: { det: det.provider, cls: cls.provider, rec: rec.provider }, attempts });
  const sessions = { det, cls, rec, charset: model.charset };
  const readers = new Map<string, PpOcrReader>();
  // A plan's settings apply over the defaults; settings the engine was given apply over both.
  return (plan) => {
    let r = readers.get(plan.name);
    if (!r) readers.set(plan.name, (r = new PpOcrReader(sessions, { ...options, ...plan.reader, ...config.reader })));
    return r;
  };
}

start().then(
  (readerFor) => {
    port.on('message', (job: OcrWorkerJob) => {
      readerFor(planFor(job.width, job.height)).read({ data: job.data, width: job.width, height: job.height }).then(
        (reading) => post({ type: 'result', id: job.id, reading }),
        (err: unknown) => post({ type: 'error', id: job.id, message: err instanceof Error ? err.message : String(err) }),
      );
    });
  },
  (err: unknown) => post({ type: 'failed', message: err instanceof Error ? err.message : String(err) }),
);
