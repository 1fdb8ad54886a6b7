import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExtractedText } from '../text/extract-text.ts';
import { extractText } from '../text/index.ts';
import { ocrCacheKey } from './cached-ocr.ts';
import { parseSecondReading, secondReadingSetting, startOcrEngine } from './choose-engine.ts';
import type { OcrEngine, OcrImage, OcrResult } from './ocr-engine.ts';
import { withSecondReader } from './second-reader.ts';
import { tesseractEngineId } from './tesseract-pool.ts';

const A4_SCAN = path.resolve(__dirname, '../../resources/samples/oyo-scan.jpg'); // 1681x2359, a hotel invoice
const TILL_ROLL = path.join(__dirname, 'onnx', 'fixtures', 'sroie-000.jpg'); // a narrow till receipt

function stubEngine(name: string, text: string, extra: Partial<OcrResult> = {}): OcrEngine & { calls: number } {
  return {
    name,
    version: '1',
    calls: 0,
    readingKey: (i) => (i.width > 1000 ? 'page' : ''),
    async recognize(): Promise<OcrResult> {
      this.calls++;
      return { words: [{ text, box: [0, 0, 1, 1], confidence: 0.9, line: 0 }], text, meanConfidence: 0.9, ...extra };
    },
    async close() {},
  };
}

const grey = (width: number, height: number): OcrImage => ({ format: 'grey', data: new Uint8Array(width * height).fill(200), width, height });
const page = grey(1700, 2400);
const receipt = grey(460, 1000);

describe('a second reader beside the main engine', () => {
  it('reads page-shaped scans with both engines and names the second on its reading; receipts with the main one only', async () => {
    const main = stubEngine('ppocr', 'INVOICE 1O2');
    const second = stubEngine('tess', 'INVOICE 102');
    let starts = 0;
    const engine = withSecondReader({ main, secondId: { name: 'tess', version: '1' }, startSecond: async () => (starts++, second), scope: 'pages' });

    const r = await engine.recognize(receipt);
    expect(r.alternate).toBeUndefined();
    expect(starts).toBe(0); // a batch of receipts never starts the second engine

    const p = await engine.recognize(page);
    expect(p.text).toBe('INVOICE 1O2');
    expect(p.alternate).toMatchObject({ text: 'INVOICE 102', engine: 'tess@1' });
    await engine.recognize(page);
    expect(starts).toBe(1);
    expect([main.calls, second.calls]).toEqual([3, 2]);
    expect(engine.name).toBe('ppocr');
  });

  it("'all' reads receipts twice as well", async () => {
    const engine = withSecondReader({ main: stubEngine('ppocr', 'A'), secondId: { name: 'tess', version: '1' }, startSecond: async () => stubEngine('tess', 'B'), scope: 'all' });
    expect((await engine.recognize(receipt)).alternate?.text).toBe('B');
  });

  it('keys the OCR cache afresh for pages it reads twice, and keeps the entries of receipts', () => {
    const main = stubEngine('ppocr', 'A');
    const engine = withSecondReader({ main, secondId: { name: 'tess', version: '7.0.0' }, startSecond: async () => stubEngine('tess', 'B'), scope: 'pages' });
    expect(ocrCacheKey(engine, page)).not.toBe(ocrCacheKey(main, page));
    expect(ocrCacheKey(engine, receipt)).toBe(ocrCacheKey(main, receipt));
    const newerSecond = withSecondReader({ main, secondId: { name: 'tess', version: '7.1.0' }, startSecond: async () => stubEngine('tess', 'B'), scope: 'pages' });
    expect(ocrCacheKey(newerSecond, page)).not.toBe(ocrCacheKey(engine, page));
  });

  it('drops the second reading of a page the main engine had to turn (the other read it sideways)', async () => {
    const engine = withSecondReader({ main: stubEngine('ppocr', 'A', { rotation: 90 }), secondId: { name: 'tess', version: '1' }, startSecond: async () => stubEngine('tess', 'noise'), scope: 'pages' });
    expect((await engine.recognize(page)).alternate).toBeUndefined();
  });

  it('reads with the main engine alone when the second cannot start, and says so once', async () => {
    const warnings: string[] = [];
    const main = stubEngine('ppocr', 'A');
    const engine = withSecondReader({ main, secondId: { name: 'tess', version: '1' }, startSecond: async () => Promise.reject(new Error('no model')), scope: 'pages', onWarning: (m) => warnings.push(m) });
    expect((await engine.recognize(page)).text).toBe('A');
    expect((await engine.recognize(page)).alternate).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('no model')]);
    expect(ocrCacheKey(engine, page)).toBe(ocrCacheKey(main, page));
  });
});

describe('the second-reading setting', () => {
  it("defaults to page-shaped scans and takes off, pages or all from COUNTERSIGN_SECOND_READING", () => {
    expect(secondReadingSetting({})).toBe('pages');
    expect(secondReadingSetting({ COUNTERSIGN_SECOND_READING: 'OFF' })).toBe('off');
    expect(parseSecondReading('all')).toBe('all');
    expect(() => parseSecondReading('twice')).toThrow(/off, pages, all/);
  });
});

describe('the auto engine with PP-OCR and tesseract.js', () => {
  let engine: OcrEngine;
  let single: OcrEngine;
  let a4: ExtractedText;
  let till: ExtractedText;
  const read = (file: string, ocr: OcrEngine) => extractText({ bytes: new Uint8Array(fs.readFileSync(file)), mime: 'image/jpeg' }, { ocr });
  beforeAll(async () => {
    engine = await startOcrEngine({ engine: 'auto', workers: 1, executionProvider: 'cpu', secondReader: 'pages' });
    single = await startOcrEngine({ engine: 'auto', workers: 1, executionProvider: 'cpu', secondReader: 'off' });
    [a4, till] = await Promise.all([read(A4_SCAN, engine), read(TILL_ROLL, engine)]);
  }, 600_000);
  afterAll(async () => {
    await engine?.close();
    await single?.close();
  });

  it('reads an A4 scan with both engines: the page records PP-OCR and the tesseract reading it merges', () => {
    const [p] = a4.pages;
    expect(p!.engine).toMatch(/^ppocr-v4\/onnxruntime/);
    expect(p!.alternate?.engine).toBe(`${tesseractEngineId().name}@${tesseractEngineId().version}`);
    expect(p!.text).toMatch(/PAYMENT RECEIPT/);
    expect(p!.alternate?.text).toMatch(/PAYMENT RECEIPT/);
  });

  it('reads a till-roll receipt once', () => {
    expect(till.pages[0]!.alternate).toBeUndefined();
    expect(till.pages[0]!.text).toMatch(/TAMAN DAYA/);
  });

  it("'off' reads the A4 scan with PP-OCR alone", async () => {
    const off = await read(A4_SCAN, single);
    expect(off.pages[0]!.alternate).toBeUndefined();
    expect(off.pages[0]!.text).toBe(a4.pages[0]!.text);
  }, 120_000);
});
