import type { OcrEngine, OcrImage } from '../ocr/ocr-engine.ts';

/** Starts the real OCR engine on the first page that needs it; a batch of digital PDFs never starts workers. */
export class LazyOcrEngine implements OcrEngine {
  private started: Promise<OcrEngine> | null = null;
  private real: OcrEngine | null = null;

  constructor(
    private readonly fallbackName: string,
    private readonly fallbackVersion: string,
    private readonly start: () => Promise<OcrEngine>,
  ) {}

  /** The real engine's id once it runs (e.g. "tesseract.js-7/eng-fast"), so pages record what read them. */
  get name(): string {
    return this.real?.name ?? this.fallbackName;
  }

  get version(): string {
    return this.real?.version ?? this.fallbackVersion;
  }

  get(): Promise<OcrEngine> {
    this.started ??= this.start().then((e) => (this.real = e));
    return this.started;
  }

  async recognize(image: OcrImage, opts?: { signal?: AbortSignal }) {
    return (await this.get()).recognize(image, opts);
  }

  async close(): Promise<void> {
    if (this.started) await (await this.started).close();
    this.started = null;
    this.real = null;
  }
}
