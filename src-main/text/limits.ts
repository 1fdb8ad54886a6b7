import { PipelineError } from '../pipeline/pipeline-error.ts';

/** Resolution and size bounds of the Text stage; each keeps one page well under 2 GiB of memory. */
export const TEXT_LIMITS = {
  /** PDF pages are rendered for OCR at this resolution unless a bound below is lower. */
  dpi: 300,
  /** Longest side of any rendered or decoded page, in pixels. */
  maxSide: 6000,
  /** Pixels of a page handed to OCR (A3 at 300 dpi is 17.4 M). */
  maxPagePixels: 24_000_000,
  /** Embedded PDF images larger than this are left out of the render (a 35000 px JBIG2 scan). */
  maxPdfImagePixels: 64_000_000,
  /** Input images above this are refused: decoding them takes too long even when streamed. */
  maxImagePixels: 25_000 * 25_000,
  /** Default cap on pages; longer documents are refused before any work. */
  maxPages: 500,
  /** Heap of the worker thread a PDF is read in; past it the document fails with `too_large`. */
  pdfWorkerHeapMb: 1536,
  /** One page (render, decode, OCR) may take this long. */
  pageTimeoutMs: 90_000,
  /** A page with fewer real characters than this in its text layer is OCR'd as well. */
  minTextLayerChars: 20,
} as const;

/** Scale that fits width x height (at scale 1) inside the side and pixel bounds, never above `wanted`. */
export function boundedScale(width: number, height: number, wanted: number, maxSide: number, maxPixels: number): number {
  const bySide = maxSide / Math.max(width, height, 1);
  const byArea = Math.sqrt(maxPixels / Math.max(width * height, 1));
  return Math.min(wanted, bySide, byArea);
}

/** Rejects with `timeout` after `ms`, or with the signal's reason when the caller aborts. */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string, signal?: AbortSignal): Promise<T> {
  throwIfStopped(signal, what);
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PipelineError('timeout', `${what} took longer than ${Math.round(ms / 1000)} s`)), ms);
    onAbort = () => reject(new PipelineError('timeout', `${what} was stopped`));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, stop]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

export function throwIfStopped(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new PipelineError('timeout', `${what} was stopped`);
}
