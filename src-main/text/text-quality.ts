/**
 * Whether a PDF text layer holds real text. Fonts without a Unicode map give glyph ids instead
 * of characters: control codes, private-use code points, U+FFFD, byte-swapped UTF-16 (U+4D00 for
 * "M"), or symbol soup such as `"7+%-`.
 */
export type TextLayerVerdict = 'real' | 'sparse' | 'garbage';

export function judgeTextLayer(text: string, minChars: number): TextLayerVerdict {
  let total = 0;
  let bad = 0;
  let alnum = 0;
  for (const ch of text) {
    if (/\s/u.test(ch)) continue;
    total++;
    const code = ch.codePointAt(0) ?? 0;
    if (isBadCodePoint(code)) bad++;
    else if (/[\p{L}\p{N}]/u.test(ch)) alnum++;
  }
  if (total === 0) return 'sparse';
  if (bad / total > 0.1) return 'garbage';
  // Real text is mostly letters and digits, even on an invoice full of amounts and punctuation.
  if (alnum / total < 0.5) return 'garbage';
  return total < minChars ? 'sparse' : 'real';
}

function isBadCodePoint(code: number): boolean {
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return true;
  if (code === 0xfffd) return true;
  if ((code >= 0xe000 && code <= 0xf8ff) || code >= 0xf0000) return true;
  // Byte-swapped ASCII: U+2000..U+7E00 with a zero low byte.
  return code >= 0x2000 && code <= 0x7e00 && (code & 0xff) === 0;
}
