import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { APP_ROOT } from '../../config/app-root.ts';
import { PipelineError } from '../../pipeline/pipeline-error.ts';
import { DEFAULT_OCR_MODEL_VARIANT, type OcrModelVariant } from './ocr-model-variant.ts';

/** The PP-OCRv4 model folder shipped with the app. */
export const BUNDLED_PPOCR_DIR = path.join(APP_ROOT, 'models', 'ocr-ppocrv4');

const ManifestSchema = z.object({
  name: z.string(),
  version: z.string(),
  files: z.object({
    det: z.string(),
    cls: z.string(),
    rec: z.string(),
    charset: z.string(),
  }),
  /** Builds other than fp32: the files they use instead of the default ones (e.g. an int8 recogniser). */
  variants: z.record(z.string(), z.object({ det: z.string().optional(), cls: z.string().optional(), rec: z.string().optional() })).optional(),
  /** Per file: SHA-256 (hex) and size in bytes, checked on load. */
  sha256: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)),
  sizes: z.record(z.string(), z.number().int().positive()),
});
export type PpOcrManifest = z.infer<typeof ManifestSchema>;

export interface PpOcrModel {
  name: string;
  version: string;
  variant: OcrModelVariant;
  det: Uint8Array;
  cls: Uint8Array;
  rec: Uint8Array;
  charset: string[];
  /** One hash naming the whole model: SHA-256 over the files' hashes in manifest order. */
  sha256: string;
}

function modelError(message: string, cause?: unknown): PipelineError {
  return new PipelineError('ocr_failed', message, cause === undefined ? undefined : { cause });
}

/** Reads the model folder (the variant's files), checking each file against the manifest's size and SHA-256. */
export async function loadPpOcrModel(dir: string = BUNDLED_PPOCR_DIR, variant: OcrModelVariant = DEFAULT_OCR_MODEL_VARIANT): Promise<PpOcrModel> {
  const manifestPath = path.join(dir, 'manifest.json');
  let manifest: PpOcrManifest;
  try {
    manifest = ManifestSchema.parse(JSON.parse(await readFile(manifestPath, 'utf8')));
  } catch (err) {
    throw modelError(`OCR model: cannot read ${manifestPath}: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  const override = variant === 'fp32' ? {} : manifest.variants?.[variant];
  if (!override) throw modelError(`OCR model: ${manifestPath} has no "${variant}" variant`);
  const files = { ...manifest.files, ...override };
  const read = async (file: string): Promise<Uint8Array> => {
    const full = path.join(dir, file);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(full);
    } catch (err) {
      throw modelError(`OCR model: cannot read ${full}`, err);
    }
    const want = manifest.sha256[file];
    const got = createHash('sha256').update(bytes).digest('hex');
    if (!want || got !== want || manifest.sizes[file] !== bytes.length) {
      throw modelError(`OCR model: ${full} does not match manifest.json (sha256 ${got}, ${bytes.length} bytes); reinstall the app`);
    }
    return bytes;
  };
  const [det, cls, rec, keys] = await Promise.all([read(files.det), read(files.cls), read(files.rec), read(files.charset)]);
  // PaddleOCR's dictionary: one character a line, then the space it appends (use_space_char).
  const charset = [...new TextDecoder().decode(keys).replace(/\r/g, '').replace(/\n$/, '').split('\n'), ' '];
  const combined = createHash('sha256');
  for (const f of [files.det, files.cls, files.rec, files.charset]) combined.update(manifest.sha256[f]!);
  return { name: manifest.name, version: manifest.version, variant, det, cls, rec, charset, sha256: combined.digest('hex') };
}
