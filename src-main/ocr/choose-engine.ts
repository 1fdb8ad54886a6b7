import type { ExecutionProviderChoice } from '../ml/execution-providers.ts';
import type { OcrEngine } from './ocr-engine.ts';
import { createOnnxOcrEngine } from './onnx/onnx-ocr-engine.ts';
import { SECOND_READINGS, withSecondReader, type SecondReadingScope } from './second-reader.ts';
import { createTesseractEngine, tesseractEngineId } from './tesseract-pool.ts';

export const OCR_ENGINES = ['onnx', 'tesseract', 'auto'] as const;
/** 'auto': PP-OCRv4 on ONNX Runtime (with tesseract.js as a second reading of page-shaped scans), tesseract.js alone when it cannot start. */
export type OcrEngineChoice = (typeof OCR_ENGINES)[number];

/** The environment variable behind `--ocr-engine`. */
export const OCR_ENGINE_ENV = 'COUNTERSIGN_OCR_ENGINE';

export function parseOcrEngine(value: string): OcrEngineChoice {
  const v = value.trim().toLowerCase();
  if ((OCR_ENGINES as readonly string[]).includes(v)) return v as OcrEngineChoice;
  throw new Error(`Unknown OCR engine "${value}"; use one of ${OCR_ENGINES.join(', ')}`);
}

export function ocrEngineSetting(env: NodeJS.ProcessEnv = process.env): OcrEngineChoice {
  const v = env[OCR_ENGINE_ENV];
  return v ? parseOcrEngine(v) : 'auto';
}

/** The environment variable behind `--second-reading`. */
export const SECOND_READING_ENV = 'COUNTERSIGN_SECOND_READING';

export function parseSecondReading(value: string): SecondReadingScope {
  const v = value.trim().toLowerCase();
  if ((SECOND_READINGS as readonly string[]).includes(v)) return v as SecondReadingScope;
  throw new Error(`Unknown second reading "${value}"; use one of ${SECOND_READINGS.join(', ')}`);
}

/** Default 'pages': tesseract.js also reads page-shaped scans, where it finds words PP-OCR misses. */
export function secondReadingSetting(env: NodeJS.ProcessEnv = process.env): SecondReadingScope {
  const v = env[SECOND_READING_ENV];
  return v ? parseSecondReading(v) : 'pages';
}

export interface StartOcrOptions {
  engine: OcrEngineChoice;
  /** Pages read at once. */
  workers: number;
  executionProvider?: ExecutionProviderChoice;
  /** tesseract.js only: read each page twice (automatic layout and one block). */
  secondReading?: boolean;
  /** 'auto' only: which scans tesseract.js reads too, as a second reading beside PP-OCR's; default the COUNTERSIGN_SECOND_READING setting, else 'pages'. */
  secondReader?: SecondReadingScope;
  onWarning?: (message: string) => void;
  /** ONNX only: the PP-OCR model folder (an installed model package); default the bundled one. */
  modelDir?: string;
}

/** The name a page records before the engine has started (LazyOcrEngine shows the real one after). */
export function plannedEngineName(engine: OcrEngineChoice): string {
  return engine === 'tesseract' ? 'tesseract.js' : 'ppocr-v4/onnxruntime';
}

export async function startOcrEngine(opts: StartOcrOptions): Promise<OcrEngine> {
  const tesseract = () => createTesseractEngine({ workers: opts.workers, secondReading: opts.secondReading ?? false });
  if (opts.engine === 'tesseract') return tesseract();
  const onnx = () =>
    createOnnxOcrEngine({ workers: opts.workers, ...(opts.modelDir ? { modelDir: opts.modelDir } : {}), ...(opts.executionProvider ? { executionProvider: opts.executionProvider } : {}), ...(opts.onWarning ? { onWarning: opts.onWarning } : {}) });
  if (opts.engine === 'onnx') return onnx();
  let main: OcrEngine;
  try {
    main = await onnx();
  } catch (err) {
    opts.onWarning?.(`OCR: the ONNX engine could not start (${err instanceof Error ? err.message : String(err)}); using tesseract.js`);
    return tesseract();
  }
  const scope = opts.secondReader ?? secondReadingSetting();
  if (scope === 'off') return main;
  // One reading per engine: tesseract's own second layout analysis would only slow the pages it reads. Page-shaped
  // scans are the few in a receipt inbox: one tesseract worker for them keeps peak memory under the 1.5 GiB target.
  const secondEngine = () => createTesseractEngine({ workers: scope === 'all' ? opts.workers : 1 });
  return withSecondReader({ main, secondId: tesseractEngineId(), startSecond: secondEngine, scope, ...(opts.onWarning ? { onWarning: opts.onWarning } : {}) });
}
