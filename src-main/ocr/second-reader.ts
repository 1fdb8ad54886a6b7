/**
 * A second engine reading alongside the first: PP-OCRv4 reads every page, and on page-shaped
 * scans, where it recovers fewer of an invoice's words than tesseract does (OCR bench: 75.8% against
 * 90.3%), tesseract.js reads the page too. Its words become the page's second reading, which
 * extraction merges field by field (extract/merge-readings.ts). Till-roll receipts, which PP-OCR
 * reads better and which must stay fast, keep one reading.
 */
import type { OcrEngine, OcrImage, OcrResult } from './ocr-engine.ts';
import { planFor } from './onnx/reading-plan.ts';

export const SECOND_READINGS = ['off', 'pages', 'all'] as const;
/** Which scans the second engine also reads: none, page-shaped ones (A4, Letter), or every one. */
export type SecondReadingScope = (typeof SECOND_READINGS)[number];

export interface SecondReaderOptions {
  main: OcrEngine;
  /** The second engine's name and version before it starts: the OCR cache keys the pages it reads by them. */
  secondId: { name: string; version: string };
  /** Starts the second engine, on the first page that needs it. */
  startSecond: () => Promise<OcrEngine>;
  scope: Exclude<SecondReadingScope, 'off'>;
  onWarning?: (message: string) => void;
}

/** Page-shaped by the same rule that gives PP-OCR its page settings (onnx/reading-plan.ts). */
export const isPageShaped = (image: Pick<OcrImage, 'width' | 'height'>): boolean => planFor(image.width, image.height).name === 'page';

export function withSecondReader(opts: SecondReaderOptions): OcrEngine {
  const { main } = opts;
  const secondLabel = `${opts.secondId.name}@${opts.secondId.version}`;
  let second: Promise<OcrEngine | null> | null = null;
  let secondFailed = false;
  const wants = (image: Pick<OcrImage, 'width' | 'height'>) => !secondFailed && (opts.scope === 'all' || isPageShaped(image));
  const startSecond = () =>
    (second ??= opts.startSecond().catch((err: unknown) => {
      // The page is still read, by the main engine alone; later pages say so in their cache key.
      secondFailed = true;
      opts.onWarning?.(`OCR: ${opts.secondId.name} could not start for the second reading (${err instanceof Error ? err.message : String(err)}); reading with one engine`);
      return null;
    }));

  return {
    // Pages record the engine that made their main reading; the second one is named on the reading it made.
    get name() {
      return main.name;
    },
    get version() {
      return main.version;
    },
    get executionProvider() {
      return main.executionProvider;
    },
    get modelSha256() {
      return main.modelSha256;
    },
    readingKey(image) {
      const own = main.readingKey?.(image) ?? '';
      return wants(image) ? [own, `second:${secondLabel}`].filter(Boolean).join('+') : own;
    },
    async recognize(image: OcrImage, recognizeOpts?: { signal?: AbortSignal }): Promise<OcrResult> {
      if (!wants(image)) return main.recognize(image, recognizeOpts);
      // Both at once: each engine has its own workers, so the second reading costs little wall time where cores are free.
      const [first, other] = await Promise.all([main.recognize(image, recognizeOpts), startSecond().then((e) => e?.recognize(image, recognizeOpts) ?? null)]);
      // A page the main engine had to turn was read sideways by the other, which does not look: its words are noise.
      if (!other || first.rotation) return first;
      return { ...first, alternate: { words: other.words, text: other.text, meanConfidence: other.meanConfidence, engine: secondLabel } };
    },
    async close(): Promise<void> {
      const started = second ? await second : null;
      await Promise.all([main.close(), started?.close()]);
    },
  };
}
