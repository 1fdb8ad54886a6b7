/**
 * Total, subtotal and tax: labelled candidates, then cross-checks that a clerk would do
 * (subtotal + tax = total, cash - change = total, total + rounding, the total printed twice).
 */
import type { ExtractedField } from '../../src-shared/document-model.ts';
import { findAmounts, formatCents, toCents, type DecimalSeparator } from './normalise-amount.ts';
import { labelledValues, type Candidate, type ValueFinder } from './labelled-values.ts';
import {
  matchLabel,
  SUBTOTAL_LABELS,
  SUBTOTAL_NEGATIVE,
  TAX_LABELS,
  TAX_NEGATIVE,
  TOTAL_LABELS,
  TOTAL_NEGATIVE,
  type LabelRule,
} from './field-labels.ts';
import type { TextRow } from './page-layout.ts';

export interface AmountFields {
  total?: ExtractedField;
  subtotal?: ExtractedField;
  tax?: ExtractedField;
}

const CASH = /\b(?:cash|tunai|tendered|tender|paid|payment|bayar)\b/i;
const CHANGE = /\b(?:change|baki|kembali)\b/i;
const ROUNDING = /round(?:ing)?\s*(?:adj|adjustment)?|rounding|penggenapan/i;

function amountFinder(decimal?: DecimalSeparator): ValueFinder {
  return (text) =>
    findAmounts(text, decimal)
      .filter((a) => a.hasDecimals || a.hasCurrency)
      .map((a) => ({ value: a.value, raw: a.raw, start: a.start, end: a.end }));
}

function labelFinder(positive: LabelRule[], negative: RegExp[]) {
  return (text: string) => matchLabel(text, positive, negative);
}

function firstLabelled(rows: TextRow[], re: RegExp, finder: ValueFinder): number[] {
  const c = labelledValues(rows, (t) => (re.test(t) ? { strength: 1, ...spanOf(re, t) } : null), finder, {
    pick: 'last',
    maxBelow: 1,
    labelName: 'x',
  });
  return c.map((x) => toCents(x.value));
}

function spanOf(re: RegExp, t: string): { start: number; end: number } {
  const m = re.exec(t)!;
  return { start: m.index, end: m.index + m[0].length };
}

export function extractAmounts(rows: TextRow[], decimal: DecimalSeparator | undefined, pageCount: number): AmountFields {
  const finder = amountFinder(decimal);
  const totals = labelledValues(rows, labelFinder(TOTAL_LABELS, TOTAL_NEGATIVE), finder, { pick: 'last', labelName: 'total' });
  const subtotals = labelledValues(rows, labelFinder(SUBTOTAL_LABELS, SUBTOTAL_NEGATIVE), finder, { pick: 'last', labelName: 'subtotal' });
  const taxes = labelledValues(rows, labelFinder(TAX_LABELS, TAX_NEGATIVE), finder, { pick: 'last', labelName: 'tax' });

  // Every amount in the document, for frequency and fallbacks.
  const all: { cents: number; row: TextRow; raw: string }[] = [];
  for (const row of rows) for (const a of finder(row.text)) all.push({ cents: toCents(a.value), row, raw: a.raw });
  const count = new Map<number, number>();
  for (const a of all) count.set(a.cents, (count.get(a.cents) ?? 0) + 1);

  const cash = firstLabelled(rows, CASH, finder);
  const change = firstLabelled(rows, CHANGE, finder);
  const rounding = firstLabelled(rows, ROUNDING, finder);

  if (totals.length === 0) {
    // No total label read: the largest amount with decimals, ignoring cash tendered and change.
    const plain = all.filter((a) => !CASH.test(a.row.text) && !CHANGE.test(a.row.text) && a.cents > 0);
    const max = plain.sort((a, b) => b.cents - a.cents)[0];
    if (max) {
      totals.push({
        value: formatCents(max.cents),
        raw: max.raw,
        row: max.row,
        box: max.row.box,
        score: 0.25,
        ocr: max.row.confidence,
        how: 'the largest amount on the document (no total label found)',
      });
    }
  }

  const checks = new Map<Candidate, string[]>();
  const scored = totals.map((c) => {
    const cents = toCents(c.value);
    const why: string[] = [];
    let score = c.score;
    if (cents <= 0) score -= 0.8;
    if ((count.get(cents) ?? 0) >= 2) {
      score += 0.1;
      why.push('printed more than once');
    }
    if (cash.some((ca) => change.some((ch) => ca - ch === cents && ch >= 0)) || (change.includes(0) && cash.includes(cents))) {
      score += 0.3;
      why.push('equals cash paid minus change');
    }
    if (subtotals.some((s) => taxes.some((t) => toCents(s.value) + toCents(t.value) === cents))) {
      score += 0.3;
      why.push('equals subtotal plus tax');
    }
    if (rounding.length && totals.some((o) => o !== c && rounding.some((r) => toCents(o.value) + r === cents && r !== 0))) {
      score += 0.2;
      why.push('equals the unrounded total plus rounding');
    }
    // Later labelled totals are usually the final ones (after discounts and rounding).
    score += 0.05 * (c.row.index / Math.max(1, rows.length));
    checks.set(c, why);
    return { c, score };
  });
  // Of near-equal candidates, the largest labelled total wins (grand total beats a partial one).
  scored.sort((a, b) => b.score - a.score || toCents(b.c.value) - toCents(a.c.value));
  const best = scored[0];
  const fields: AmountFields = {};
  if (best) {
    const why = checks.get(best.c) ?? [];
    fields.total = toField(best.c, confidenceFrom(best.c.score, why.length, best.c.ocr), why);
  }

  // Subtotal and tax: the pair that adds up to the total if there is one, else the strongest each.
  const totalCents = fields.total ? toCents(fields.total.value) : undefined;
  let pair: [Candidate, Candidate] | undefined;
  if (totalCents !== undefined) {
    let bestScore = -1;
    for (const s of subtotals) {
      for (const t of taxes) {
        if (toCents(s.value) + toCents(t.value) === totalCents && s.score + t.score > bestScore && toCents(t.value) > 0) {
          bestScore = s.score + t.score;
          pair = [s, t];
        }
      }
    }
  }
  if (pair) {
    fields.subtotal = toField(pair[0], confidenceFrom(pair[0].score, 1, pair[0].ocr), ['subtotal plus tax equals the total']);
    fields.tax = toField(pair[1], confidenceFrom(pair[1].score, 1, pair[1].ocr), ['subtotal plus tax equals the total']);
  } else {
    const s = strongest(subtotals.filter((x) => totalCents === undefined || toCents(x.value) <= totalCents));
    const t = strongest(taxes.filter((x) => totalCents === undefined || toCents(x.value) < totalCents));
    if (s) fields.subtotal = toField(s, confidenceFrom(s.score, 0, s.ocr) * 0.8, []);
    if (t) fields.tax = toField(t, confidenceFrom(t.score, 0, t.ocr) * 0.8, []);
  }
  void pageCount;
  return fields;
}

function strongest(cs: Candidate[]): Candidate | undefined {
  return [...cs].sort((a, b) => b.score - a.score)[0];
}

/** Label strength scaled into 0.4..0.85, each passed cross-check adding 0.1, times OCR confidence. */
export function confidenceFrom(score: number, passedChecks: number, ocr: number): number {
  const base = 0.4 + 0.45 * Math.max(0, Math.min(1, score));
  return round2(Math.min(0.99, base + 0.1 * passedChecks) * Math.max(0, Math.min(1, ocr)));
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

export function toField(c: Candidate, confidence: number, why: string[]): ExtractedField {
  const note = [c.how, ...why, c.note].filter(Boolean).join('; ');
  return {
    value: c.value,
    confidence,
    page: c.row.page,
    box: c.box,
    raw: c.raw,
    source: 'generic',
    note,
  };
}
