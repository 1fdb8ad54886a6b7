import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CachedOcrEngine } from './cached-ocr.ts';
import type { OcrEngine, OcrImage, OcrResult } from './ocr-engine.ts';

function countingEngine(name: string, text: string): OcrEngine & { calls: number } {
  return {
    name,
    version: '1',
    calls: 0,
    async recognize(): Promise<OcrResult> {
      this.calls++;
      return { words: [{ text, box: [0, 0, 1, 1], confidence: 0.9, line: 0 }], text, meanConfidence: 0.9 };
    },
    async close() {},
  };
}

const image = (byte: number): OcrImage => ({ format: 'grey', data: new Uint8Array([byte, byte, byte, byte]), width: 2, height: 2 });
const dirs: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'countersign-ocr-cache-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('CachedOcrEngine', () => {
  it('reads a page once: the same pixels come back from the cache, across engine instances', async () => {
    const dir = tempDir();
    const inner = countingEngine('tess', 'TOTAL 12.50');
    const first = await new CachedOcrEngine(inner, dir).recognize(image(1));
    const again = await new CachedOcrEngine(inner, dir).recognize(image(1));
    expect(again).toEqual(first);
    expect(inner.calls).toBe(1);
  });

  it('reads other pixels, or the same pixels with another engine, afresh', async () => {
    const dir = tempDir();
    const a = countingEngine('tess', 'A');
    const b = countingEngine('onnx', 'B');
    await new CachedOcrEngine(a, dir).recognize(image(1));
    await new CachedOcrEngine(a, dir).recognize(image(2));
    expect(a.calls).toBe(2);
    expect((await new CachedOcrEngine(b, dir).recognize(image(1))).text).toBe('B');
  });

  it('ignores a damaged entry and reads the page again', async () => {
    const dir = tempDir();
    const inner = countingEngine('tess', 'X');
    await new CachedOcrEngine(inner, dir).recognize(image(3));
    for (const f of fs.readdirSync(dir)) fs.writeFileSync(path.join(dir, f), '{"trunc');
    expect((await new CachedOcrEngine(inner, dir).recognize(image(3))).text).toBe('X');
    expect(inner.calls).toBe(2);
  });

  it('a new way of reading one kind of page reads only those pages afresh', async () => {
    const dir = tempDir();
    const receipt: OcrImage = { format: 'grey', data: new Uint8Array(2 * 5).fill(7), width: 2, height: 5 };
    const page: OcrImage = { format: 'grey', data: new Uint8Array(10 * 14).fill(7), width: 10, height: 14 };
    const before = countingEngine('onnx', 'old');
    await new CachedOcrEngine(before, dir).recognize(receipt);
    await new CachedOcrEngine(before, dir).recognize(page);
    const after = { ...countingEngine('onnx', 'new'), readingKey: (i: Pick<OcrImage, 'width' | 'height'>) => (i.height / i.width < 2 ? 'page' : '') };
    expect((await new CachedOcrEngine(after, dir).recognize(receipt)).text).toBe('old');
    expect((await new CachedOcrEngine(after, dir).recognize(page)).text).toBe('new');
    expect(after.calls).toBe(1);
  });
});
