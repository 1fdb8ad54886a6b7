import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { collapseWhitespace, levenshtein } from '../../eval/metrics.ts';
import type { OcrEngine, OcrResult } from '../ocr-engine.ts';
import { createOnnxOcrEngine, ONNX_ENGINE_PREFIX } from './onnx-ocr-engine.ts';
import { ocrModelSetting, OCR_MODEL_VARIANTS, parseOcrModelVariant, type OcrModelVariant } from './ocr-model-variant.ts';
import { BUNDLED_PPOCR_DIR, loadPpOcrModel } from './ppocr-model.ts';

const RECEIPT = path.join(__dirname, 'fixtures', 'sroie-000.jpg');
// SROIE's own transcript of that receipt (../shared/corpus/sroie/text/000.txt), one annotated line a line.
const TRANSCRIPT = fs.readFileSync(path.join(__dirname, 'fixtures', 'sroie-000.txt'), 'utf8');
/** How much worse than fp32 the int8 model may read this receipt, in CER points (measured: see MODEL_CARD.md). */
const INT8_CER_TOLERANCE = 0.01;
const QUANTIZE = path.resolve(__dirname, '../../../tools/quantize-ocr/quantize.py');
const PYTHON = '/usr/bin/python3';

function cer(text: string): number {
  const truth = collapseWhitespace(TRANSCRIPT);
  return levenshtein(collapseWhitespace(text), truth) / [...truth].length;
}

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const manifest = () => JSON.parse(fs.readFileSync(path.join(BUNDLED_PPOCR_DIR, 'manifest.json'), 'utf8')) as { files: Record<string, string>; variants: Record<string, Record<string, string>>; sha256: Record<string, string> };

function copyModelDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-ppocr-variant-'));
  for (const f of fs.readdirSync(BUNDLED_PPOCR_DIR)) fs.copyFileSync(path.join(BUNDLED_PPOCR_DIR, f), path.join(dir, f));
  return dir;
}

describe('the OCR model setting', () => {
  it('is fused unless set, and names the variant it does not know', () => {
    expect(ocrModelSetting({})).toBe('fused');
    expect(ocrModelSetting({ COUNTERSIGN_OCR_MODEL: ' INT8 ' })).toBe('int8');
    expect(() => parseOcrModelVariant('int4')).toThrow(/Unknown OCR model "int4"; use one of fp32, fused, int8/);
  });
});

describe('model variants in the shipped folder', () => {
  it('loads each variant with its own files, each checked against the manifest, and one hash naming it', async () => {
    const m = manifest();
    const hashes = new Set<string>();
    for (const variant of OCR_MODEL_VARIANTS) {
      const model = await loadPpOcrModel(BUNDLED_PPOCR_DIR, variant);
      const files = { ...m.files, ...(variant === 'fp32' ? {} : m.variants[variant]) };
      expect(createHash('sha256').update(model.rec).digest('hex')).toBe(m.sha256[files.rec!]);
      expect(createHash('sha256').update(model.det).digest('hex')).toBe(m.sha256[files.det!]);
      expect(model.variant).toBe(variant);
      hashes.add(model.sha256);
    }
    expect(hashes.size).toBe(OCR_MODEL_VARIANTS.length);
    expect(m.variants.int8?.rec).toMatch(/int8\.onnx$/);
  });

  it('refuses an int8 file that does not match the manifest, and a folder without the variant', async () => {
    const dir = copyModelDir();
    try {
      const int8 = path.join(dir, manifest().variants.int8!.rec!);
      const bytes = fs.readFileSync(int8);
      bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
      fs.writeFileSync(int8, bytes);
      await expect(loadPpOcrModel(dir, 'int8')).rejects.toMatchObject({ code: 'ocr_failed', message: expect.stringMatching(/does not match manifest\.json/) });
      // The fp32 files are untouched: that variant still loads from the same folder.
      await expect(loadPpOcrModel(dir, 'fp32')).resolves.toMatchObject({ variant: 'fp32' });
      const plain = { ...manifest(), variants: undefined };
      fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(plain));
      await expect(createOnnxOcrEngine({ workers: 1, modelDir: dir, modelVariant: 'int8', executionProvider: 'cpu' })).rejects.toMatchObject({
        code: 'ocr_failed',
        message: expect.stringMatching(/has no "int8" variant/),
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  const haveOnnxPython = (() => {
    try {
      execFileSync(PYTHON, ['-c', 'import onnx, numpy'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  it.skipIf(!haveOnnxPython && process.env.CI !== 'true')(
    'are exactly what tools/quantize-ocr/quantize.py makes from the fp32 files',
    () => {
      const dir = copyModelDir();
      try {
        const m = manifest();
        const made = new Set(Object.values(m.variants).flatMap((v) => Object.values(v)));
        for (const f of made) fs.rmSync(path.join(dir, f));
        execFileSync(PYTHON, [QUANTIZE, 'build', dir], { stdio: 'pipe' });
        for (const f of made) expect(sha256(path.join(dir, f)), f).toBe(m.sha256[f]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});

describe('reading a real receipt with each variant', () => {
  const engines: OcrEngine[] = [];
  const read = new Map<OcrModelVariant, OcrResult>();
  const readWith = async (variant: OcrModelVariant) => {
    const engine = await createOnnxOcrEngine({ workers: 1, executionProvider: 'cpu', modelVariant: variant });
    engines.push(engine);
    const { data, info } = await sharp(RECEIPT).greyscale().extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    const r = await engine.recognize({ format: 'grey', data, width: info.width, height: info.height });
    read.set(variant, r);
    return { engine, r };
  };
  afterAll(() => Promise.all(engines.map((e) => e.close())));

  it('fp32 reads it as the published models do', async () => {
    const { engine, r } = await readWith('fp32');
    expect(engine.name).toMatch(new RegExp(`^${ONNX_ENGINE_PREFIX.replace('/', '\\/')}-1\\.\\d+\\.\\d+$`));
    expect(r.text).toMatch(/Total ?:? 9\.00/i);
    expect(cer(r.text)).toBeLessThan(0.3);
  }, 600_000);

  it('fused reads the same text as fp32 (the same arithmetic, rearranged)', async () => {
    const { engine, r } = await readWith('fused');
    expect(engine.name).toMatch(/\+fused$/);
    expect(r.model?.sha256).toBe((await loadPpOcrModel(BUNDLED_PPOCR_DIR, 'fused')).sha256);
    expect(r.text).toBe(read.get('fp32')?.text);
  }, 600_000);

  it(`int8 reads it with a CER within ${INT8_CER_TOLERANCE * 100} point(s) of fp32, its total still legible`, async () => {
    const { engine, r } = await readWith('int8');
    expect(engine.name).toMatch(/\+int8$/);
    expect(engine.modelSha256).toBe((await loadPpOcrModel(BUNDLED_PPOCR_DIR, 'int8')).sha256);
    expect(r.model).toEqual({ sha256: engine.modelSha256, executionProvider: 'cpu' });
    expect(r.text).toMatch(/Total ?:? 9\.00/i);
    expect(cer(r.text)).toBeLessThanOrEqual(cer(read.get('fp32')!.text) + INT8_CER_TOLERANCE);
  }, 600_000);
});
