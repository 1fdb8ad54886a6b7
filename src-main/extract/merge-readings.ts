import type { DocType, ExtractedField, FieldName, PageText } from '../../src-shared/document-model.ts';
import { fieldMatches } from '../eval/metrics.ts';
import { extractDocument, type ExtractionResult, type VendorTemplate } from './extract-document.ts';

/** Amounts are read together: mixing a total from one reading with a tax from another proves nothing. */
const AMOUNT_GROUP: FieldName[] = ['total', 'subtotal', 'tax'];

/** The pages as the second OCR reading saw them, or null when no page has one. */
export function alternatePages(pages: PageText[]): PageText[] | null {
  if (!pages.some((p) => p.alternate)) return null;
  return pages.map(({ alternate, ...p }) => (alternate ? { ...p, words: alternate.words, text: alternate.text } : p));
}

const withNote = (f: ExtractedField, note: string): ExtractedField => ({ ...f, note: f.note ? `${f.note}; ${note}` : note });

/**
 * Takes each field from whichever reading supports it with more confidence (the main reading wins
 * ties); the amount fields move as one group, decided by the total. Two readings that agree on a
 * value make it more certain; two that disagree make the chosen one less certain, so the policy
 * sends it to a person rather than trusting either reading alone.
 */
export function mergeReadings(main: ExtractionResult, other: ExtractionResult): ExtractionResult {
  const fields = { ...main.fields };
  const better = (name: FieldName) => (other.fields[name]?.confidence ?? -1) > (main.fields[name]?.confidence ?? -1);
  const take = (name: FieldName) => {
    const f = other.fields[name];
    if (f) fields[name] = withNote(f, 'from the second OCR reading');
    else delete fields[name];
  };
  const names = new Set([...Object.keys(main.fields), ...Object.keys(other.fields)] as FieldName[]);
  for (const name of names) {
    if (AMOUNT_GROUP.includes(name)) continue;
    if (better(name)) take(name);
  }
  const amountsFromOther = better('total');
  if (amountsFromOther) for (const name of AMOUNT_GROUP) take(name);
  for (const name of names) {
    const a = main.fields[name];
    const b = other.fields[name];
    const chosen = fields[name];
    if (!a || !b || !chosen) continue;
    if (fieldMatches(name, a.value, b.value)) {
      fields[name] = withNote({ ...chosen, confidence: 1 - (1 - a.confidence) * (1 - b.confidence) }, 'both OCR readings agree');
    } else {
      fields[name] = withNote({ ...chosen, confidence: chosen.confidence * DISAGREEMENT_FACTOR }, `the two OCR readings disagree ("${a.value}" and "${b.value}")`);
    }
  }
  return { ...main, fields, lineItems: amountsFromOther && other.lineItems.length ? other.lineItems : main.lineItems };
}

/** How much trust a field keeps when the two readings of its page disagree. */
export const DISAGREEMENT_FACTOR = 0.6;

/** Extraction as the engine runs it: over the main reading, merged with the second one where pages have it. */
export function extractWithReadings(pages: PageText[], opts: { docType: DocType; templates?: VendorTemplate[] }): ExtractionResult {
  const main = extractDocument(pages, opts);
  const second = alternatePages(pages);
  return second ? mergeReadings(main, extractDocument(second, opts)) : main;
}
