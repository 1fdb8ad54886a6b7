import type { Word } from '../../src-shared/document-model.ts';

/**
 * Re-orders OCR lines into visual rows, top to bottom and left to right: tesseract reads a
 * receipt's right-hand price column as its own block, which splits "TOTAL ... 9.00" apart.
 * Lines whose vertical extents overlap by more than half the smaller height share a row.
 * Returns new words (line = row index) and the text, one row a line.
 */
export function orderByRows(words: readonly Word[]): { words: Word[]; text: string } {
  const lines = new Map<number, Word[]>();
  for (const w of words) {
    const list = lines.get(w.line);
    if (list) list.push(w);
    else lines.set(w.line, [w]);
  }
  type Span = { y0: number; y1: number; words: Word[] };
  const spans: Span[] = [...lines.values()].map((ws) => ({
    y0: median(ws.map((w) => w.box[1])),
    y1: median(ws.map((w) => w.box[3])),
    words: ws,
  }));
  spans.sort((a, b) => a.y0 + a.y1 - (b.y0 + b.y1));
  const rows: Span[] = [];
  for (const span of spans) {
    const row = rows[rows.length - 1];
    if (row && overlapsEnough(row, span)) {
      row.words.push(...span.words);
      row.y0 = Math.min(row.y0, span.y0);
      row.y1 = Math.max(row.y1, span.y1);
    } else {
      rows.push({ ...span, words: [...span.words] });
    }
  }
  const out: Word[] = [];
  const text: string[] = [];
  rows.forEach((row, i) => {
    row.words.sort((a, b) => a.box[0] - b.box[0]);
    for (const w of row.words) out.push({ ...w, line: i });
    text.push(row.words.map((w) => w.text).join(' '));
  });
  return { words: out, text: text.join('\n') };
}

function overlapsEnough(a: { y0: number; y1: number }, b: { y0: number; y1: number }): boolean {
  const overlap = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  const smaller = Math.min(a.y1 - a.y0, b.y1 - b.y0);
  return smaller > 0 && overlap > smaller / 2;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}
