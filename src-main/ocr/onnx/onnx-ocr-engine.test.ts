import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../engine/engine.ts';
import { candidateProviders } from '../../ml/execution-providers.ts';
import type { OcrEngine, OcrResult } from '../ocr-engine.ts';
import { createOnnxOcrEngine, ONNX_ENGINE_PREFIX } from './onnx-ocr-engine.ts';
import { loadPpOcrModel } from './ppocr-model.ts';

const RECEIPT = path.join(__dirname, 'fixtures', 'sroie-000.jpg');

async function grey(input: Sharp): Promise<{ format: 'grey'; data: Uint8Array; width: number; height: number }> {
  const { data, info } = await input.greyscale().extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { format: 'grey', data, width: info.width, height: info.height };
}

function expectWellFormed(r: OcrResult): void {
  for (const w of r.words) {
    expect(w.text.trim()).toBe(w.text);
    expect(w.text).not.toBe('');
    expect(w.box[0]).toBeLessThanOrEqual(w.box[2]);
    expect(w.box[1]).toBeLessThanOrEqual(w.box[3]);
    for (const v of w.box) expect(v >= 0 && v <= 1).toBe(true);
    expect(w.confidence >= 0 && w.confidence <= 1).toBe(true);
  }
  const lines = r.text.split('\n');
  expect(Math.max(...r.words.map((w) => w.line))).toBe(lines.length - 1);
}

describe('PP-OCRv4 engine on ONNX Runtime', () => {
  let engine: OcrEngine;
  let receipt: OcrResult;
  beforeAll(async () => {
    engine = await createOnnxOcrEngine({ workers: 2, executionProvider: 'cpu' });
    receipt = await engine.recognize(await grey(sharp(RECEIPT)));
  }, 600_000);
  afterAll(() => engine?.close());

  it('names itself, the model it loaded and where it runs', async () => {
    expect(engine.name).toMatch(new RegExp(`^${ONNX_ENGINE_PREFIX.replace('/', '\\/')}-1\\.\\d+`));
    expect(engine.executionProvider).toBe('cpu');
    expect(engine.modelSha256).toBe((await loadPpOcrModel()).sha256);
  });

  it('reads a real receipt: its shop, its total, lines in reading order, words with boxes', () => {
    expectWellFormed(receipt);
    expect(receipt.text).toMatch(/TAMAN DAYA/);
    expect(receipt.text).toMatch(/Total ?:? 9\.00/i);
    expect(receipt.rotation).toBe(0);
    expect(receipt.model).toEqual({ sha256: engine.modelSha256, executionProvider: 'cpu' });
    const lines = receipt.text.split('\n');
    expect(lines.findIndex((l) => /TAMAN DAYA/.test(l))).toBeLessThan(lines.findIndex((l) => /CASH BILL/i.test(l)));
    // "9.00" of the total sits on the receipt's right half, below its middle.
    const total = receipt.words.filter((w) => w.text === '9.00').at(-1)!;
    expect(total.box[0]).toBeGreaterThan(0.5);
    expect(total.box[1]).toBeGreaterThan(0.5);
    expect(receipt.meanConfidence).toBeGreaterThan(0.8);
  });

  it.each([
    [90, 270],
    [180, 180],
    [270, 90],
  ])('finds a receipt scanned turned %i° and reads it turned back %i°', async (turned, back) => {
    const r = await engine.recognize(await grey(sharp(RECEIPT).rotate(turned)));
    expect(r.rotation).toBe(back);
    expect(r.text).toMatch(/TAMAN DAYA/);
    expect(r.text).toMatch(/9\.00/);
    expect(r.text.split('\n')[0]).toBe(receipt.text.split('\n')[0]);
    expectWellFormed(r);
  });

  it('reads a PNG with transparency as well as grey pixels', async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="200"><text x="40" y="120" font-family="DejaVu Sans" font-size="56">INVOICE 4711 TOTAL 99.50</text></svg>`;
    const png = await sharp(Buffer.from(svg)).png().toBuffer();
    const r = await engine.recognize({ format: 'png', data: png, width: 900, height: 200 });
    expect(r.text).toContain('4711');
    expect(r.text).toContain('99.50');
    expect(r.words.map((w) => w.text)).toContain('INVOICE');
  });

  it('finds no words on an empty page, without failing', async () => {
    const blank = await grey(sharp({ create: { width: 1200, height: 1600, channels: 3, background: '#ffffff' } }));
    const r = await engine.recognize(blank);
    expect(r).toMatchObject({ words: [], text: '', meanConfidence: 0 });
  });

  it('reads a huge page at bounded cost (detection at a bounded size, lines sampled from the full page)', async () => {
    // 9000 × 12000 px (108 megapixels of grey) with one line of large text
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="9000" height="12000"><rect width="100%" height="100%" fill="white"/><text x="600" y="3000" font-family="DejaVu Sans" font-size="700">TOTAL 42.00</text></svg>`;
    const page = await grey(sharp(Buffer.from(svg), { limitInputPixels: false }));
    const r = await engine.recognize(page);
    expect(r.text).toContain('42.00');
  });

  it('refuses grey pixels whose size does not match', async () => {
    await expect(engine.recognize({ format: 'grey', data: new Uint8Array(10), width: 5, height: 5 })).rejects.toMatchObject({ code: 'ocr_failed' });
  });

  it('stops with timeout when the signal is aborted', async () => {
    await expect(engine.recognize(await grey(sharp(RECEIPT)), { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'timeout' });
  });
});

describe('execution provider fallback', () => {
  // Forcing CUDA on a machine without its provider library: the engine says so and runs on CPU.
  const cudaInstalled = candidateProviders('auto', 'linux').includes('cuda');
  it.skipIf(cudaInstalled)('falls back to CPU when the forced provider cannot load, and records CPU on the page', async () => {
    const warnings: string[] = [];
    const engine = await createOnnxOcrEngine({ workers: 1, executionProvider: 'cuda', onWarning: (m) => warnings.push(m) });
    try {
      expect(warnings.join('\n')).toMatch(/cuda could not load/);
      expect(engine.executionProvider).toBe('cpu');
      const r = await engine.recognize(await grey(sharp(RECEIPT).resize(300)));
      expect(r.model?.executionProvider).toBe('cpu');
    } finally {
      await engine.close();
    }
  });

  it('refuses a model folder whose files do not match the manifest', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-ppocr-'));
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ name: 'x', version: '1', files: { det: 'd', cls: 'c', rec: 'r', charset: 'k' }, sha256: {}, sizes: {} }));
    for (const f of ['d', 'c', 'r', 'k']) fs.writeFileSync(path.join(dir, f), 'not a model');
    await expect(createOnnxOcrEngine({ workers: 1, modelDir: dir })).rejects.toMatchObject({ code: 'ocr_failed' });
  });
});

describe('each OCR page records the engine, model and provider that read it', () => {
  it('stores them with the page and reads them back', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-ocr-rec-'));
    const engine = await Engine.open({ dataDir, understanding: null, keyStorage: 'file', onWarning: () => {}, ocrWorkers: 1, ocrEngine: 'onnx', executionProvider: 'cpu' });
    try {
      const [result] = await engine.process([RECEIPT]);
      expect(result?.status).toBe('processed');
      const [page] = engine.docs.pages(result!.documentId!);
      expect(page?.engine).toMatch(/^ppocr-v4\/onnxruntime-/);
      expect(page?.ocrModel).toEqual({ sha256: (await loadPpOcrModel()).sha256, executionProvider: 'cpu' });
      expect(page?.rotation).toBe(0);
    } finally {
      await engine.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('closing the engine', () => {
  it('lets a page its caller gave up on finish before stopping the workers, so the process survives', async () => {
    const engine = await createOnnxOcrEngine({ workers: 1, executionProvider: 'cpu' });
    const stop = new AbortController();
    const page = engine.recognize(await grey(sharp(RECEIPT)), { signal: stop.signal });
    await new Promise((r) => setTimeout(r, 200));
    stop.abort(new Error('the page took too long'));
    await expect(page).rejects.toMatchObject({ code: 'timeout' });
    await engine.close();
    await expect(engine.recognize(await grey(sharp(RECEIPT)))).rejects.toMatchObject({ code: 'ocr_failed' });
  });
});
