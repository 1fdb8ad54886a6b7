import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PipelineError } from '../pipeline/pipeline-error.ts';
import type { OcrEngine } from './ocr-engine.ts';
import { createTesseractEngine, localLangPath } from './tesseract-pool.ts';

const RECEIPT = path.resolve(__dirname, '../../../shared/corpus/sroie/img/034.jpg');

async function textImage(text: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="300"><rect width="100%" height="100%" fill="white"/><text x="50" y="180" font-family="DejaVu Sans, Arial, sans-serif" font-size="64">${text}</text></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

describe('localLangPath', () => {
  it('points at model files inside node_modules, never a URL, so tesseract.js has nothing to download', () => {
    for (const variant of ['fast', 'best_int'] as const) {
      const dir = localLangPath(variant);
      expect(path.isAbsolute(dir)).toBe(true);
      expect(dir).not.toMatch(/^[a-z]+:\/\//i);
      expect(existsSync(path.join(dir, 'eng.traineddata.gz'))).toBe(true);
    }
  });

  it('refuses a missing model with ocr_failed instead of fetching one', async () => {
    const missing = path.join(tmpdir(), 'countersign-no-model-here');
    await expect(createTesseractEngine({ workers: 1, langPath: missing })).rejects.toMatchObject({ code: 'ocr_failed' });
  });
});

describe('tesseract engine', () => {
  let engine: OcrEngine;
  const cachePath = mkdtempSync(path.join(tmpdir(), 'countersign-ocr-test-'));

  beforeAll(async () => {
    // A fresh, empty cache: the model has to come from the local langPath.
    engine = await createTesseractEngine({ workers: 1, cachePath });
  });
  afterAll(async () => {
    await engine?.close();
    rmSync(cachePath, { recursive: true, force: true });
  });

  it('names itself after the library and model', () => {
    expect(engine.name).toMatch(/^tesseract\.js-7\/eng-(fast|best_int)$/);
    expect(engine.version).toMatch(/^7\./);
  });

  it('reads a PNG into words with normalised boxes and 0..1 confidences', async () => {
    const png = await textImage('INVOICE 4711 TOTAL 99.50');
    const { width, height } = await sharp(png).metadata();
    const result = await engine.recognize({ format: 'png', data: png, width: width!, height: height! });
    expect(result.text).toContain('4711');
    expect(result.text).toContain('99.50');
    expect(result.words.length).toBeGreaterThanOrEqual(4);
    for (const w of result.words) {
      expect(w.box[0]).toBeLessThan(w.box[2]);
      expect(w.box[1]).toBeLessThan(w.box[3]);
      for (const v of w.box) expect(v >= 0 && v <= 1).toBe(true);
      expect(w.confidence >= 0 && w.confidence <= 1).toBe(true);
      expect(w.line).toBe(0);
    }
    const invoice = result.words.find((w) => w.text === 'INVOICE');
    expect(invoice?.box[0]).toBeLessThan(0.15);
    expect(result.meanConfidence).toBeGreaterThan(0.7);
  });

  it('reads raw grey pixels', async () => {
    const { data, info } = await sharp(await textImage('RECEIPT 2024')).greyscale().raw().toBuffer({ resolveWithObject: true });
    const result = await engine.recognize({ format: 'grey', data, width: info.width, height: info.height });
    expect(result.text).toContain('2024');
  });

  it('refuses grey pixels whose size does not match', async () => {
    await expect(engine.recognize({ format: 'grey', data: new Uint8Array(10), width: 5, height: 5 })).rejects.toBeInstanceOf(PipelineError);
  });

  it('stops with timeout when the signal is aborted', async () => {
    const png = await textImage('ABORTED');
    await expect(engine.recognize({ format: 'png', data: png, width: 1000, height: 300 }, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'timeout',
    });
  });

  it.skipIf(!existsSync(RECEIPT))('reads the total of a real receipt scan (SROIE 034: 332.30)', async () => {
    const { data, info } = await sharp(await readFile(RECEIPT)).greyscale().raw().toBuffer({ resolveWithObject: true });
    const result = await engine.recognize({ format: 'grey', data, width: info.width, height: info.height });
    expect(result.text).toContain('332.30');
  });

  it('reads a page a second time, as one block, when asked, and returns both readings', async () => {
    const twice = await createTesseractEngine({ workers: 1, secondReading: true });
    try {
      const png = await textImage('TOTAL 12.50');
      const r = await twice.recognize({ format: 'png', data: png, width: 1000, height: 300 });
      expect(r.text).toContain('12.50');
      expect(r.alternate?.text).toContain('12.50');
      expect(r.alternate).not.toHaveProperty('alternate');
    } finally {
      await twice.close();
    }
  });

  const FAINT = path.resolve(__dirname, '../../../shared/corpus/sroie/img/272.jpg');
  it.skipIf(!existsSync(FAINT))('still reads a faint, stamped receipt on which automatic layout analysis finds almost nothing', async () => {
    const { data, info } = await sharp(await readFile(FAINT)).greyscale().raw().toBuffer({ resolveWithObject: true });
    const result = await engine.recognize({ format: 'grey', data, width: info.width, height: info.height });
    expect(result.words.length).toBeGreaterThan(60);
    expect(result.text).toMatch(/Broadview Marketing/);
    expect(result.text).toMatch(/18\.00/);
  });
});
