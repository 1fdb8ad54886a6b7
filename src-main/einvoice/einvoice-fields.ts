import type { ExtractedField, FieldName, LineItem } from '../../src-shared/document-model.ts';
import type { EInvoice } from '../../src-shared/einvoice.ts';
import { fieldMatches } from '../eval/metrics.ts';
import type { FieldComparison } from './compare-with-page.ts';

export const EINVOICE_SOURCE = 'e-invoice';

/** Confidence of an XML value the printed page contradicts: low enough that a person looks at it. */
export const DISPUTED_CONFIDENCE = 0.5;

/** Where the values came from, in words: the attachment (or file), the syntax and the profile id. */
export function provenance(inv: EInvoice, attachment: string | null): string {
  return `From the e-invoice XML${attachment ? ` ${attachment}` : ''} (${inv.syntax}${inv.profile ? `, profile ${inv.profile}` : ''})`;
}

/**
 * The document's fields as the XML states them, confidence 1; a field the printed page shows
 * differently keeps the XML value with a low confidence and a note saying what the page shows.
 * Where the page's own reading found the same value, its place on the page is kept, so a reviewer
 * sees it highlighted.
 */
export function fieldsFromEInvoice(
  inv: EInvoice,
  attachment: string | null,
  comparisons: FieldComparison[] = [],
  pageFields: Partial<Record<FieldName, ExtractedField>> = {},
): Partial<Record<FieldName, ExtractedField>> {
  const note = provenance(inv, attachment);
  const address = [...inv.seller.addressLines, ...(inv.seller.country ? [inv.seller.country] : [])].join(', ');
  const values: [FieldName, string | null][] = [
    ['vendor', inv.seller.name],
    ['vendorAddress', address || null],
    ['documentNumber', inv.number],
    ['issueDate', inv.issueDate],
    ['dueDate', inv.dueDate],
    ['total', inv.totals.grandTotal],
    ['subtotal', inv.totals.taxBasis],
    ['tax', inv.totals.taxTotal],
    ['currency', inv.currency],
    ['vendorTaxId', inv.seller.vatId],
    ['iban', inv.ibans[0] ?? null],
    ['poNumber', inv.poNumber],
  ];
  const fields: Partial<Record<FieldName, ExtractedField>> = {};
  for (const [name, value] of values) {
    if (!value) continue;
    const disputed = comparisons.find((c) => c.field === name && c.status === 'disagrees');
    const onPage = pageFields[name];
    const place = onPage?.box && fieldMatches(name, onPage.value, value) ? { ...(onPage.page ? { page: onPage.page } : {}), box: onPage.box } : {};
    fields[name] = {
      value,
      ...place,
      confidence: disputed ? DISPUTED_CONFIDENCE : 1,
      source: EINVOICE_SOURCE,
      note: disputed ? `${note}; the printed invoice shows ${disputed.pageValue}` : note,
    };
  }
  return fields;
}

export function lineItemsFromEInvoice(inv: EInvoice): LineItem[] {
  return inv.lines
    .filter((l) => l.lineTotal !== null)
    .map((l) => ({
      description: l.name,
      amount: l.lineTotal!,
      ...(l.quantity ? { quantity: l.quantity } : {}),
      ...(l.netPrice ? { unitPrice: l.netPrice } : {}),
    }));
}
