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

// Payment lines in the languages receipts print them: "Geg. BAR", "EC-Cash", "girocard", "Efectivo", "Espèces", "Pinnen".
const CASH =
  /\b(?:cash|tunai|tendered|tender|tend|accepted|paid|payment|bayar|credit|card|visa|master(?:card)?|debit|amex|geg(?:eben)?|girocard|ec[-\s]?karte|kartenzahlung|efectivo|tarjeta|esp[eè]ces|carte\s*bancaire|pinnen|contant)\b|\bbar\b(?=\s*(?:eur\b|€|chf\b|-?\d))/i;
const CHANGE = /\b(?:change|baki|kembali|r[üu]e?ckge\w*|wechselgeld|rendu|(?<!tipo\s*de\s*)cambio|wisselgeld|resto)\b/i;
const ROUNDING = /round(?:ing)?\s*(?:adj|adjustment|off)?|rounding|penggenapan/i;
const PREPAID =
  /anzahlung|vorauszahlung|bereits\s*(?:bezahlt|gezahlt)|already\s*paid|prepaid|prepayment|paid\s*to\s*date|less\s*deposit|acompte|d[ée]j[àa]\s*(?:pay|régl|regl)|aanbetaling|reeds\s*betaald|anticipo|ya\s*pagado/i;
/** Cash rounding lands on a 5-cent grid (Malaysian sen, Swiss rappen; 10-cent grids are on it too). */
const onRoundingGrid = (cents: number) => cents % 5 === 0;

function amountFinder(decimal?: DecimalSeparator): ValueFinder {
  return (text) =>
    findAmounts(text, decimal)
      .filter((a) => a.hasDecimals || a.hasCurrency)
      .map((a) => ({ value: a.value, raw: a.raw, start: a.start, end: a.end }));
}

function labelFinder(positive: LabelRule[], negative: RegExp[]) {
  return (text: string) => matchLabel(text, positive, negative);
}

function labelledAmounts(rows: TextRow[], re: RegExp, finder: ValueFinder, lastRowOnly: boolean): number[] {
  const c = labelledValues(rows, (t) => (re.test(t) ? { strength: 1, ...spanOf(re, t) } : null), finder, {
    pick: 'last',
    maxBelow: 1,
  });
  // The last labelled row counts (payment lines sit at the bottom; "CASH RECEIPT" titles at the top).
  const last = c.reduce((m, x) => Math.max(m, x.labelRow?.index ?? -1), -1);
  return c.filter((x) => !lastRowOnly || (x.labelRow?.index ?? -1) === last).map((x) => toCents(x.value));
}

function spanOf(re: RegExp, t: string): { start: number; end: number } {
  const m = re.exec(t)!;
  return { start: m.index, end: m.index + m[0].length };
}

export function extractAmounts(rows: TextRow[], decimal: DecimalSeparator | undefined): AmountFields {
  const finder = amountFinder(decimal);
  const totals = labelledValues(rows, labelFinder(TOTAL_LABELS, TOTAL_NEGATIVE), finder, { pick: 'last' });
  const subtotals = labelledValues(rows, labelFinder(SUBTOTAL_LABELS, SUBTOTAL_NEGATIVE), finder, { pick: 'last' });
  const taxes = labelledValues(rows, labelFinder(TAX_LABELS, TAX_NEGATIVE), finder, { pick: 'last' });

  // Every amount in the document, for frequency and fallbacks.
  const all: { cents: number; row: TextRow; raw: string }[] = [];
  for (const row of rows) for (const a of finder(row.text)) all.push({ cents: toCents(a.value), row, raw: a.raw });
  const count = new Map<number, number>();
  for (const a of all) count.set(a.cents, (count.get(a.cents) ?? 0) + 1);

  // "Rückgeld BAR EUR 1,52" names the means of payment too, but is the change.
  const cash = labelledAmounts(rows.filter((r) => !CHANGE.test(r.text)), CASH, finder, true);
  const change = labelledAmounts(rows, CHANGE, finder, true);
  const rounding = labelledAmounts(rows, ROUNDING, finder, false);

  const printedAt = (cents: number) => all.find((a) => a.cents === cents);
  const derived = (cents: number, score: number, how: string, fallbackRow: TextRow): Candidate => {
    const at = printedAt(cents);
    const row = at?.row ?? fallbackRow;
    return { value: formatCents(cents), raw: at?.raw ?? formatCents(cents), row, box: row.box, score: at ? score + 0.1 : score, ocr: row.confidence, how };
  };
  const labelled = [...totals];
  // Rounding adjustments: a few cents either way ("Rounding Adj -0.02", "Round off 0.03").
  const adjustments = rounding.filter((r) => r !== 0 && Math.abs(r) <= 10);
  // The amount a total becomes once rounded: with the printed sign, or (tills often print the
  // adjustment unsigned) whichever sign lands on the rounding grid.
  const roundedFrom = (cents: number): number[] => {
    const out = new Set<number>();
    // An amount already on the grid was rounded (or needed none): a few cents more would take it off again.
    if (onRoundingGrid(cents)) return [];
    for (const r of adjustments) {
      const signed = cents + r;
      if (onRoundingGrid(signed) || !onRoundingGrid(cents - Math.abs(r))) out.add(signed);
      else out.add(cents - Math.abs(r));
    }
    out.delete(cents);
    return [...out];
  };
  // Total before rounding plus a small rounding adjustment (Malaysian 5-sen rounding, Swiss 5 rappen).
  for (const t of labelled) {
    // A total whose label already says "rounded" is not rounded again.
    if (/round/i.test(t.labelRow?.text ?? '')) continue;
    // Only where the rounded amount is printed: a total rounded for cash payment alone stays the document's total
    // (a card pays it unrounded), and receipts print the total they mean.
    for (const v of roundedFrom(toCents(t.value))) if (printedAt(v)) totals.push(derived(v, t.score, `${t.how}, plus the rounding adjustment`, t.row));
  }
  // A "Rounding" line whose amount is within 10 cents of a labelled total is the rounded total.
  for (const t of labelled) {
    for (const r of rounding) {
      const diff = Math.abs(r - toCents(t.value));
      if (diff > 0 && diff <= 10) totals.push(derived(r, t.score, 'the rounded total next to the "rounding" label', t.row));
    }
  }
  // An unlabelled amount that is a labelled subtotal plus a labelled tax ("Sub Total 68.87", "GST 6% 4.13", "RM 73.00"):
  // the total printed where OCR lost its label.
  const labelledTotalCents = new Set(totals.map((t) => toCents(t.value)));
  for (const s of subtotals) {
    for (const t of taxes) {
      const v = toCents(s.value) + toCents(t.value);
      const at = printedAt(v);
      if (at && v > 0 && plausibleSplit(toCents(s.value), toCents(t.value)) && !labelledTotalCents.has(v)) {
        totals.push(derived(v, 0.55, 'the amount printed that is the subtotal plus tax', at.row));
        labelledTotalCents.add(v);
      }
    }
  }
  // Cash paid minus change given.
  const cashRows = rows.filter((r) => CASH.test(r.text));
  for (const ca of cash) {
    for (const ch of change) {
      const v = Math.abs(ca) - Math.abs(ch);
      if (v > 0) totals.push(derived(v, 0.45, 'cash paid minus change', cashRows[0] ?? rows[rows.length - 1]!));
    }
  }
  if (totals.length === 0) {
    for (const s of subtotals) totals.push({ ...s, score: s.score * 0.35, how: `${s.how} (no total label found)` });
  }
  if (totals.length === 0) {
    // No total label read: the largest amount with decimals, ignoring cash tendered and change.
    const plain = all.filter((a) => !CASH.test(a.row.text) && !CHANGE.test(a.row.text) && a.cents > 0);
    const max = plain.sort((a, b) => b.cents - a.cents)[0];
    if (max) totals.push(derived(max.cents, 0.15, 'the largest amount on the document (no total label found)', max.row));
  }
  // Amounts that are a round sum tendered minus change: a - b = c with a whole.
  // Bounded to the last 300 amounts (the payment block is at the end) so long documents stay fast.
  const tail = all.slice(-300);
  const tendered = new Set<number>();
  for (const a of tail) {
    if (a.cents % 100 !== 0) continue;
    for (const b of tail) if (b.cents > 0 && a.cents - b.cents > 0) tendered.add(a.cents - b.cents);
  }

  const maxPrinted = all.filter((a) => !CASH.test(a.row.text)).reduce((m, a) => Math.max(m, Math.abs(a.cents)), 0);
  // A credit note prints its totals negative ("Total TTC -233,47 €"): when the largest labelled total is negative,
  // negative totals are the document's own, not misreads.
  const strongTotals = labelled.filter((t) => t.score >= 0.7);
  const largest = strongTotals.reduce<Candidate | undefined>((m, t) => (!m || Math.abs(toCents(t.value)) > Math.abs(toCents(m.value)) ? t : m), undefined);
  const negativeDocument = largest !== undefined && toCents(largest.value) < 0;
  // Amounts already paid ("Erhaltene Anzahlungen -500,00", "Bereits bezahlt 50,00", "Acompte versé"): the gross
  // total before them is the invoice's total, the rest is what remains to pay.
  const prepaid = labelledAmounts(rows, PREPAID, finder, false).map((c) => Math.abs(c)).filter((c) => c > 0);
  // What is payable. A labelled total off the rounding grid whose rounded amount is also a
  // candidate was rounded before payment; one that is another total less a labelled tax is the
  // amount before tax. Arithmetic that confirms either confirms an amount nobody pays.
  const candidateCents = new Set(totals.map((c) => toCents(c.value)));
  const taxCents = taxes.map((t) => toCents(t.value)).filter((t) => t > 0);
  const labelledCents = new Set(labelled.filter((c) => !/round/i.test(c.labelRow?.text ?? '')).map((c) => toCents(c.value)));
  // Totals whose own label says rounded ("Total Rounded", "Rounded Total").
  const roundedLabelled = labelled.filter((c) => /round/i.test(c.labelRow?.text ?? '')).map((c) => toCents(c.value));
  const roundedTo = (cents: number) =>
    onRoundingGrid(cents)
      ? undefined
      : (roundedFrom(cents).find((v) => v > 0 && onRoundingGrid(v) && candidateCents.has(v) && printedAt(v) !== undefined) ??
        roundedLabelled.find((v) => v > 0 && onRoundingGrid(v) && Math.abs(v - cents) <= 10));
  const withTaxTo = (cents: number) => taxCents.filter((t) => plausibleSplit(cents, t)).map((t) => cents + t).find((v) => candidateCents.has(v));
  const beforeRounding = new Map<number, number>();
  const beforeTax = new Map<number, number>();
  for (const cents of labelledCents) {
    const r = roundedTo(cents);
    if (r !== undefined) beforeRounding.set(cents, r);
    const t = withTaxTo(cents);
    if (t !== undefined) beforeTax.set(cents, t);
  }
  const subtotalPlusTax = (cents: number) =>
    subtotals.some((s) => taxes.some((t) => plausibleSplit(toCents(s.value), toCents(t.value)) && toCents(s.value) + toCents(t.value) === cents));
  const checks = new Map<Candidate, string[]>();
  const scored = totals.map((c) => {
    const cents = toCents(c.value);
    const why: string[] = [];
    let score = c.score;
    if (cents === 0 || (cents < 0 && !negativeDocument)) score -= 0.8;
    else if (Math.abs(cents) * 10 < maxPrinted) score -= 0.3; // a total under a tenth of the largest amount is a tax or rounding line
    if (prepaid.some((p) => totals.some((o) => toCents(o.value) === cents - p))) {
      score += 0.3;
      why.push('the total before the amount already paid');
    }
    if ((count.get(cents) ?? 0) >= 2) {
      score += 0.1;
      why.push('printed more than once');
    }
    if (cash.some((ca) => change.some((ch) => Math.abs(ca) - Math.abs(ch) === cents)) || (change.includes(0) && cash.includes(cents))) {
      score += 0.3;
      why.push('equals cash paid minus change');
    }
    // A zero tax (or a zero subtotal beside a tax as big as the total) makes anything "add up"; it proves nothing.
    if (subtotals.some((s) => taxes.some((t) => plausibleSplit(toCents(s.value), toCents(t.value)) && toCents(s.value) + toCents(t.value) === cents))) {
      score += 0.3;
      why.push('equals subtotal plus tax');
    }
    if (tendered.has(cents) && !why.includes('equals cash paid minus change')) {
      score += 0.1;
      why.push('a round sum paid minus change');
    }
    // Paid exactly, no change line: the payment row repeats the total independently.
    if (change.length === 0 && cash.includes(cents) && !why.includes('equals cash paid minus change')) {
      score += 0.05;
      why.push('equals the amount paid');
    }
    // A rounded total printed beside the rounding line, on the 5-sen grid, with the total before
    // rounding a few cents off: the till did the rounding arithmetic.
    if (/rounding/.test(c.how) && cents % 5 === 0 && printedAt(cents) !== undefined) why.push('a rounded amount printed on the rounding line');
    // The payable amount inherits what confirmed the amount before rounding or before tax.
    for (const [before, after] of beforeRounding) {
      if (after !== cents) continue;
      if (subtotalPlusTax(before)) {
        score += 0.3;
        why.push('equals subtotal plus tax plus the rounding adjustment');
      } else if (adjustments.length > 0 && printedAt(cents) !== undefined && !why.includes('equals cash paid minus change')) why.push('the total before rounding plus the rounding adjustment');
    }
    for (const after of beforeTax.values()) {
      if (after === cents && !why.includes('equals subtotal plus tax')) {
        score += 0.3;
        why.push('equals subtotal plus tax');
      }
    }
    const notPayable = beforeRounding.get(cents) ?? beforeTax.get(cents);
    if (notPayable !== undefined && c.labelRow) {
      score -= 0.5;
      // Its cross-checks confirm an amount that is not the one paid.
      for (let i = why.length - 1; i >= 0; i--) if (STRONG_CHECKS.has(why[i]!)) why.splice(i, 1);
      why.push(`${beforeRounding.has(cents) ? 'the amount before rounding' : 'the amount before tax'}; ${formatCents(notPayable)} is payable`);
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
    const bestCents = toCents(best.c.value);
    // With a rounding line, the total before rounding (a few cents off) backs the rounded one up.
    const nearRounded = rounding.length > 0 && scored.some((x) => x.c.value !== best.c.value && Math.abs(toCents(x.c.value) - bestCents) <= 10);
    // An amount before rounding or before tax, next to the payable one it becomes, is no rival.
    const superseded = (cents: number) => beforeRounding.get(cents) === bestCents || beforeTax.get(cents) === bestCents;
    const rival = scored.find((x) => x.c.value !== best.c.value && x.c.score >= 0.5 && !(nearRounded && Math.abs(toCents(x.c.value) - bestCents) <= 10) && !superseded(toCents(x.c.value)));
    // A labelled subtotal far above the total means one of them was misread (discounts rarely halve a bill).
    const biggerSubtotal = subtotals.find((x) => x.score >= 0.5 && Math.abs(toCents(x.value)) * 2 > Math.abs(bestCents) * 3); // magnitudes: a credit note's are negative
    const reasons = [
      ...why,
      ...(nearRounded ? ['the total before rounding is a few cents off'] : []),
      ...(rival ? [`another total reads ${rival.c.value}`] : []),
      ...(biggerSubtotal ? [`the subtotal reads ${biggerSubtotal.value}, far above the total`] : []),
    ];
    fields.total = toField(best.c, totalConfidence(best.c, why, best.score - (rival?.score ?? 0)) * (biggerSubtotal ? 0.5 : 1), reasons);
  }

  // Subtotal and tax: the pair that adds up to the total if there is one, else the strongest each.
  const totalCents = fields.total ? toCents(fields.total.value) : undefined;
  let pair: [Candidate, Candidate] | undefined;
  if (totalCents !== undefined) {
    let bestScore = -1;
    for (const s of subtotals) {
      for (const t of taxes) {
        if (toCents(s.value) + toCents(t.value) === totalCents && s.score + t.score > bestScore && plausibleSplit(toCents(s.value), toCents(t.value))) {
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
    // No pair adds up. A subtotal equal to the total beside a positive tax, or a tax over half the
    // total, is a misread (OCR drops digits, "GST 6%" rows carry other amounts): leave it out rather
    // than report a sum that cannot hold.
    const abs = (c: Candidate) => Math.abs(toCents(c.value));
    const totalAbs = totalCents === undefined ? undefined : Math.abs(totalCents);
    const t = strongest(taxes.filter((x) => totalAbs === undefined || abs(x) * 2 < totalAbs));
    const s = strongest(subtotals.filter((x) => totalAbs === undefined || abs(x) < totalAbs || (abs(x) === totalAbs && (!t || toCents(t.value) === 0))));
    if (s) fields.subtotal = toField(s, confidenceFrom(s.score, 0, s.ocr) * 0.8, []);
    if (t) fields.tax = toField(t, confidenceFrom(t.score, 0, t.ocr) * 0.8, []);
  }
  return fields;
}

/** Tax is a fraction of the subtotal, of the same sign (both negative on a credit note): anything else is a misread, not a cross-check. */
function plausibleSplit(subtotalCents: number, taxCents: number): boolean {
  return subtotalCents !== 0 && taxCents !== 0 && Math.sign(subtotalCents) === Math.sign(taxCents) && Math.abs(taxCents) < Math.abs(subtotalCents);
}

const STRONG_CHECKS = new Set(['equals cash paid minus change', 'equals subtotal plus tax']);

/**
 * How sure the total is. On OCR text a label alone is often next to a misread amount, so the
 * arithmetic checks weigh most; a rival total with a different value close behind costs, and so
 * do poorly read words.
 */
export function totalConfidence(c: Candidate, why: string[], margin: number): number {
  const strong = why.filter((w) => STRONG_CHECKS.has(w)).length;
  const weak = why.length - strong;
  const label = Math.max(0, Math.min(1, c.labelRow ? 1 - (1 - c.score) * 1.5 : c.score));
  let conf = 0.35 + 0.3 * label + 0.2 * Math.min(2, strong) + 0.08 * Math.min(2, weak);
  if (margin < 0.25) conf -= 0.25 - margin;
  conf *= 0.8 + 0.2 * Math.max(0, Math.min(1, c.ocr));
  return round2(Math.max(0.05, Math.min(0.99, conf)));
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
