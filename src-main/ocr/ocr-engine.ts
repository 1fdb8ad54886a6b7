import type { Word } from '../../src-shared/document-model.ts';

/**
 * An image handed to an OCR engine: an encoded PNG, or raw 8-bit grey pixels (row-major,
 * one byte a pixel, no padding). Width and height are the pixel size in both cases.
 */
export type OcrImage = (
  | { format: 'png'; data: Uint8Array; width: number; height: number }
  | { format: 'grey'; data: Uint8Array; width: number; height: number }
) & {
  /** Resolution of the pixels when known (a PDF rendered at 300 dpi); engines assume a scan's 300 otherwise. */
  dpi?: number;
};

export interface OcrResult {
  /** Boxes normalised to the image size (0..1, origin top-left); confidence 0..1. */
  words: Word[];
  /** Plain text in reading order, lines separated by "\n". */
  text: string;
  /** Mean word confidence, 0..1 (0 when no words were found). */
  meanConfidence: number;
  /** A second reading (another page segmentation, or another engine), when the engine was asked for one. */
  alternate?: Omit<OcrResult, 'alternate'> & {
    /** The engine that made it, as "name@version", when it is not the one that made the main reading. */
    engine?: string;
  };
  /** The model that read the page and the execution provider it ran on (engines with a model file). */
  model?: { sha256: string; executionProvider: string };
  /** How far the page was turned clockwise to read it upright (0, 90, 180 or 270), when the engine looks. */
  rotation?: number;
}

/** One OCR engine (PP-OCRv4 on ONNX Runtime, tesseract.js); the Text stage only sees this. */
export interface OcrEngine {
  /** Stable engine id recorded on each page, e.g. "tesseract.js-7/eng-fast". */
  readonly name: string;
  readonly version: string;
  /** Engines with a model: the provider its sessions run on ("cpu", "cuda", …) and the model's SHA-256. */
  readonly executionProvider?: string;
  readonly modelSha256?: string;
  /** How this image will be read beyond name and version ('' for the usual way), e.g. a page-shaped scan's own settings. */
  readingKey?(image: Pick<OcrImage, 'width' | 'height'>): string;
  recognize(image: OcrImage, opts?: { signal?: AbortSignal }): Promise<OcrResult>;
  close(): Promise<void>;
}
