/**
 * The PDF reader's own thread: pdfjs parses, inflates and renders here, so a hostile PDF (a
 * decompression bomb, a page that draws forever) costs this thread, which the caller can terminate,
 * never the engine's. One document per worker; `pdf-sandbox.ts` is the other end.
 */
import { parentPort } from 'node:worker_threads';
import type { PDFDocumentProxy } from 'pdfjs-dist/types/src/display/api';
import type { Word } from '../../src-shared/document-model.ts';
import { PipelineError } from '../pipeline/pipeline-error.ts';
import { TEXT_LIMITS } from './limits.ts';
import { getPdfPage, openPdf, pdfjsEngineName } from './pdf-document.ts';
import { renderPdfPage, rgbaToGrey } from './pdf-render.ts';
import { readTextLayer } from './pdf-text-layer.ts';
import { judgeTextLayer } from './text-quality.ts';

export type PdfRequest =
  | { op: 'open'; bytes: Uint8Array; forDisplay: boolean }
  | { op: 'page'; pageNo: number; dpi: number; maxPagePixels: number }
  | { op: 'render'; pageNo: number; width: number }
  | { op: 'close' };

export interface PdfPageReply {
  layer: { words: Word[]; width: number; height: number };
  verdict: ReturnType<typeof judgeTextLayer>;
  /** The page rendered in grey for OCR, when its text layer is not real text. */
  rendered?: { grey: Uint8Array; width: number; height: number; dpi: number };
}

let doc: PDFDocumentProxy | null = null;

async function handle(req: PdfRequest): Promise<{ value: unknown; transfer: ArrayBuffer[] }> {
  if (req.op === 'open') {
    await doc?.destroy().catch(() => {});
    doc = await openPdf(req.bytes, { forDisplay: req.forDisplay });
    return { value: { numPages: doc.numPages, engine: await pdfjsEngineName() }, transfer: [] };
  }
  if (req.op === 'close') {
    await doc?.destroy().catch(() => {});
    doc = null;
    return { value: null, transfer: [] };
  }
  if (!doc) throw new Error('No document is open');
  const page = await getPdfPage(doc, req.pageNo);
  if (req.op === 'page') {
    const layer = await readTextLayer(page).catch(() => ({ words: [] as Word[], ...page.getViewport({ scale: 1 }) }));
    const verdict = judgeTextLayer(layer.words.map((w) => w.text).join(' '), TEXT_LIMITS.minTextLayerChars);
    const reply: PdfPageReply = { layer: { words: layer.words, width: layer.width, height: layer.height }, verdict };
    if (verdict !== 'real') {
      const r = await renderPdfPage(page, { dpi: req.dpi, maxPixels: req.maxPagePixels });
      const grey = rgbaToGrey(r.rgba, r.width * r.height);
      reply.rendered = { grey, width: r.width, height: r.height, dpi: r.dpi };
      return { value: reply, transfer: [grey.buffer as ArrayBuffer] };
    }
    return { value: reply, transfer: [] };
  }
  const pageWidth = page.getViewport({ scale: 1 }).width;
  const r = await renderPdfPage(page, { dpi: (72 * req.width) / pageWidth, maxPixels: TEXT_LIMITS.maxPagePixels });
  const rgba = new Uint8Array(r.rgba.buffer, r.rgba.byteOffset, r.rgba.byteLength);
  return { value: { rgba, width: r.width, height: r.height }, transfer: [rgba.buffer as ArrayBuffer] };
}

parentPort?.on('message', (msg: { id: number; req: PdfRequest }) => {
  handle(msg.req).then(
    ({ value, transfer }) => parentPort!.postMessage({ id: msg.id, ok: true, value }, transfer),
    (err: unknown) => {
      const e = err instanceof PipelineError ? { code: err.code, message: err.message } : { code: 'corrupt_pdf', message: `The PDF could not be read: ${(err as Error)?.message ?? String(err)}` };
      parentPort!.postMessage({ id: msg.id, ok: false, error: e });
    },
  );
});
