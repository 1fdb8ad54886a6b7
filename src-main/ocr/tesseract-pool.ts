import { createRequire } from 'node:module';
import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { createScheduler, createWorker, OEM, PSM, type Page, type Worker } from 'tesseract.js';
import type { Word } from '../../src-shared/document-model.ts';
import { PipelineError } from '../pipeline/pipeline-error.ts';
import type { OcrEngine, OcrImage, OcrResult } from './ocr-engine.ts';

// Not named `require`: the bundler declares its own in the built engine host.
const requireFromHere = createRequire(import.meta.url);

export type Traineddata = 'fast' | 'best_int';

export interface TesseractEngineOptions {
  /** Worker threads in the pool; default: the machine's cores. */
  workers?: number;
  /** Folder holding eng.traineddata.gz; default: the @tesseract.js-data/eng package. */
  langPath?: string;
  /** Which bundled model: 'best_int' (4.0.0_best_int, LSTM only: the default, smallest and as accurate) or 'fast' (4.0.0, LSTM + legacy). */
  traineddata?: Traineddata;
  /** Where tesseract.js caches the unzipped model; default: a folder under the OS temp dir. */
  cachePath?: string;
  /** Page segmentation mode; default AUTO (3), measured best on receipts and invoices. */
  psm?: PSM;
  /**
   * Also read every page as one uniform block (PSM 6) and return it as `alternate`. Doubles OCR
   * time; on receipts each reading gets different fields right (dates especially), and extraction
   * picks per field.
   */
  secondReading?: boolean;
  /** Extra tesseract parameters (e.g. thresholding_method), set once on each worker. */
  parameters?: Record<string, string>;
}

const DEFAULT_DPI = 300;
const TRAINEDDATA_DIRS: Record<Traineddata, string> = { fast: '4.0.0', best_int: '4.0.0_best_int' };

/** The local folder with eng.traineddata.gz for a model, never a URL: OCR must not touch the network. */
export function localLangPath(traineddata: Traineddata = 'fast'): string {
  const pkgDir = path.dirname(requireFromHere.resolve('@tesseract.js-data/eng/package.json'));
  return path.join(pkgDir, TRAINEDDATA_DIRS[traineddata]);
}

function tesseractVersion(): string {
  return (requireFromHere('tesseract.js/package.json') as { version: string }).version;
}

/** The name and version a tesseract engine with this model will report, known before any worker starts. */
export function tesseractEngineId(traineddata: Traineddata = 'best_int'): { name: string; version: string } {
  const version = tesseractVersion();
  return { name: `tesseract.js-${version.split('.')[0]}/eng-${traineddata}`, version };
}

/** Fewer words than this on a page makes the layout analysis suspect (see recognize). */
const FEW_WORDS = 25;
const goodWords = (r: OcrResult) => r.words.filter((w) => w.confidence >= 0.6).length;

/** A pool of tesseract.js workers behind one scheduler; each job goes to the next idle worker. */
export async function createTesseractEngine(opts: TesseractEngineOptions = {}): Promise<OcrEngine> {
  const traineddata = opts.traineddata ?? 'best_int';
  const langPath = path.resolve(opts.langPath ?? localLangPath(traineddata));
  const modelFile = path.join(langPath, 'eng.traineddata.gz');
  // tesseract.js downloads from a CDN when the file is missing or langPath looks like a URL; refuse instead.
  if (!existsSync(modelFile)) {
    throw new PipelineError('ocr_failed', `OCR model not found at ${modelFile}; reinstall @tesseract.js-data/eng`);
  }
  // The cache holds the unzipped model under a fixed name, so each model needs its own folder.
  const cachePath = opts.cachePath ?? path.join(tmpdir(), 'countersign-tesseract', `eng-${traineddata}-${path.basename(langPath)}`);
  mkdirSync(cachePath, { recursive: true });
  const workerCount = Math.max(1, opts.workers ?? availableParallelism());
  const psm = opts.psm ?? PSM.AUTO;

  const scheduler = createScheduler();
  const workers: Worker[] = [];
  try {
    const created = await Promise.all(
      Array.from({ length: workerCount }, () =>
        createWorker('eng', OEM.LSTM_ONLY, {
          langPath,
          cachePath,
          gzip: true,
          workerPath: requireFromHere.resolve('tesseract.js/src/worker-script/node/index.js'),
          corePath: path.dirname(requireFromHere.resolve('tesseract.js-core/package.json')),
          logger: () => {},
          errorHandler: () => {},
        }),
      ),
    );
    for (const worker of created) {
      workers.push(worker);
      // debug_file: tesseract's progress notes ("Detected 88 diacritics") would otherwise go to stderr.
      await worker.setParameters({ debug_file: '/dev/null', ...opts.parameters, tessedit_pageseg_mode: psm });
      scheduler.addWorker(worker);
    }
  } catch (err) {
    await scheduler.terminate().catch(() => {});
    await Promise.all(workers.map((w) => w.terminate().catch(() => {})));
    throw new PipelineError('ocr_failed', `Could not start the OCR engine: ${errorText(err)}`, { cause: err });
  }

  let closed = false;
  return {
    ...tesseractEngineId(traineddata),
    async recognize(image: OcrImage, recognizeOpts?: { signal?: AbortSignal }): Promise<OcrResult> {
      if (closed) throw new PipelineError('ocr_failed', 'The OCR engine is closed');
      const signal = recognizeOpts?.signal;
      if (signal?.aborted) throw new PipelineError('timeout', 'OCR was stopped before it started');
      // Without a resolution tesseract guesses one from the text height; telling it the scan's (or 300) reads better.
      const dpi = String(Math.round(Math.min(1200, Math.max(70, image.dpi ?? DEFAULT_DPI))));
      const run = async (params: Record<string, string>) => {
        const job = scheduler.addJob('recognize', Buffer.from(encodeForTesseract(image)), { user_defined_dpi: dpi, ...params } as never, { text: true, blocks: true });
        // tesseract.js cannot cancel a running job: on abort the caller moves on and the worker finishes in the background.
        const page = await raceAbort(job, signal).catch((err: unknown) => {
          if (err instanceof PipelineError) throw err;
          throw new PipelineError('ocr_failed', `OCR failed: ${errorText(err)}`, { cause: err });
        });
        return pageToResult(page.data, image.width, image.height);
      };
      const first = await run({});
      const wantSecond = psm !== PSM.SINGLE_BLOCK && (opts.secondReading || first.words.length < FEW_WORDS);
      if (!wantSecond) return first;
      const second = await run({ tessedit_pageseg_mode: PSM.SINGLE_BLOCK });
      // Automatic layout analysis sometimes finds a single block on a faint or stamped receipt and
      // reads almost nothing: then the block reading becomes the page's text.
      const [main, other] = first.words.length < FEW_WORDS && goodWords(second) > goodWords(first) ? [second, first] : [first, second];
      return opts.secondReading ? { ...main, alternate: other } : main;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await scheduler.terminate();
    },
  };
}

/** Raw grey pixels become a binary PGM, which leptonica reads without any decoding cost. */
function encodeForTesseract(image: OcrImage): Uint8Array {
  if (image.format === 'png') return image.data;
  const { width, height, data } = image;
  if (data.length !== width * height) {
    throw new PipelineError('ocr_failed', `Grey image has ${data.length} bytes, expected ${width}x${height}`);
  }
  const header = Buffer.from(`P5\n${width} ${height}\n255\n`, 'ascii');
  return Buffer.concat([header, data]);
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new PipelineError('timeout', `OCR was stopped: ${errorText(signal.reason)}`));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function pageToResult(page: Page, width: number, height: number): OcrResult {
  const words: Word[] = [];
  const lines: string[] = [];
  let lineNo = 0;
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  for (const block of page.blocks ?? []) {
    for (const para of block.paragraphs) {
      for (const line of para.lines) {
        const lineWords: string[] = [];
        for (const w of line.words) {
          const text = w.text.trim();
          if (!text) continue;
          words.push({
            text,
            box: [clamp(w.bbox.x0 / width), clamp(w.bbox.y0 / height), clamp(w.bbox.x1 / width), clamp(w.bbox.y1 / height)],
            confidence: clamp(w.confidence / 100),
            line: lineNo,
          });
          lineWords.push(text);
        }
        if (lineWords.length > 0) {
          lines.push(lineWords.join(' '));
          lineNo++;
        }
      }
    }
  }
  const meanConfidence = words.length ? words.reduce((s, w) => s + w.confidence, 0) / words.length : 0;
  return { words, text: lines.join('\n'), meanConfidence };
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : JSON.stringify(err);
}
