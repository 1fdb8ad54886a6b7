import type { FieldName, PageText } from '../../src-shared/document-model.ts';
import type { ExtractionResult } from './extract-document.ts';

/** Amounts are read together: mixing a total from one reading with a tax from another proves nothing. */
const AMOUNT_GROUP: FieldName[] = ['total', 'subtotal', 'tax'];

/** The pages as the second OCR reading saw them, or null when no page has one. */
export function alternatePages(pages: PageText[]): PageText[] | null {
  if (!pages.some((p) => p.alternate)) return null;
  return pages.map(({ alternate, ...p }) => (alternate ? { ...p, words: alternate.words, text: alternate.text } : p));
}

/**
 * Takes each field from whichever reading supports it with more confidence (the main reading wins
 * ties); the amount fields move as one group, decided by the total.
 */
export function mergeReadings(main: ExtractionResult, other: ExtractionResult): ExtractionResult {
  const fields = { ...main.fields };
  const better = (name: FieldName) => (other.fields[name]?.confidence ?? -1) > (main.fields[name]?.confidence ?? -1);
  const take = (name: FieldName) => {
    const f = other.fields[name];
    if (f) fields[name] = { ...f, note: f.note ? `${f.note}; from the second OCR reading` : 'from the second OCR reading' };
    else delete fields[name];
  };
  const names = new Set([...Object.keys(main.fields), ...Object.keys(other.fields)] as FieldName[]);
  for (const name of names) {
    if (AMOUNT_GROUP.includes(name)) continue;
    if (better(name)) take(name);
  }
  const amountsFromOther = better('total');
  if (amountsFromOther) for (const name of AMOUNT_GROUP) take(name);
  return { ...main, fields, lineItems: amountsFromOther && other.lineItems.length ? other.lineItems : main.lineItems };
}
