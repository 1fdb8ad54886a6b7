import { createRequire } from 'node:module';
import type { PDFPageProxy } from 'pdfjs-dist/types/src/display/api';
import { pdfError } from './pdf-document.ts';
import { TEXT_LIMITS, boundedScale } from './limits.ts';

type CanvasModule = typeof import('@napi-rs/canvas');

/**
 * The canvas module pdfjs itself loads (pdfjs-dist may carry its own @napi-rs/canvas). Drawing
 * pdfjs's Path2D or temporary canvases onto a canvas from a second native copy segfaults.
 */
function pdfjsCanvas(): CanvasModule {
  const fromPdfjs = createRequire(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
  return fromPdfjs('@napi-rs/canvas') as CanvasModule;
}
let canvasModule: CanvasModule | undefined;
/** pdfjs types its canvas as the DOM's; under Node it draws on @napi-rs/canvas, which has the same API. */
type RenderArgs = Parameters<PDFPageProxy['render']>[0];

export interface RenderedPage {
  /** 8-bit grey, one byte a pixel. */
  grey: Uint8Array;
  width: number;
  height: number;
  /** The resolution actually used, after the size bounds. */
  dpi: number;
}

/** Renders a page on a white canvas at `dpi`, lowered so the bitmap stays inside the size bounds. */
export async function renderPdfPage(
  page: PDFPageProxy,
  opts: { dpi: number; maxPixels: number; maxSide?: number },
): Promise<{ rgba: Uint8ClampedArray; width: number; height: number; dpi: number }> {
  const base = page.getViewport({ scale: 1 });
  const scale = boundedScale(base.width, base.height, opts.dpi / 72, opts.maxSide ?? TEXT_LIMITS.maxSide, opts.maxPixels);
  const viewport = page.getViewport({ scale });
  const width = Math.max(1, Math.floor(viewport.width));
  const height = Math.max(1, Math.floor(viewport.height));
  canvasModule ??= pdfjsCanvas();
  const canvas = canvasModule.createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  const task = page.render({
    canvas: canvas as unknown as RenderArgs['canvas'],
    canvasContext: ctx as unknown as RenderArgs['canvasContext'],
    viewport,
    background: '#ffffff',
    annotationMode: 1, // ENABLE: draw form appearances, skip the interactive layer
  });
  try {
    await task.promise;
  } catch (err) {
    task.cancel();
    throw pdfError(err);
  }
  const rgba = ctx.getImageData(0, 0, width, height).data;
  // Free the native bitmap now rather than at the next GC: pages of a batch render back to back.
  canvas.width = 0;
  canvas.height = 0;
  page.cleanup();
  return { rgba, width, height, dpi: scale * 72 };
}

export async function renderPdfPageGrey(page: PDFPageProxy, opts: { dpi: number; maxPixels: number }): Promise<RenderedPage> {
  const { rgba, width, height, dpi } = await renderPdfPage(page, opts);
  return { grey: rgbaToGrey(rgba, width * height), width, height, dpi };
}

/** ITU-R 601 luma in integer arithmetic; the canvas is opaque, so alpha is ignored. */
export function rgbaToGrey(rgba: Uint8ClampedArray | Uint8Array, pixels: number): Uint8Array {
  const grey = new Uint8Array(pixels);
  for (let i = 0, j = 0; i < pixels; i++, j += 4) {
    grey[i] = (rgba[j]! * 77 + rgba[j + 1]! * 150 + rgba[j + 2]! * 29) >> 8;
  }
  return grey;
}
