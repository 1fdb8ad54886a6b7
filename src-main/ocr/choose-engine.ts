import { choiceSetting, parseChoice } from '../config/choice-setting.ts';
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

export const parseOcrEngine = (value: string): OcrEngineChoice => parseChoice(value, OCR_ENGINES, 'OCR engine');

export const ocrEngineSetting = (env: NodeJS.ProcessEnv = process.env): OcrEngineChoice => choiceSetting(env, OCR_ENGINE_ENV, parseOcrEngine, 'auto');

/** The environment variable behind `--second-reading`. */
export const SECOND_READING_ENV = 'COUNTERSIGN_SECOND_READING';

export const parseSecondReading = (value: string): SecondReadingScope => parseChoice(value, SECOND_READINGS, 'second reading');

/** Default 'pages': tesseract.js also reads page-shaped scans, where it finds words PP-OCR misses. */
export const secondReadingSetting = (env: NodeJS.ProcessEnv = process.env): SecondReadingScope => choiceSetting(env, SECOND_READING_ENV, parseSecondReading, 'pages');

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
