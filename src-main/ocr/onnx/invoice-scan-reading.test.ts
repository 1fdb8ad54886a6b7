import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR, corpusPresent } from '../../testing/prerequisites.ts';
import { decodeImageGrey } from '../../text/image-decode.ts';
import type { OcrEngine } from '../ocr-engine.ts';
import { createOnnxOcrEngine } from './onnx-ocr-engine.ts';

// Two office scans of real e-invoices from the corpus's training half (A4, 200 dpi, skewed).
const BILL = 'einvoice/scan/ei-a18aa1006e.jpg'; // German insurance bill, long sentences
const AVOIR = 'einvoice/scan/ei-496d7caa85.jpg'; // French credit note, VAT number with a run of nines

async function read(engine: OcrEngine, file: string): Promise<string> {
  const img = await decodeImageGrey(fs.readFileSync(path.join(CORPUS_DIR, file)), 0, { maxPixels: 24e6 });
  return (await engine.recognize({ format: 'grey', data: img.grey, width: img.width, height: img.height })).text;
}

describe.runIf(corpusPresent())('PP-OCRv4 on A4 invoice scans', () => {
  let engine: OcrEngine;
  let bill: string;
  let avoir: string;
  beforeAll(async () => {
    engine = await createOnnxOcrEngine({ workers: 2, executionProvider: 'cpu' });
    [bill, avoir] = await Promise.all([read(engine, BILL), read(engine, AVOIR)]);
  }, 600_000);
  afterAll(() => engine?.close());

  it('keeps the long lines the angle classifier wrongly calls upside down, IBAN sentence included', () => {
    expect(bill).toMatch(/Einen zu zahlenden Beitrag .*Bankverbindung: IBAN/);
    expect(bill).toMatch(/zu Ihrer Haftpflichtversicherung wird der Beitrag/);
    expect(bill).toContain('DE75123456780000001234');
    // Nothing read backwards: no line of stray single letters where a sentence was.
    expect(bill.split('\n').filter((l) => /^(\S ){2,}\S$/.test(l))).toEqual([]);
  });

  it('reads every digit of a run of one digit in small print', () => {
    expect(avoir.replace(/\s/g, '')).toContain('FR11999999998');
    expect(avoir.replace(/\s/g, '')).toContain('99999999800010');
  });
});
