/**
 * Dates (issue, due), identifiers (document number, PO number, VAT number, IBAN) and the currency.
 */
import type { ExtractedField } from '../../src-shared/document-model.ts';
import { findDates, type DateOrder } from './normalise-date.ts';
import { candidate, labelledValues, type Candidate, type ValueFinder } from './labelled-values.ts';
import {
  DOCUMENT_NUMBER_LABELS,
  DOCUMENT_NUMBER_NEGATIVE,
  DUE_DATE_LABELS,
  DUE_DATE_NEGATIVE,
  IBAN_LABELS,
  ISSUE_DATE_LABELS,
  ISSUE_DATE_NEGATIVE,
  matchLabel,
  PO_NUMBER_LABELS,
  TAX_ID_LABELS,
} from './field-labels.ts';
import { checkIban, checkTaxId, compactId } from './identifiers.ts';
import { confidenceFrom, toField } from './extract-amounts.ts';
import type { TextRow } from './page-layout.ts';
import { currencyFromCountry } from './currency-from-country.ts';
import { buyerBlockSegments, inBuyerBlock } from './buyer-block.ts';
import { isUndecidedReading } from '../../src-shared/undecided-reading.ts';

function dateFinder(order: DateOrder): ValueFinder {
  return (text) => findDates(text, order).map((d) => ({ value: d.iso, raw: d.raw, start: d.start, end: d.end, note: d.note }));
}

/** How much an ambiguous day/month reading costs in confidence, by how sure the locale is: with no cue it is a coin flip. */
const AMBIGUITY_FACTOR = { strong: 0.97, weak: 0.85, none: 0.5 } as const;

export function extractDates(
  rows: TextRow[],
  order: DateOrder,
  localeStrength: keyof typeof AMBIGUITY_FACTOR = 'weak',
): { issueDate?: ExtractedField; dueDate?: ExtractedField } {
  const finder = dateFinder(order);
  // "Zahlbar mit 2% Skonto bis …" is the discount date; "netto bis 04.07., 3% Skonto bis 15.06." still names the due date first.
  const dueLabel = (t: string) => {
    const m = matchLabel(t, DUE_DATE_LABELS);
    return m && !DUE_DATE_NEGATIVE.test(t.slice(Math.max(0, m.start - 20), m.end)) ? m : null;
  };
  const due = labelledValues(rows, dueLabel, finder, { pick: 'first' });
  const labelled = labelledValues(rows, (t) => matchLabel(t, ISSUE_DATE_LABELS, ISSUE_DATE_NEGATIVE), finder, {
    pick: 'first',
  });
  const dueValues = new Set(due.filter((d) => d.score >= 0.8).map((d) => `${d.row.index}:${d.value}`));
  const issue: Candidate[] = labelled.filter((c) => !dueValues.has(`${c.row.index}:${c.value}`));
  // Unlabelled dates count too, the first ones most, unless their row says what else they are.
  let seen = 0;
  for (const row of rows) {
    for (const m of finder(row.text)) {
      const negative = ISSUE_DATE_NEGATIVE.some((re) => re.test(row.text)) || matchLabel(row.text, DUE_DATE_LABELS) !== null;
      const score = negative ? 0.05 : Math.max(0.15, 0.45 - 0.05 * seen);
      issue.push(candidate(row, m, score, 'the first date on the document'));
      seen++;
    }
  }
  const out: { issueDate?: ExtractedField; dueDate?: ExtractedField } = {};
  const best = strongest(issue);
  if (best) {
    const why: string[] = [];
    if (!best.note) why.push('day and month cannot swap');
    const agreeing = new Set(issue.filter((c) => c.value === best.value && c.score >= 0.4).map((c) => c.how));
    if (agreeing.size > 1) why.push('both the label and the position point to it');
    const others = new Set(issue.filter((c) => c.score >= 0.6 && c.value !== best.value).map((c) => c.value));
    // A reading no cue decides is a coin flip whatever the locale says: a year-first date elsewhere sets the order to
    // 'YMD' with a weak strength, which says nothing about day and month.
    const ambiguity = !best.note ? 1 : isUndecidedReading(best.note) ? AMBIGUITY_FACTOR.none : AMBIGUITY_FACTOR[localeStrength];
    const confidence = confidenceFrom(best.score, why.length - others.size, best.ocr) * ambiguity;
    out.issueDate = toField(best, Math.round(Math.max(0.05, confidence) * 100) / 100, why);
  }
  // A due date before the issue date is usually a misread, unless its own label sits right beside it
  // (insurers bill a premium that fell due before the bill was printed).
  const bestDue = strongest(due.filter((d) => !out.issueDate || d.value >= out.issueDate.value || (d.labelRow === d.row && d.score >= 0.95)));
  // Due on the day of issue ("Date d'échéance" equal to the invoice date, payment on receipt) needs its own label beside it.
  if (bestDue && (bestDue.value !== out.issueDate?.value || (bestDue.labelRow === bestDue.row && bestDue.score >= 0.95))) {
    out.dueDate = toField(bestDue, confidenceFrom(bestDue.score, 0, bestDue.ocr), []);
  }
  return out;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function strongest(cs: Candidate[]): Candidate | undefined {
  // Stable: of equal scores, the earliest on the page.
  return cs.reduce<Candidate | undefined>((best, c) => (!best || c.score > best.score ? c : best), undefined);
}

/** Tokens that look like a document or order number: a run with at least one digit. */
// Bounded repeats: an unbounded run before the required digit is quadratic on long letter runs.
const ID_TOKEN = /[#:]?\s*([A-Z0-9][A-Z0-9_\-/.]{0,40}?\d[A-Z0-9_\-/.]{0,40}|\d{1,40})/gi;

const idFinder: ValueFinder = (text) => {
  const out = [];
  for (const m of text.matchAll(ID_TOKEN)) {
    const value = m[1]!.replace(/[.\-/]+$/, '');
    if (/^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$/.test(value)) continue; // a date, not a number
    if (value.replace(/\D/g, '').length < 3) continue;
    const start = m.index + m[0].indexOf(m[1]!);
    out.push({ value, raw: m[1]!, start, end: start + m[1]!.length });
  }
  return out;
};

export function extractIdentifiers(rows: TextRow[]): {
  documentNumber?: ExtractedField;
  poNumber?: ExtractedField;
  vendorTaxId?: ExtractedField;
  iban?: ExtractedField;
} {
  const out: ReturnType<typeof extractIdentifiers> = {};
  const docNo = strongest(
    labelledValues(rows, (t) => matchLabel(t, DOCUMENT_NUMBER_LABELS, DOCUMENT_NUMBER_NEGATIVE, 2), idFinder, {
      pick: 'first',
      maxBelow: 1,
    }).filter((c) => c.labelRow === c.row || c.score >= 0.5),
  );
  if (docNo) out.documentNumber = toField(docNo, confidenceFrom(docNo.score, 0, docNo.ocr), []);

  const po = strongest(
    labelledValues(rows, (t) => matchLabel(t, PO_NUMBER_LABELS), idFinder, { pick: 'first', maxBelow: 1 }),
  );
  if (po && po.value !== out.documentNumber?.value) out.poNumber = toField(po, confidenceFrom(po.score, 0, po.ocr), []);

  const taxId = extractTaxId(rows);
  if (taxId) out.vendorTaxId = taxId;
  const iban = extractIban(rows);
  if (iban) out.iban = iban;
  return out;
}

const TAX_ID_TOKEN = /(?:[A-Z]{2,3}[\s]?)?[0-9A-Z]{1,4}(?:[\s\-.]?[0-9A-Z]{1,12}){0,5}/g;

const taxIdFinder: ValueFinder = (text) => {
  const out = [];
  for (const m of text.matchAll(TAX_ID_TOKEN)) {
    // Column gaps end a value; wrap-around spaces inside are grouping.
    let groups = m[0].split(/\s{3,}/)[0]!.trim().split(/\s+/);
    // A group cut out of a word ("P" of "Pay") and a word after the digits ("4500193497 REDACTED") are not the number.
    if (groups.length > 1 && /^[a-z]/.test(text.slice(m.index + m[0].length))) groups = groups.slice(0, -1);
    const word = groups.findIndex((g, i) => i > 0 && /^[A-Z]{3,}$/.test(g) && groups.slice(0, i).some((p) => /\d/.test(p)));
    if (word > 0) groups = groups.slice(0, word);
    const raw = m[0].slice(0, m[0].indexOf(groups[groups.length - 1]!) + groups[groups.length - 1]!.length).trim();
    const digits = raw.replace(/\D/g, '').length;
    if (digits < 6 || /^(?:NO|REG|ID)\b/i.test(raw)) continue;
    out.push({ value: raw, raw, start: m.index, end: m.index + raw.length });
  }
  return out;
};

function extractTaxId(rows: TextRow[]): ExtractedField | undefined {
  // The customer's number under "Bill to" is not the vendor's, labelled or not.
  const blocks = buyerBlockSegments(rows, { depth: 6, untilBlankLine: true });
  const buyerSide = (c: Candidate) => buyerWords(c) || inBuyerBlock(blocks, c.row, Math.max(0, c.row.text.indexOf(c.raw)));
  const labelled = labelledValues(rows, (t) => matchLabel(t, TAX_ID_LABELS), taxIdFinder, {
    pick: 'first',
    maxBelow: 2,
  });
  const scored = labelled.filter((c) => !checkIban(c.value).valid && !/^(?:IBAN|BIC|SWIFT)\b/i.test(c.value)).map((c) => {
    const buyers = buyerSide(c);
    // OCR adds stray characters at the ends ("O06AABCO6063D1ZQ"); a format that then checks out wins.
    const trimmed = [c.value.slice(1), c.value.slice(0, -1)].find((v) => !checkTaxId(c.value).valid && checkTaxId(v).valid);
    if (trimmed) c = { ...c, value: trimmed, note: 'a stray character at the end was dropped' };
    const check = checkTaxId(c.value);
    // The buyer's number is never the vendor's, however well it is labelled and formed.
    return { c, valid: check.valid, score: buyers ? 0 : c.score + (check.valid ? 0.3 : 0) };
  });
  // Unlabelled EU VAT numbers with a valid format still count, a little.
  for (const row of rows) {
    for (const m of row.text.matchAll(/\b(?:DE|FR|NL|BE|ES|IT|ATU|GB)\s?[0-9A-Z]{2,3}(?:\s?[0-9A-Z]{3}){2,3}\b/g)) {
      if (checkTaxId(m[0]).valid && !scored.some((x) => x.c.row === row && compactId(x.c.value) === compactId(m[0]))) {
        const c = candidate(row, { value: m[0], raw: m[0], start: m.index, end: m.index + m[0].length }, 0.3, 'shaped like an EU VAT number');
        scored.push({ c, valid: true, score: buyerSide(c) ? 0 : 0.6 });
      }
    }
  }
  scored.sort((a, b) => b.score - a.score);
  const best = scored[0];
  if (!best || best.score <= 0) return undefined;
  const field = toField(best.c, confidenceFrom(best.c.score, best.valid ? 1 : 0, best.c.ocr), best.valid ? ['format checks out'] : []);
  return { ...field, value: best.c.value.replace(/\s{2,}/g, ' ') };
}

/** Words before a VAT number that say it is the customer's ("N° TVA client", "Ihre USt-IdNr.", "Customer VAT Number"). */
const BUYER_CUE = /client|customer|kunde|käufer|buyer|acheteur|destinataire|cliente|klant|afnemer|empfänger|\bihre?\b|\byour\b|\bvotre\b|\buw\b|bill(?:ed)?\s*to|sold\s*to|comprador/i;

function buyerWords(c: Candidate): boolean {
  const row = c.labelRow ?? c.row;
  const at = row === c.row ? row.text.indexOf(c.raw) : row.text.length;
  // Only the words just before the number, up to the previous column gap: the row may hold the vendor's number too.
  // On a row with no column gaps (a PDF's run-on text line), only the few words before it.
  const before = row.text.slice(0, at >= 0 ? at : row.text.length).split(/\s{3,}/).slice(-2).join(' ').slice(-50);
  return BUYER_CUE.test(before);
}

/** Headings of a bank-details block, in the languages we read. */
const BANK_DETAILS = /bankverbindung|bankdaten|bank\s*details|bank\s*account|banking\s*details|coordonn[ée]es\s*bancaires|\brib\b|rekeningnummer|bankgegevens|datos\s*bancarios|cuenta\s*bancaria|coordinate\s*bancarie/i;

const IBAN_TOKEN = /\b[A-Z]{2}[0-9OSIBZ]{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?\b/g;
const DIGIT_LOOKALIKE: Record<string, string> = { O: '0', S: '5', I: '1', B: '8', Z: '2' };

/** The check digits misread as letters ("NLSO…" for "NL50…"); mod 97 confirms the repair. */
function repairIbanCheckDigits(token: string): string {
  const compact = token.replace(/\s/g, '');
  return compact.slice(0, 2) + compact.slice(2, 4).replace(/[OSIBZ]/g, (c) => DIGIT_LOOKALIKE[c]!) + compact.slice(4);
}

function extractIban(rows: TextRow[]): ExtractedField | undefined {
  for (const row of rows) {
    for (const m of row.text.matchAll(IBAN_TOKEN)) {
      const check = checkIban(repairIbanCheckDigits(m[0]));
      if (check.valid) {
        const c = candidate(row, { value: check.iban, raw: m[0], start: m.index, end: m.index + m[0].length }, 1, 'a valid IBAN (mod 97)');
        return toField(c, confidenceFrom(1, 1, c.ocr), []);
      }
    }
  }
  // An IBAN-shaped number on or just under an "IBAN" label whose check digits fail (sample or mistyped
  // numbers): kept, with low confidence, so the reviewer sees it and the rules can flag it.
  for (const [i, row] of rows.entries()) {
    const labelHere = /\biban\b/i.test(row.text);
    const labelAbove = i > 0 && rows[i - 1]!.page === row.page && /\biban\b[\s:.-]*$/i.test(rows[i - 1]!.text);
    // Or under a bank-details heading ("Bankverbindung:", "Coordonnées bancaires") with no "IBAN" word, if the
    // number has exactly its country's IBAN length.
    const bankAbove = i > 0 && rows[i - 1]!.page === row.page && BANK_DETAILS.test(rows[i - 1]!.text);
    const bankHere = BANK_DETAILS.test(row.text);
    if (!labelHere && !labelAbove && !bankHere && !bankAbove) continue;
    const byIbanLabel = labelHere || labelAbove;
    for (const m of row.text.matchAll(IBAN_TOKEN)) {
      const compact = repairIbanCheckDigits(m[0]);
      if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(compact) || !/\d{6}/.test(compact)) continue;
      const check = checkIban(compact);
      if (!byIbanLabel && !check.valid && !/check digits/.test(check.reason)) continue;
      const c = candidate(row, { value: compact, raw: m[0], start: m.index, end: m.index + m[0].length }, 0.8, byIbanLabel ? 'next to the label "IBAN"' : 'under the bank details');
      return toField(c, round(confidenceFrom(0.8, 0, c.ocr) * 0.5), [check.valid ? '' : `not a valid IBAN: ${check.reason}`].filter(Boolean));
    }
  }
  // A labelled account number that is not a valid IBAN: kept, with low confidence.
  const labelled = labelledValues(rows, (t) => matchLabel(t, IBAN_LABELS), idFinder, { pick: 'first', maxBelow: 1 })
    .filter((c) => /^[A-Z]{2}\d/i.test(c.value))
    .sort((a, b) => b.score - a.score)[0];
  if (labelled) return toField({ ...labelled, value: compactId(labelled.value) }, confidenceFrom(labelled.score, 0, labelled.ocr) * 0.6, ['not a valid IBAN checksum']);
  return undefined;
}

/** A dollar sign with no country letters before it ("$40.00", not "C$", "A$", "US$"). */
const BARE_DOLLAR = /(?<![A-Z])\$/g;

/**
 * Which dollar a bare "$" means: the dollar code the document names elsewhere ("Total Due  $0.00  CAD"), else the
 * country its tax words point to (Canada's GST/HST numbers and postal codes, Australia's ABN), else the US dollar.
 */
function dollarOf(text: string): string {
  const named = new Map<string, number>();
  for (const m of text.matchAll(/\b(USD|CAD|AUD|NZD|SGD|HKD)\b|\b(C|A|NZ|S|HK|US)\$/g)) {
    const code = m[1] ?? { C: 'CAD', A: 'AUD', NZ: 'NZD', S: 'SGD', HK: 'HKD', US: 'USD' }[m[2]!]!;
    named.set(code, (named.get(code) ?? 0) + 1);
  }
  const top = [...named.entries()].sort((a, b) => b[1] - a[1])[0];
  if (top) return top[0];
  if (/\bGST\s*\/\s*HST\b|\bHST\b|\b\d{9}\s?RT\s?\d{4}\b|\b(?:ON|BC|AB|QC|MB|SK|NS|NB|NL|PE)\s+[A-Z]\d[A-Z]\s?\d[A-Z]\d\b/.test(text)) return 'CAD';
  if (/\bABN\b(?!\s*AMRO)|\b(?:NSW|VIC|QLD|WA|SA|TAS|ACT|NT)[ \t]+\d{4}\b/.test(text)) return 'AUD';
  return 'USD';
}

const CURRENCY_CUES: [RegExp, string, number][] = [
  [/€|\bEUR\b|\bEuros?\b/g, 'EUR', 1],
  [/US\$|\bUSD\b/g, 'USD', 2],
  [BARE_DOLLAR, 'USD', 0.5],
  [/£|\bGBP\b/g, 'GBP', 1],
  [/\bRM\s?\d|\bRM\b|\bMYR\b|\bRinggit\b/g, 'MYR', 1],
  [/₹|\bINR\b|\bRs\.?\s?-?\d|\bRupees?\b/g, 'INR', 1],
  [/\bSGD\b|S\$/g, 'SGD', 2],
  [/\bCHF\b/g, 'CHF', 1],
  [/\bAUD\b|A\$/g, 'AUD', 2],
  [/\bCAD\b|C\$/g, 'CAD', 2],
  [/\bJPY\b|¥/g, 'JPY', 1],
  [/(?<!\p{L})z[łl](?!\p{L})|\bPLN\b/gu, 'PLN', 1],
  [/(?<!\p{L})K[čc](?!\p{L})|\bCZK\b/gu, 'CZK', 1],
  // Forints have no decimals; a grouped amount tells them from feet ("10 Ft").
  [/\d{1,3}(?:[ .]\d{3})+\s?Ft\b|\bHUF\b/g, 'HUF', 1],
  [/\blei\b|\bRON\b/g, 'RON', 1],
  [/₺|\bTRY\b/g, 'TRY', 1],
  [/R\$|\bBRL\b/g, 'BRL', 2],
  [/HK\$|\bHKD\b/g, 'HKD', 2],
  [/NZ\$|\bNZD\b/g, 'NZD', 2],
];

/** What else says South Africa: the code, a .co.za address, its cities and provinces, a VAT number (10 digits from 4). */
const SOUTH_AFRICA = /\bZAR\b|\.co\.za\b|South\s*Africa|\b(?:Cape\s*Town|Johannesburg|Durban|Pretoria|Gauteng|KwaZulu|Bloemfontein|Sandton)\b|\bVAT\b[^\n\d]{0,30}\b4\d{9}\b/i;
/** "R 2 200,00", "R7000.00": a rand amount, but only where South Africa is named; alone an "R" is too many other things. */
const RAND_AMOUNT = /(?<![\p{L}\d$])R\s?\d{1,3}(?:[ ,]?\d{3})*[.,]\d{2}(?!\d)/gu;

/**
 * ISO 4217 codes the cues above do not count, counted where they stand beside an amount with decimals ("316,83 PLN", "SEK 1 200,00"): a bare
 * three-letter word is too often something else, and so is one beside a whole number ("2 PEN", Malaysian "SEK 13").
 */
const ISO_CODE = 'SEK|NOK|DKK|ISK|BGN|HRK|RSD|UAH|CNY|KRW|THB|VND|IDR|PHP|TWD|ILS|AED|SAR|QAR|EGP|MAD|NGN|KES|ZAR|MXN|ARS|CLP|COP|PEN';
const ISO_BESIDE_AMOUNT = new RegExp(
  String.raw`(?<![A-Z])(${ISO_CODE})\s?-?\d{1,3}(?:[.,' \u00A0]?\d{3})*[.,]\d{2}(?!\d)|[.,]\d{2}\s?(${ISO_CODE})(?![A-Z])`,
  'g',
);

const ISO_CURRENCY = /\b(EUR|USD|GBP|CHF|MYR|INR|SGD|AUD|CAD|JPY|CNY|SEK|NOK|DKK|PLN|CZK|HUF|RON|BGN|HKD|NZD|ZAR|MXN|BRL|TRY)\b/g;
const CURRENCY_LABEL = /(?:rechnungs)?w\S{1,2}hrung|beträge\s*in|(?:invoice\s*)?currency|devise|monnaie|moneda|divisa|valuta|amounts\s*in|montants\s*en|bedragen\s*in|importes\s*en/i;
// "Währung der Umsatzsteuerbuchung": the currency tax is booked in, not the invoice's.
const CURRENCY_LABEL_NEGATIVE = /steuer|tax|vat|tva|buchung|booking|exchange|umrechnung|wechselkurs|taux/i;

/** A currency the document names outright ("Rechnungswährung: GBP", "Currency: USD", "Beträge in EUR"). */
function labelledCurrency(rows: TextRow[]): ExtractedField | undefined {
  const finder: ValueFinder = (text) => [...text.matchAll(ISO_CURRENCY)].map((m) => ({ value: m[1]!, raw: m[0], start: m.index, end: m.index + m[0].length }));
  const found = labelledValues(rows, (t) => (CURRENCY_LABEL_NEGATIVE.test(t) ? null : matchLabel(t, [{ re: CURRENCY_LABEL, strength: 1 }])), finder, {
    pick: 'first',
    maxBelow: 1,
  });
  const best = strongest(found);
  return best ? toField(best, confidenceFrom(best.score, 1, best.ocr), ['the document names its currency']) : undefined;
}

export function extractCurrency(rows: TextRow[]): ExtractedField | undefined {
  const named = labelledCurrency(rows);
  if (named) return named;
  const text = rows.map((r) => r.text).join('\n');
  const votes = new Map<string, number>();
  for (const [re, code, weight] of CURRENCY_CUES) {
    const n = (text.match(re) ?? []).length;
    const to = re === BARE_DOLLAR ? dollarOf(text) : code;
    if (n) votes.set(to, (votes.get(to) ?? 0) + n * weight);
  }
  const rands = SOUTH_AFRICA.test(text) ? (text.match(RAND_AMOUNT) ?? []).length : 0;
  if (rands) votes.set('ZAR', (votes.get('ZAR') ?? 0) + rands);
  for (const m of text.matchAll(ISO_BESIDE_AMOUNT)) {
    const code = (m[1] ?? m[2])!;
    votes.set(code, (votes.get(code) ?? 0) + 1);
  }
  const ranked = [...votes.entries()].sort((a, b) => b[1] - a[1]);
  const top = ranked[0];
  if (!top) return currencyFromCountry(text);
  const second = ranked[1]?.[1] ?? 0;
  const confidence = Math.round(Math.min(0.95, 0.5 + 0.1 * top[1]) * (top[1] / (top[1] + second)) * 100) / 100;
  return { value: top[0], confidence, source: 'generic', note: `currency marks in the text (${ranked.map(([c, n]) => `${c}: ${n}`).join(', ')})` };
}
