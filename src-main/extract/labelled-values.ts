/**
 * Finding the value that belongs to a label: on the same row to its right, in the same column
 * on the rows below (PDF tables), or (receipts transcribed box by box) the n-th value after a
 * run of n labels.
 */
import { boxOfSpan, confidenceOfSpan, type TextRow } from './page-layout.ts';
import type { Box } from '../../src-shared/document-model.ts';
import { repairLabels } from './ocr-repair.ts';

export interface ValueMatch {
  value: string;
  raw: string;
  start: number;
  end: number;
  /** Extra data a value finder attaches (date notes). */
  note?: string;
}

export type ValueFinder = (text: string) => ValueMatch[];

export interface Candidate {
  value: string;
  raw: string;
  row: TextRow;
  box: Box;
  /** 0..1: how sure the label makes us, before cross-checks. */
  score: number;
  /** OCR confidence of the value's words. */
  ocr: number;
  how: string;
  labelRow?: TextRow;
  note?: string;
}

export type LabelFinder = (text: string) => { strength: number; start: number; end: number } | null;

const LETTERS = /\p{L}{2,}/u;
const NEUTRAL_WORDS = /\b(?:RM|MYR|USD|EUR|INR|Rs|SGD|GBP|TTC|HT|incl|excl)\b\.?|[€$£₹:*=@#()]/gi;

/** Whether a row, once its values are removed, has no words left (a value-only row). */
function isValueOnly(row: TextRow, values: ValueMatch[]): boolean {
  let rest = row.text;
  for (const v of [...values].reverse()) rest = rest.slice(0, v.start) + rest.slice(v.end);
  return !LETTERS.test(rest.replace(NEUTRAL_WORDS, ' '));
}

export function candidate(row: TextRow, m: ValueMatch, score: number, how: string, labelRow?: TextRow): Candidate {
  return {
    value: m.value,
    raw: m.raw.trim(),
    row,
    box: boxOfSpan(row, m.start, m.end),
    score,
    ocr: confidenceOfSpan(row, m.start, m.end),
    how,
    labelRow,
    note: m.note,
  };
}

/**
 * Every value a label points at, scored by label strength and by how direct the link is.
 * `pick` says which value on the label's own row is meant: the first after the label (ids,
 * dates) or the last one (amounts in the rightmost column).
 */
export function labelledValues(
  rows: TextRow[],
  findLabel: LabelFinder,
  findValues: ValueFinder,
  opts: { pick: 'first' | 'last'; maxBelow?: number },
): Candidate[] {
  const out: Candidate[] = [];
  const valuesByRow = rows.map((r) => findValues(r.text));
  const labelByRow = rows.map((r) => findLabel(repairLabels(r.text)));
  const maxBelow = opts.maxBelow ?? 3;
  rows.forEach((row, i) => {
    const label = labelByRow[i];
    if (!label) return;
    // Values right of the label, up to the next words (the next label on the row).
    const after: ValueMatch[] = [];
    let prevEnd = label.end;
    for (const v of findValues(row.text.slice(label.end))) {
      const shifted = { ...v, start: v.start + label.end, end: v.end + label.end };
      if (after.length > 0 && LETTERS.test(row.text.slice(prevEnd, shifted.start).replace(NEUTRAL_WORDS, ' '))) break;
      after.push(shifted);
      prevEnd = shifted.end;
    }
    if (after.length > 0) {
      const m = opts.pick === 'first' ? after[0]! : after[after.length - 1]!;
      out.push(candidate(row, m, label.strength, `next to the label "${row.text.slice(label.start, label.end).trim()}"`, row));
      return;
    }
    if (valuesByRow[i]!.some((v) => v.end <= label.start)) return;
    // A table header of a PDF ("Warenwert   Nettobetrag   MwSt-Betrag   Endbetrag"): its values sit in its columns below.
    const header = row.words.length > 0 && row.text.split(/\s{3,}/).length >= 3;
    // Receipt transcripts: a run of label-only rows, then a run of value-only rows in the same order.
    let runStart = i;
    while (runStart > 0 && labelOnly(runStart - 1)) runStart--;
    let runEnd = i;
    while (runEnd + 1 < rows.length && labelOnly(runEnd + 1)) runEnd++;
    const valueRun: number[] = [];
    for (let j = runEnd + 1; !header && j < rows.length && valueRun.length < 8; j++) {
      if (rows[j]!.page !== row.page) break;
      const vs = valuesByRow[j]!;
      if (vs.length > 0 && isValueOnly(rows[j]!, vs)) valueRun.push(j);
      else if (LETTERS.test(rows[j]!.text.replace(NEUTRAL_WORDS, ' '))) break;
    }
    const labelsInRun = runEnd - runStart + 1;
    const pos = i - runStart;
    const labelText = row.text.slice(label.start, label.end).trim();
    // Equal runs pair up in order; unequal ones are read both from the top and from the bottom.
    const picks = new Map<number, number>();
    if (valueRun.length === labelsInRun) picks.set(pos, 0.9);
    else {
      if (pos < valueRun.length) picks.set(pos, labelsInRun === 1 ? 0.85 : 0.6);
      const fromEnd = valueRun.length - labelsInRun + pos;
      if (fromEnd >= 0 && fromEnd < valueRun.length && !picks.has(fromEnd)) picks.set(fromEnd, 0.6);
    }
    for (const [k, penalty] of picks) {
      const j = valueRun[k]!;
      const vs = valuesByRow[j]!;
      const m = opts.pick === 'first' ? vs[0]! : vs[vs.length - 1]!;
      out.push(candidate(rows[j]!, m, label.strength * penalty, `after the label "${labelText}"`, row));
    }
    // Tables in PDFs: the value sits below the label, in its column. A stack of labels is a
    // receipt transcript, where the run alignment above is the better reading.
    if (labelsInRun > 1 && valueRun.length > 0) return;
    const [lx0, , lx1] = row.words.length ? labelBox(row, label) : row.box;
    for (let k = 1; k <= maxBelow && i + k < rows.length; k++) {
      const below = rows[i + k]!;
      if (below.page !== row.page) break;
      const inColumn = valuesByRow[i + k]!.filter((v) => {
        const [x0, , x1] = boxOfSpan(below, v.start, v.end);
        return x1 >= lx0 - 0.02 && x0 <= lx1 + 0.15;
      });
      if (inColumn.length > 0) {
        out.push(candidate(below, inColumn[0]!, label.strength * (k === 1 ? 0.85 : 0.7), `below the label "${labelText}"`, row));
        const sum = columnSum(i + k, lx0, lx1);
        if (sum) out.push(candidate(sum.row, sum.match, label.strength * 0.9, `the sum at the foot of the column "${labelText}"`, row));
        break;
      }
    }
  });
  return out;

  /**
   * A column of amounts under a header (one row per tax rate) whose last row is the sum of the rows above it:
   * that last row is the document's figure.
   */
  function columnSum(first: number, lx0: number, lx1: number): { row: TextRow; match: ValueMatch } | undefined {
    const cells: { row: TextRow; match: ValueMatch }[] = [];
    // Rows with figures only in other columns (a rate's line of another column) may sit between the rates and the sum.
    let gaps = 0;
    for (let j = first; j < rows.length && cells.length < 8; j++) {
      if (rows[j]!.page !== rows[first]!.page) break;
      const m = valuesByRow[j]!.find((v) => {
        const [x0, , x1] = boxOfSpan(rows[j]!, v.start, v.end);
        return x1 >= lx0 - 0.02 && x0 <= lx1 + 0.15;
      });
      if (!m && valuesByRow[j]!.length > 0 && !LETTERS.test(rows[j]!.text) && gaps++ < 2) continue;
      if (!m || !/^-?\d+\.\d{2}$/.test(m.value)) break;
      cells.push({ row: rows[j]!, match: m });
    }
    if (cells.length < 3) return undefined;
    const cents = cells.map((c) => Math.round(Number(c.match.value) * 100));
    const last = cents[cents.length - 1]!;
    const rest = cents.slice(0, -1).reduce((a, b) => a + b, 0);
    return last !== 0 && last === rest ? cells[cells.length - 1] : undefined;
  }

  /** A row of words with no value of this kind: part of a run of stacked labels. */
  function labelOnly(j: number): boolean {
    // Short rows only: a sentence of prose above a label is not one of a transcript's stacked labels.
    const text = rows[j]!.text;
    return valuesByRow[j]!.length === 0 && text.trim().length <= 40 && !/\d\s*$/.test(text) && /\p{L}/u.test(text.replace(NEUTRAL_WORDS, ' '));
  }
}

function labelBox(row: TextRow, label: { start: number; end: number }): Box {
  return boxOfSpan(row, label.start, label.end);
}
