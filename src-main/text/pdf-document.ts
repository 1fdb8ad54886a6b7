import { createRequire } from 'node:module';
import path from 'node:path';
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/types/src/display/api';
import { PipelineError } from '../pipeline/pipeline-error.ts';
import { TEXT_LIMITS } from './limits.ts';

type Pdfjs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

// Not named `require`: the bundler declares its own in the built engine host.
const requireFromHere = createRequire(import.meta.url);
let pdfjsModule: Promise<Pdfjs> | undefined;

/** pdfjs is loaded once per process; its fake worker runs in this thread. */
export function loadPdfjs(): Promise<Pdfjs> {
  pdfjsModule ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjsModule;
}

export async function pdfjsEngineName(): Promise<string> {
  return `pdfjs-${(await loadPdfjs()).version}`;
}

function assetDir(name: string): string {
  // pdfjs in Node reads these with fs, so a plain folder path (with its trailing slash) keeps it offline.
  return path.join(path.dirname(requireFromHere.resolve('pdfjs-dist/package.json')), name) + path.sep;
}

export async function openPdf(bytes: Uint8Array, opts: { forDisplay?: boolean } = {}): Promise<PDFDocumentProxy> {
  const pdfjs = await loadPdfjs();
  const task = pdfjs.getDocument({
    // pdfjs transfers the buffer to its worker; hand it a copy so the caller's bytes stay usable.
    data: bytes.slice(),
    cMapUrl: assetDir('cmaps'),
    cMapPacked: true,
    // The 14 standard fonts' outlines only matter for drawing; text extraction has their metrics built in.
    ...(opts.forDisplay ? { standardFontDataUrl: assetDir('standard_fonts') } : {}),
    wasmUrl: assetDir('wasm'),
    iccUrl: assetDir('iccs'),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    enableXfa: false,
    maxImageSize: TEXT_LIMITS.maxPdfImagePixels,
    canvasMaxAreaInBytes: TEXT_LIMITS.maxSide * TEXT_LIMITS.maxSide * 4,
    verbosity: 0,
  });
  try {
    return await task.promise;
  } catch (err) {
    await task.destroy().catch(() => {});
    throw pdfError(err);
  }
}

/** Maps pdfjs failures onto stable codes. */
export function pdfError(err: unknown): PipelineError {
  if (err instanceof PipelineError) return err;
  const name = err instanceof Error ? err.name : '';
  const message = err instanceof Error ? err.message : String(err);
  if (name === 'PasswordException') {
    return new PipelineError('encrypted_pdf', 'The PDF is password-protected; remove the password and add it again', { cause: err });
  }
  return new PipelineError('corrupt_pdf', `The PDF could not be read: ${message}`, { cause: err });
}

export async function getPdfPage(doc: PDFDocumentProxy, pageNo: number): Promise<PDFPageProxy> {
  try {
    return await doc.getPage(pageNo);
  } catch (err) {
    throw pdfError(err);
  }
}
