import type { OcrEngine, OcrImage } from '../ocr/ocr-engine.ts';

/** Starts the real OCR engine on the first page that needs it; a batch of digital PDFs never starts workers. */
export class LazyOcrEngine implements OcrEngine {
  private started: Promise<OcrEngine> | null = null;

  constructor(
    readonly name: string,
    readonly version: string,
    private readonly start: () => Promise<OcrEngine>,
  ) {}

  get(): Promise<OcrEngine> {
    this.started ??= this.start();
    return this.started;
  }

  async recognize(image: OcrImage, opts?: { signal?: AbortSignal }) {
    return (await this.get()).recognize(image, opts);
  }

  async close(): Promise<void> {
    if (this.started) await (await this.started).close();
    this.started = null;
  }
}
