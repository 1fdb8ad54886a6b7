/**
 * An OCR engine that remembers what it read: results are kept in a folder, one JSON file per image,
 * keyed by the image's pixels, the inner engine's name and version, and how it reads that image. Evaluation and calibration
 * rerun the whole corpus after every change to extraction or policy; with this they OCR each page
 * once. A changed OCR engine (another name or version) reads every page afresh.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { OcrEngine, OcrImage, OcrResult } from './ocr-engine.ts';

/** Bump when the stored shape changes, so old entries are ignored rather than misread. */
const CACHE_FORMAT = 1;

export function ocrCacheKey(engine: Pick<OcrEngine, 'name' | 'version' | 'readingKey'>, image: OcrImage): string {
  const h = createHash('sha256');
  // Only an image read another way than usual adds its reading: a change to one kind of page keeps the others' entries.
  const reading = engine.readingKey?.(image) ?? '';
  h.update(JSON.stringify([CACHE_FORMAT, engine.name, engine.version, image.format, image.width, image.height, image.dpi ?? null, ...(reading ? [reading] : [])]));
  h.update(image.data);
  return h.digest('hex');
}

export class CachedOcrEngine implements OcrEngine {
  hits = 0;
  misses = 0;

  constructor(
    private readonly inner: OcrEngine,
    private readonly dir: string,
  ) {
    fs.mkdirSync(dir, { recursive: true });
  }

  get name(): string {
    return this.inner.name;
  }

  get version(): string {
    return this.inner.version;
  }

  async recognize(image: OcrImage, opts?: { signal?: AbortSignal }): Promise<OcrResult> {
    const file = path.join(this.dir, `${ocrCacheKey(this.inner, image)}.json`);
    const cached = readEntry(file);
    if (cached) {
      this.hits++;
      return cached;
    }
    const result = await this.inner.recognize(image, opts);
    this.misses++;
    // Written whole then renamed: a run killed mid-write leaves no half entry behind.
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(result));
    fs.renameSync(tmp, file);
    return result;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** A readable entry, or null (missing or unreadable entries are read again by the engine). */
function readEntry(file: string): OcrResult | null {
  try {
    const r = JSON.parse(fs.readFileSync(file, 'utf8')) as OcrResult;
    return Array.isArray(r.words) && typeof r.text === 'string' ? r : null;
  } catch {
    return null;
  }
}
