import { describe, expect, it } from 'vitest';
import { judgeTextLayer } from './text-quality.ts';

describe('judgeTextLayer', () => {
  it('accepts ordinary invoice text, amounts and all', () => {
    expect(judgeTextLayer('Invoice INV/2023/03/0008 Total $ 279.84 Due 04/04/2023', 20)).toBe('real');
    expect(judgeTextLayer('Rechnung Nr. 4711 — Gesamtbetrag 1.234,50 € inkl. MwSt.', 20)).toBe('real');
  });

  it('calls a handful of characters sparse', () => {
    expect(judgeTextLayer('', 20)).toBe('sparse');
    expect(judgeTextLayer('   \n ', 20)).toBe('sparse');
    expect(judgeTextLayer('p. 1', 20)).toBe('sparse');
  });

  it('rejects glyph ids from fonts without a Unicode map', () => {
    expect(judgeTextLayer('\u0019\u0012', 20)).toBe('garbage'); // odd/type3_font_nomapping.pdf
    expect(judgeTextLayer('"7+%-', 20)).toBe('garbage'); // odd/truetype_font_nomapping.pdf
    expect(judgeTextLayer('䴀甀 氀 琀 椀 挀 漀 氀 漀 爀 䈀 氀 愀 挀 欀 倀 甀 爀 攀', 20)).toBe('garbage'); // odd/cmyk.pdf, byte-swapped
    expect(judgeTextLayer('\ue001\ue002\ue003\ue004 \ue005\ue006\ue007\ue008 \ue009\ue00a\ue00b', 5)).toBe('garbage');
    expect(judgeTextLayer('\ufffd\ufffd\ufffd abc', 2)).toBe('garbage');
  });

  it('keeps real text in other scripts', () => {
    expect(judgeTextLayer('請求書 合計金額 12,345円 お支払期限 2024年5月31日', 10)).toBe('real');
  });
});
