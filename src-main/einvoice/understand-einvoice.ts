import type { DocType, ExtractedField, FieldName, LineItem, PageText } from '../../src-shared/document-model.ts';
import type { EInvoice, EInvoiceRecord } from '../../src-shared/einvoice.ts';
import { extractWithReadings } from '../extract/merge-readings.ts';
import type { VendorTemplate } from '../extract/extract-document.ts';
import { compareWithPage, type FieldComparison } from './compare-with-page.ts';
import { fieldsFromEInvoice, lineItemsFromEInvoice } from './einvoice-fields.ts';

export interface EInvoiceUnderstanding {
  invoice: EInvoice;
  docType: { label: DocType; score: number; scores: Record<string, number> };
  fields: Partial<Record<FieldName, ExtractedField>>;
  lineItems: LineItem[];
  /** Null for a standalone XML: no printed page to compare. */
  comparisons: FieldComparison[] | null;
}

/**
 * Fields, lines and type of a document whose e-invoice XML was read: the XML is the source, the
 * printed page (when there is one) is read as for any PDF only to cross-check it.
 */
export function understandEInvoice(record: EInvoiceRecord & { invoice: EInvoice }, pages: PageText[], templates: VendorTemplate[] = []): EInvoiceUnderstanding {
  const inv = record.invoice;
  const label = inv.docType;
  const printedPages = pages.filter((p) => p.source !== 'xml');
  const pageFields = printedPages.length ? extractWithReadings(printedPages, { docType: label, templates }).fields : {};
  const comparisons = printedPages.length ? compareWithPage(inv, printedPages, pageFields) : null;
  return {
    invoice: inv,
    // The type code states the type; nothing is guessed.
    docType: { label, score: 1, scores: { [label]: 1 } },
    fields: fieldsFromEInvoice(inv, record.attachment, comparisons ?? [], pageFields),
    lineItems: lineItemsFromEInvoice(inv),
    comparisons,
  };
}
