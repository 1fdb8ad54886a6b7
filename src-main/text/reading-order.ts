import type { Word } from '../../src-shared/document-model.ts';

/** Only a short line (an amount, a value, a table cell) is attached to the line on its left. */
const SHORT_LINE_WORDS = 4;
const SHORT_LINE_WIDTH = 0.25;

type Row = { y0: number; y1: number; x1: number; words: Word[] };

/**
 * Keeps the source's line order (tesseract's layout analysis, or the PDF's content order) but
 * attaches a short line to an earlier one on the same row when it sits to its right: tesseract reads
 * a receipt's price column as its own block, which splits "TOTAL ... 9.00" apart. A long line is
 * prose in a column of its own and stays where it is. Returns new words (line = row index) and the text.
 */
export function orderByRows(words: readonly Word[]): { words: Word[]; text: string } {
  const lines = new Map<number, Word[]>();
  for (const w of words) {
    const list = lines.get(w.line);
    if (list) list.push(w);
    else lines.set(w.line, [w]);
  }
  const rows: Row[] = [];
  for (const ws of lines.values()) {
    const x0 = Math.min(...ws.map((w) => w.box[0]));
    const line: Row = {
      // Medians, not extremes: a skewed line's box is much taller than its text.
      y0: median(ws.map((w) => w.box[1])),
      y1: median(ws.map((w) => w.box[3])),
      x1: Math.max(...ws.map((w) => w.box[2])),
      words: [...ws],
    };
    const short = ws.length <= SHORT_LINE_WORDS && line.x1 - x0 < SHORT_LINE_WIDTH;
    const row = short ? rows.find((r) => overlapsEnough(r, line) && x0 >= r.x1 - 0.005) : undefined;
    if (row) {
      row.words.push(...line.words);
      row.x1 = Math.max(row.x1, line.x1);
    } else {
      rows.push(line);
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
