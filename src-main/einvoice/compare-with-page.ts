/**
 * Cross-checks an e-invoice's XML against its printed page. A value is confirmed when the page
 * prints it (in any of the ways invoices write numbers and dates). When the page does not print
 * it, the page's own reading of that field (what a clerk would take off the page) is compared:
 * a different value there is a disagreement; nothing there means the field is simply not printed,
 * which is not a disagreement.
 */
import type { ExtractedField, FieldName, PageText } from '../../src-shared/document-model.ts';
import type { EInvoice } from '../../src-shared/einvoice.ts';
import { fieldMatches, idKey, vendorKey } from '../eval/metrics.ts';
import { findAmounts } from '../extract/normalise-amount.ts';
import { findDates } from '../extract/normalise-date.ts';

export type ComparedField = Extract<FieldName, 'total' | 'documentNumber' | 'iban' | 'issueDate' | 'dueDate' | 'vendor'>;

export interface FieldComparison {
  field: ComparedField;
  xmlValue: string;
  status: 'agrees' | 'disagrees' | 'not_printed';
  /** What the page shows instead, for a disagreement. */
  pageValue?: string;
}

const WORDS: Record<ComparedField, string> = {
  total: 'total',
  documentNumber: 'document number',
  iban: 'IBAN',
  issueDate: 'issue date',
  dueDate: 'due date',
  vendor: 'seller',
};

export const comparedFieldWord = (f: ComparedField) => WORDS[f];

function xmlValues(inv: EInvoice): [ComparedField, string | null][] {
  return [
    ['total', inv.totals.grandTotal],
    ['documentNumber', inv.number],
    ['iban', inv.ibans[0] ?? null],
    ['issueDate', inv.issueDate],
    ['dueDate', inv.dueDate],
    ['vendor', inv.seller.name],
  ];
}

const lines = (pages: PageText[]) => pages.flatMap((p) => p.text.split('\n'));

function cents(v: string): number | null {
  const n = Number(v);
  return Number.isFinite(n) ? Math.round(Math.abs(n) * 100) : null;
}

/** Every amount on the page read both ways (decimal comma and point), as magnitudes in cents. */
function pageAmounts(text: string[]): Set<number> {
  const out = new Set<number>();
  for (const l of text) {
    for (const dec of ['.', ','] as const) for (const a of findAmounts(l, dec)) if (a.hasDecimals) out.add(cents(a.value)!);
  }
  return out;
}

/**
 * Every date on the page. A slashed date such as 11/03/2017 is read in the order the page proves
 * (a day over 12 elsewhere), or both ways when it proves none; dotted dates are always day first.
 */
function pageDates(text: string[]): Set<string> {
  const proven = provenOrder(text);
  const out = new Set<string>();
  for (const l of text) {
    for (const d of findDates(l, proven === 'MDY' ? 'MDY' : 'DMY')) out.add(d.iso);
    if (proven === null) for (const d of findDates(l, 'MDY')) if (d.raw.includes('/')) out.add(d.iso);
  }
  return out;
}

/** The order of the page's slashed dates where one proves it (a day over 12), else null. */
function provenOrder(text: string[]): 'DMY' | 'MDY' | null {
  for (const l of text) for (const d of findDates(l)) if (d.raw.includes('/') && (d.provenOrder === 'DMY' || d.provenOrder === 'MDY')) return d.provenOrder;
  return null;
}

function printed(field: ComparedField, xml: string, text: string[], cache: { amounts?: Set<number>; dates?: Set<string> }): boolean {
  switch (field) {
    case 'total':
      cache.amounts ??= pageAmounts(text);
      return cache.amounts.has(cents(xml) ?? -1);
    case 'issueDate':
    case 'dueDate':
      cache.dates ??= pageDates(text);
      return cache.dates.has(xml);
    case 'documentNumber':
    case 'iban': {
      const key = idKey(xml);
      // Per line, then across line breaks (an IBAN wrapped after "IBAN").
      return text.some((l) => idKey(l).includes(key)) || idKey(text.join('')).includes(key);
    }
    case 'vendor': {
      const pageWords = new Set(vendorKey(text.join(' ')).split(' '));
      const words = vendorKey(xml).split(' ').filter((w) => w.length >= 2);
      if (words.length === 0) return true;
      return words.filter((w) => pageWords.has(w)).length / words.length >= 0.67;
    }
  }
}

const DUE_LINE = /f[äa]llig|zahlbar\s+bis|bis\s+(?:zum|spätestens)|due|payable\s+by|pay\s+by|[ée]ch[ée]ance|à\s+payer\s+avant/i;
const ISSUE_LINE = /rechnungsdatum|datum|date\s+de\s+facture|invoice\s+date|date\s+d['’]émission|issue\s+date|dated?\b/i;

/** A date on a line whose words name the field: the page's own due or issue date when extraction found none. */
function labelledDate(field: 'issueDate' | 'dueDate', text: string[]): string | null {
  const order = provenOrder(text) ?? 'DMY';
  for (const l of text) {
    if (!(field === 'dueDate' ? DUE_LINE : ISSUE_LINE).test(l)) continue;
    if (field === 'issueDate' && DUE_LINE.test(l)) continue;
    const d = findDates(l, order)[0];
    if (d) return d.iso;
  }
  return null;
}

/**
 * A printed reference that is a shortened form of the XML's number (the page prints the contract
 * number "00.123.456.7" where the XML says "00.123.456.7-2014-1").
 */
function shortenedNumber(xml: string, text: string[]): string | null {
  const key = idKey(xml);
  let best: string | null = null;
  for (const l of text) {
    for (const token of l.split(/\s+/)) {
      const t = token.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
      const k = idKey(t);
      if (k.length >= 6 && /\d/.test(k) && k.length < key.length && key.startsWith(k) && (!best || t.length > best.length)) best = t;
    }
  }
  return best;
}

/**
 * Compares the XML's total, number, IBAN, dates and seller with the printed page. `pageFields`
 * are the fields read off the page by the generic extractor.
 */
export function compareWithPage(inv: EInvoice, pages: PageText[], pageFields: Partial<Record<FieldName, ExtractedField>>): FieldComparison[] {
  const text = lines(pages);
  const cache = {};
  const out: FieldComparison[] = [];
  for (const [field, xml] of xmlValues(inv)) {
    if (!xml) continue;
    if (printed(field, xml, text, cache)) {
      out.push({ field, xmlValue: xml, status: 'agrees' });
      continue;
    }
    let pageValue = pageFields[field]?.value ?? null;
    if (!pageValue && (field === 'issueDate' || field === 'dueDate')) pageValue = labelledDate(field, text);
    if (!pageValue && field === 'documentNumber') pageValue = shortenedNumber(xml, text);
    if (pageValue && field === 'total' && cents(pageValue) === cents(xml)) pageValue = null;
    const same = pageValue !== null && (fieldMatches(field, pageValue, xml) || (field === 'vendor' && printed('vendor', pageValue, [xml], {})));
    if (pageValue && !same) out.push({ field, xmlValue: xml, status: 'disagrees', pageValue });
    else out.push({ field, xmlValue: xml, status: 'not_printed' });
  }
  return out;
}

/** "The e-invoice data says IBAN DE89…, the printed invoice shows FR76…" */
export function disagreementSentence(c: FieldComparison): string {
  return `The e-invoice data says ${WORDS[c.field]} ${c.xmlValue}, the printed invoice shows ${c.pageValue}`;
}
