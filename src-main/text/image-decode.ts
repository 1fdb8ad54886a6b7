import sharp, { type Metadata, type Sharp } from 'sharp';
import { PipelineError } from '../pipeline/pipeline-error.ts';
import { TEXT_LIMITS, boundedScale } from './limits.ts';

export interface ImagePageInfo {
  /** Pixel size after EXIF orientation. */
  width: number;
  height: number;
  /** Pages in the file (multi-page TIFF), 1 otherwise. */
  pages: number;
  /** Resolution from the file, when it is plausible for a scan (JPEG's 72/96 defaults say nothing). */
  dpi?: number;
}

function open(bytes: Uint8Array, page: number): Sharp {
  return sharp(bytes, {
    page,
    pages: 1,
    limitInputPixels: TEXT_LIMITS.maxImagePixels,
    sequentialRead: true,
    failOn: 'error',
    autoOrient: true,
  });
}

export async function readImageInfo(bytes: Uint8Array, page = 0): Promise<ImagePageInfo> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { page, limitInputPixels: false }).metadata();
  } catch (err) {
    throw imageError(err);
  }
  const oriented = meta.autoOrient ?? { width: meta.width, height: meta.height };
  const width = oriented.width ?? 0;
  const height = oriented.height ?? 0;
  if (!width || !height) throw new PipelineError('corrupt_image', 'The image has no size; it is damaged or not an image');
  if (width * height > TEXT_LIMITS.maxImagePixels) {
    throw new PipelineError(
      'image_too_large',
      `The image is ${width} x ${height} px; the limit is ${TEXT_LIMITS.maxImagePixels / 1e6} M pixels. Scan it at a lower resolution.`,
    );
  }
  const density = meta.density && meta.density >= 150 && meta.density <= 1200 ? meta.density : undefined;
  return { width, height, pages: Math.max(1, meta.pages ?? 1), dpi: density };
}

/**
 * One page of an image as 8-bit grey: EXIF orientation applied, transparency flattened onto
 * white, CMYK and palette converted, shrunk (never enlarged) to the pixel bounds.
 */
export async function decodeImageGrey(
  bytes: Uint8Array,
  page: number,
  opts: { maxPixels: number; maxSide?: number },
): Promise<{ grey: Uint8Array; width: number; height: number; info: ImagePageInfo }> {
  const info = await readImageInfo(bytes, page);
  const scale = boundedScale(info.width, info.height, 1, opts.maxSide ?? TEXT_LIMITS.maxSide, opts.maxPixels);
  let img = open(bytes, page).flatten({ background: '#ffffff' }).greyscale();
  if (scale < 1) {
    img = img.resize(Math.max(1, Math.round(info.width * scale)), Math.max(1, Math.round(info.height * scale)), { fit: 'fill' });
  }
  try {
    const { data, info: out } = await img.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    const grey = out.channels === 1 ? new Uint8Array(data.buffer, data.byteOffset, data.length) : firstChannel(data, out.channels);
    return { grey, width: out.width, height: out.height, info };
  } catch (err) {
    throw imageError(err);
  }
}

/** A page of an image as PNG, at most `maxWidth` wide, for display. */
export async function renderImagePng(bytes: Uint8Array, page: number, maxWidth: number): Promise<{ png: Buffer; width: number; height: number }> {
  const info = await readImageInfo(bytes, page);
  const scale = boundedScale(info.width, info.height, Math.min(1, maxWidth / info.width), TEXT_LIMITS.maxSide, TEXT_LIMITS.maxPagePixels);
  try {
    const { data, info: out } = await open(bytes, page)
      .flatten({ background: '#ffffff' })
      .resize(Math.max(1, Math.round(info.width * scale)), Math.max(1, Math.round(info.height * scale)), { fit: 'fill' })
      .png({ compressionLevel: 6 })
      .toBuffer({ resolveWithObject: true });
    return { png: data, width: out.width, height: out.height };
  } catch (err) {
    throw imageError(err);
  }
}

function firstChannel(data: Buffer, channels: number): Uint8Array {
  const out = new Uint8Array(data.length / channels);
  for (let i = 0, j = 0; i < out.length; i++, j += channels) out[i] = data[j]!;
  return out;
}

function imageError(err: unknown): PipelineError {
  if (err instanceof PipelineError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(message)) {
    return new PipelineError('image_too_large', `The image is too large to decode: ${message}`, { cause: err });
  }
  return new PipelineError('corrupt_image', `The image could not be decoded: ${message.split('\n')[0]}`, { cause: err });
}
