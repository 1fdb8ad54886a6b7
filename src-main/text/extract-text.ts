import sharp from 'sharp';
import type { PageText, TextSource, Word } from '../../src-shared/document-model.ts';
import { PipelineError } from '../pipeline/pipeline-error.ts';
import type { OcrEngine, OcrResult } from '../ocr/ocr-engine.ts';
import { decodeImageGrey, readImageInfo, renderImagePng } from './image-decode.ts';
import { TEXT_LIMITS, throwIfStopped, withTimeout } from './limits.ts';
import { pdfjsEngineName } from './pdf-document.ts';
import { PdfSandbox } from './pdf-sandbox.ts';
import { orderByRows } from './reading-order.ts';
import { sniffKind, type DocumentKind } from './sniff.ts';

export type TextInputMime = 'application/pdf' | 'image/png' | 'image/jpeg' | 'image/tiff';

export interface TextInput {
  bytes: Uint8Array;
  /** What the caller believes the file is; the bytes decide. */
  mime: TextInputMime;
}

export interface ExtractTextOptions {
  ocr: OcrEngine;
  /** Documents with more pages are refused with `too_many_pages` before any page is read. Default 500. */
  maxPages?: number;
  /** Resolution PDF pages are rendered at for OCR. Default 300. */
  dpi?: number;
  /** Upper bound on the pixels of one page handed to OCR; larger pages are scaled down. Default 24 M. */
  maxPagePixels?: number;
  /** Time one page may take (read, render or decode, OCR). Default 90 s. */
  pageTimeoutMs?: number;
  signal?: AbortSignal;
  onPage?: (done: number, total: number) => void;
}

export interface ExtractedText {
  /** 'ocr' when any page was OCR'd. */
  source: TextSource;
  /** The OCR engine's name when any page was OCR'd, else the PDF reader's (e.g. "pdfjs-5.6.205"). */
  engine: string;
  pages: PageText[];
}

/** Pages in flight at once: one being rendered or decoded while another is in OCR. */
const PAGE_CONCURRENCY = 2;

/**
 * The Text stage: a PDF's own text layer where it holds real text, OCR of the rendered page or
 * image otherwise. Bad input fails with a PipelineError carrying a stable code.
 */
export async function extractText(input: TextInput, opts: ExtractTextOptions): Promise<ExtractedText> {
  const kind = detectKind(input);
  const pages = kind === 'pdf' ? await extractPdf(input.bytes, opts) : await extractImage(input.bytes, kind, opts);
  const ocrUsed = pages.some((p) => p.source === 'ocr');
  return { source: ocrUsed ? 'ocr' : 'pdf_text', engine: ocrUsed ? opts.ocr.name : await pdfjsEngineName(), pages };
}

/** Pages in a PDF or image (multi-page TIFF); 1 for a PNG or JPEG. */
export async function pageCount(input: TextInput): Promise<number> {
  const kind = detectKind(input);
  if (kind !== 'pdf') return imagePages(kind, await readImageInfo(input.bytes));
  const { sandbox, numPages } = await PdfSandbox.open(input.bytes, { timeoutMs: TEXT_LIMITS.pageTimeoutMs });
  await sandbox.close();
  return numPages;
}

/** A page (1-based) as a PNG at most `maxWidth` px wide, for the UI. */
export async function renderPageImage(input: TextInput, pageNo: number, maxWidth: number): Promise<{ png: Buffer; width: number; height: number }> {
  const kind = detectKind(input);
  if (!Number.isInteger(pageNo) || pageNo < 1) throw new PipelineError('no_pages', `Page ${pageNo} does not exist`);
  const width = Math.max(1, Math.min(Math.floor(maxWidth), TEXT_LIMITS.maxSide));
  if (kind !== 'pdf') {
    const pages = imagePages(kind, await readImageInfo(input.bytes));
    if (pageNo > pages) throw new PipelineError('no_pages', `Page ${pageNo} does not exist; the image has ${pages}`);
    return renderImagePng(input.bytes, pageNo - 1, width);
  }
  const { sandbox, numPages } = await PdfSandbox.open(input.bytes, { timeoutMs: TEXT_LIMITS.pageTimeoutMs, forDisplay: true });
  try {
    if (pageNo > numPages) throw new PipelineError('no_pages', `Page ${pageNo} does not exist; the PDF has ${numPages}`);
    const rendered = await sandbox.render(pageNo, width, TEXT_LIMITS.pageTimeoutMs);
    const png = await sharp(Buffer.from(rendered.rgba.buffer, rendered.rgba.byteOffset, rendered.rgba.byteLength), {
      raw: { width: rendered.width, height: rendered.height, channels: 4 },
    })
      .removeAlpha()
      .png({ compressionLevel: 6 })
      .toBuffer();
    return { png, width: rendered.width, height: rendered.height };
  } finally {
    await sandbox.close();
  }
}

/** Only TIFF carries pages we read; an animated PNG is read as its first frame. */
function imagePages(kind: Exclude<DocumentKind, 'pdf'>, info: { pages: number }): number {
  return kind === 'tiff' ? info.pages : 1;
}

function detectKind(input: TextInput): DocumentKind {
  if (input.bytes.length === 0) throw new PipelineError('empty_file', 'The file is empty (0 bytes)');
  const kind = sniffKind(input.bytes);
  if (kind) return kind;
  if (input.mime === 'application/pdf') {
    throw new PipelineError('corrupt_pdf', 'The file is named as a PDF but has no PDF header; it is damaged or not a PDF');
  }
  throw new PipelineError('unsupported_type', `The file is not a PDF, PNG, JPEG or TIFF (it was given as ${input.mime})`);
}

function checkPageCount(total: number, maxPages: number): void {
  if (total < 1) throw new PipelineError('no_pages', 'The document has no pages');
  if (total > maxPages) {
    throw new PipelineError('too_many_pages', `The document has ${total} pages; the limit is ${maxPages}. Split it and add the parts.`);
  }
}

async function extractPdf(bytes: Uint8Array, opts: ExtractTextOptions): Promise<PageText[]> {
  const timeoutMs = opts.pageTimeoutMs ?? TEXT_LIMITS.pageTimeoutMs;
  // pdfjs runs in a worker of its own that is terminated on timeout (see pdf-sandbox.ts).
  const { sandbox, numPages: total, engine: pdfEngine } = await withTimeout(PdfSandbox.open(bytes, { timeoutMs }), timeoutMs * 2, 'Opening the PDF', opts.signal);
  try {
    checkPageCount(total, opts.maxPages ?? TEXT_LIMITS.maxPages);
    return await forEachPage(total, opts, (pageNo) =>
      withTimeout(pdfPageText(sandbox, pageNo, pdfEngine, opts, timeoutMs), timeoutMs, `Page ${pageNo}`, opts.signal),
    );
  } finally {
    await sandbox.close();
  }
}

/**
 * The page's words in reading order. A page the engine turned to read keeps the engine's order:
 * its boxes are on the page as scanned, where rows run another way than orderByRows expects.
 */
function wordsOf(ocr: OcrResult): { words: Word[]; text: string } {
  return ocr.rotation ? { words: ocr.words, text: ocr.text } : orderByRows(ocr.words);
}

/** The engine's second reading, if it made one, in the same reading order as the page (and the engine that made it); the model and turn that read it. */
function alternateOf(ocr: OcrResult): Pick<PageText, 'alternate' | 'ocrModel' | 'rotation'> {
  return {
    ...(ocr.alternate ? { alternate: { ...orderByRows(ocr.alternate.words), ...(ocr.alternate.engine ? { engine: ocr.alternate.engine } : {}) } } : {}),
    ...(ocr.model ? { ocrModel: ocr.model } : {}),
    ...(ocr.rotation !== undefined ? { rotation: ocr.rotation } : {}),
  };
}

async function pdfPageText(sandbox: PdfSandbox, pageNo: number, pdfEngine: string, opts: ExtractTextOptions, timeoutMs: number): Promise<PageText> {
  const { layer, verdict, rendered } = await sandbox.page(pageNo, { dpi: opts.dpi ?? TEXT_LIMITS.dpi, maxPagePixels: opts.maxPagePixels ?? TEXT_LIMITS.maxPagePixels, timeoutMs });
  const layerText = layer.words.map((w) => w.text).join(' ');
  const fromLayer = (): PageText => ({ pageNo, width: layer.width, height: layer.height, source: 'pdf_text', engine: pdfEngine, ...orderByRows(layer.words) });
  if (verdict === 'real' || !rendered) return fromLayer();

  // No usable text layer (a scan, or glyphs without Unicode): the worker rendered the page; read it.
  const ocr = await opts.ocr.recognize(
    { format: 'grey', data: rendered.grey, width: rendered.width, height: rendered.height, dpi: rendered.dpi },
    { signal: opts.signal },
  );
  if (verdict === 'sparse' && nonSpace(layerText) > 0 && nonSpace(layerText) >= nonSpace(ocr.text)) return fromLayer();
  return { pageNo, width: layer.width, height: layer.height, source: 'ocr', engine: opts.ocr.name, ...wordsOf(ocr), ...alternateOf(ocr) };
}

async function extractImage(bytes: Uint8Array, kind: Exclude<DocumentKind, 'pdf'>, opts: ExtractTextOptions): Promise<PageText[]> {
  const timeoutMs = opts.pageTimeoutMs ?? TEXT_LIMITS.pageTimeoutMs;
  const total = imagePages(kind, await readImageInfo(bytes, 0));
  checkPageCount(total, opts.maxPages ?? TEXT_LIMITS.maxPages);
  return forEachPage(total, opts, (pageNo) =>
    withTimeout(
      (async (): Promise<PageText> => {
        const img = await decodeImageGrey(bytes, pageNo - 1, { maxPixels: opts.maxPagePixels ?? TEXT_LIMITS.maxPagePixels });
        const scale = img.width / img.info.width;
        const ocr = await opts.ocr.recognize(
          { format: 'grey', data: img.grey, width: img.width, height: img.height, dpi: img.info.dpi ? img.info.dpi * scale : undefined },
          { signal: opts.signal },
        );
        return { pageNo, width: img.info.width, height: img.info.height, source: 'ocr', engine: opts.ocr.name, ...wordsOf(ocr), ...alternateOf(ocr) };
      })(),
      timeoutMs,
      `Page ${pageNo}`,
      opts.signal,
    ),
  );
}

/** Runs pages with a little concurrency, reporting progress, results in page order. */
async function forEachPage(total: number, opts: ExtractTextOptions, read: (pageNo: number) => Promise<PageText>): Promise<PageText[]> {
  const results: PageText[] = new Array(total);
  let next = 1;
  let done = 0;
  const lane = async () => {
    while (next <= total) {
      const pageNo = next++;
      throwIfStopped(opts.signal, `Page ${pageNo}`);
      results[pageNo - 1] = await read(pageNo);
      opts.onPage?.(++done, total);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PAGE_CONCURRENCY, total) }, lane));
  return results;
}

function nonSpace(text: string): number {
  return text.replace(/\s+/gu, '').length;
}
