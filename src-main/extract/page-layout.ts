/**
 * Page text as rows of words: the shape every extractor works on. Words sharing a `line` index
 * form a segment; segments whose vertical centres overlap form one visual row, so a label in one
 * column and its value in another are still "on the same line".
 */
import type { Box, PageText, Word } from '../../src-shared/document-model.ts';

export interface TextRow {
  page: number;
  /** Row index over the whole document, top to bottom, page by page. */
  index: number;
  /** Words left to right. */
  words: Word[];
  /** Words joined with single spaces, wider gaps (columns) with three spaces. */
  text: string;
  box: Box;
  /** Mean word confidence. */
  confidence: number;
}

const LINE_HEIGHT = 0.02;

/**
 * Lays plain text lines out on a grid, one word per token, for tests and for transcripts that
 * have no geometry. Runs of 3+ spaces are kept as column gaps.
 */
export function pagesFromLines(
  lines: string[],
  opts: { pageNo?: number; source?: PageText['source']; confidence?: number; charWidth?: number } = {},
): PageText[] {
  const charWidth = opts.charWidth ?? 1 / Math.max(80, ...lines.map((l) => l.length + 1));
  const words: Word[] = [];
  lines.forEach((line, lineNo) => {
    const y0 = Math.min(0.98, 0.01 + lineNo * LINE_HEIGHT * (50 / Math.max(50, lines.length)));
    const y1 = y0 + LINE_HEIGHT * 0.8 * (50 / Math.max(50, lines.length));
    for (const m of line.matchAll(/\S+/g)) {
      const x0 = m.index * charWidth;
      words.push({
        text: m[0],
        box: [x0, y0, Math.min(1, x0 + m[0].length * charWidth), y1],
        confidence: opts.confidence ?? 1,
        line: lineNo,
      });
    }
  });
  return [
    {
      pageNo: opts.pageNo ?? 1,
      width: 612,
      height: 792,
      source: opts.source ?? 'pdf_text',
      engine: 'lines',
      words,
      text: lines.join('\n'),
    },
  ];
}

function unionBox(words: Word[]): Box {
  let [x0, y0, x1, y1] = [1, 1, 0, 0];
  for (const w of words) {
    x0 = Math.min(x0, w.box[0]);
    y0 = Math.min(y0, w.box[1]);
    x1 = Math.max(x1, w.box[2]);
    y1 = Math.max(y1, w.box[3]);
  }
  return [x0, y0, x1, y1];
}

function joinWords(words: Word[]): string {
  let out = '';
  let prev: Word | undefined;
  for (const w of words) {
    if (prev) {
      const charWidth = Math.max(1e-6, (prev.box[2] - prev.box[0]) / Math.max(1, prev.text.length));
      // A gap wider than ~2.5 characters is a column break, not a word space.
      out += w.box[0] - prev.box[2] > charWidth * 2.5 ? '   ' : ' ';
    }
    out += w.text;
    prev = w;
  }
  return out;
}

function rowFromWords(page: number, words: Word[]): Omit<TextRow, 'index'> {
  const sorted = [...words].sort((a, b) => a.box[0] - b.box[0]);
  return {
    page,
    words: sorted,
    text: joinWords(sorted),
    box: unionBox(sorted),
    confidence: sorted.reduce((s, w) => s + w.confidence, 0) / Math.max(1, sorted.length),
  };
}

/** Splits pages into visual rows; falls back to the plain text where a page has no words. */
export function rowsOf(pages: PageText[]): TextRow[] {
  const rows: TextRow[] = [];
  for (const page of pages) {
    const pageRows: Omit<TextRow, 'index'>[] = [];
    if (page.words.length === 0) {
      const synthetic = pagesFromLines(page.text.split('\n'), { pageNo: page.pageNo, source: page.source });
      for (const seg of segmentsOf(synthetic[0]!.words)) pageRows.push(rowFromWords(page.pageNo, seg));
    } else {
      const segments = segmentsOf(page.words)
        .map((words) => ({ words, box: unionBox(words) }))
        .sort((a, b) => a.box[1] + a.box[3] - (b.box[1] + b.box[3]));
      let current: { words: Word[]; box: Box } | undefined;
      for (const seg of segments) {
        if (current && sameRow(current.box, seg.box) && !stacked(current.words, seg.words)) {
          current.words.push(...seg.words);
          current.box = unionBox(current.words);
        } else {
          if (current) pageRows.push(rowFromWords(page.pageNo, current.words));
          current = { words: [...seg.words], box: seg.box };
        }
      }
      if (current) pageRows.push(rowFromWords(page.pageNo, current.words));
    }
    for (const r of pageRows) rows.push({ ...r, index: rows.length });
  }
  return rows;
}

function segmentsOf(words: Word[]): Word[][] {
  const byLine = new Map<number, Word[]>();
  for (const w of words) {
    if (w.text.trim() === '') continue;
    const list = byLine.get(w.line) ?? [];
    list.push(w);
    byLine.set(w.line, list);
  }
  return [...byLine.entries()].sort((a, b) => a[0] - b[0]).map(([, ws]) => ws);
}

/**
 * Two lines whose words lie across each other are printed one over the other, however close: on one row their words
 * would interleave ("Payment IBAN:FR20 Invoice to pay 1242 by wire 1242 …"). Word by word, not line by line: a PDF may
 * draw a row's label and currency as one line and the amount between them as another. Touching words (30% of the
 * narrower) are not stacked.
 */
function stacked(row: Word[], line: Word[]): boolean {
  const byX = [...row].sort((a, b) => a.box[0] - b.box[0]);
  const widest = Math.max(...byX.map((w) => w.box[2] - w.box[0]));
  return line.some((w) => {
    // Only the row's words that start less than the widest word before this one can reach it.
    let lo = 0;
    let hi = byX.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (byX[mid]!.box[0] < w.box[0] - widest) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < byX.length && byX[i]!.box[0] < w.box[2]; i++) {
      const v = byX[i]!;
      if (Math.min(v.box[2], w.box[2]) - Math.max(v.box[0], w.box[0]) > 0.3 * Math.min(v.box[2] - v.box[0], w.box[2] - w.box[0])) return true;
    }
    return false;
  });
}

/** Two boxes are on one row when their vertical centres are within half the smaller height. */
function sameRow(a: Box, b: Box): boolean {
  const ca = (a[1] + a[3]) / 2;
  const cb = (b[1] + b[3]) / 2;
  const h = Math.min(a[3] - a[1], b[3] - b[1]);
  return Math.abs(ca - cb) <= h * 0.5;
}

/** The box of the words in a row whose text overlaps the character range [start, end). */
export function boxOfSpan(row: TextRow, start: number, end: number): Box {
  const picked: Word[] = [];
  let pos = 0;
  for (const w of row.words) {
    const idx = row.text.indexOf(w.text, pos);
    const wStart = idx < 0 ? pos : idx;
    const wEnd = wStart + w.text.length;
    if (wEnd > start && wStart < end) picked.push(w);
    pos = wEnd;
  }
  return picked.length ? unionBox(picked) : row.box;
}

/** Mean confidence of the words a character range of the row covers. */
export function confidenceOfSpan(row: TextRow, start: number, end: number): number {
  const picked: number[] = [];
  let pos = 0;
  for (const w of row.words) {
    const idx = row.text.indexOf(w.text, pos);
    const wStart = idx < 0 ? pos : idx;
    const wEnd = wStart + w.text.length;
    if (wEnd > start && wStart < end) picked.push(w.confidence);
    pos = wEnd;
  }
  return picked.length ? picked.reduce((a, b) => a + b, 0) / picked.length : row.confidence;
}
