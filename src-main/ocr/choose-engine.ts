import type { ExecutionProviderChoice } from '../ml/execution-providers.ts';
import type { OcrEngine } from './ocr-engine.ts';
import { createOnnxOcrEngine } from './onnx/onnx-ocr-engine.ts';
import { createTesseractEngine } from './tesseract-pool.ts';

export const OCR_ENGINES = ['onnx', 'tesseract', 'auto'] as const;
/** 'auto': PP-OCRv4 on ONNX Runtime, tesseract.js when it cannot start. */
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

export interface StartOcrOptions {
  engine: OcrEngineChoice;
  /** Pages read at once. */
  workers: number;
  executionProvider?: ExecutionProviderChoice;
  /** tesseract.js only: read each page twice (automatic layout and one block). */
  secondReading?: boolean;
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
  try {
    return await onnx();
  } catch (err) {
    opts.onWarning?.(`OCR: the ONNX engine could not start (${err instanceof Error ? err.message : String(err)}); using tesseract.js`);
    return tesseract();
  }
}
