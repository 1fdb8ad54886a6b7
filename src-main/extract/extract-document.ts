/**
 * Field extraction: layout-aware generic extraction, overridden field by field by a matching
 * vendor template. Pure: pages in, fields out.
 */
import type { DocType, ExtractedField, FieldName, LineItem, PageText } from '../../src-shared/document-model.ts';
import { boxOfSpan, rowsOf } from './page-layout.ts';
import { detectLocale } from './detect-locale.ts';
import type { DateOrder } from './normalise-date.ts';
import { extractAmounts } from './extract-amounts.ts';
import { extractCurrency, extractDates, extractIdentifiers } from './extract-dates-ids.ts';
import { extractVendor, extractVendorAddress } from './extract-vendor.ts';
import { extractLineItems } from './extract-line-items.ts';
import { applyTemplate, templateMatches, type VendorTemplate } from './vendor-templates.ts';

export type { VendorTemplate } from './vendor-templates.ts';
export { loadTemplates } from './vendor-templates.ts';

export interface ExtractionResult {
  fields: Partial<Record<FieldName, ExtractedField>>;
  lineItems: LineItem[];
  locale: { dateOrder: DateOrder; evidence: string[] };
  /** Name of the vendor template that applied, if any. */
  template?: string;
}

export function extractDocument(pages: PageText[], opts: { docType: DocType; templates?: VendorTemplate[] }): ExtractionResult {
  const rows = rowsOf(pages);
  const text = rows.map((r) => r.text).join('\n');
  const template = opts.templates?.find((t) => templateMatches(t, text));
  const detected = detectLocale(text);
  const decimal = template?.options.decimalSeparator ?? detected.decimal;

  const fields: Partial<Record<FieldName, ExtractedField>> = {};
  const put = (f: Partial<Record<FieldName, ExtractedField | undefined>>) => {
    for (const [k, v] of Object.entries(f)) if (v) fields[k as FieldName] = v;
  };
  put(extractAmounts(rows, decimal));
  put(extractDates(rows, detected.dateOrder, detected.strength));
  put(extractIdentifiers(rows));
  const vendor = extractVendor(rows);
  put({ vendor, vendorAddress: extractVendorAddress(rows, vendor), currency: extractCurrency(rows) });

  if (template) {
    // Template values win, but the generic box and page stay when both read the same value.
    for (const [name, field] of Object.entries(applyTemplate(template, text)) as [FieldName, ExtractedField][]) {
      const generic = fields[name];
      if (generic && generic.value === field.value) {
        fields[name] = { ...generic, ...field, box: generic.box, page: generic.page };
        continue;
      }
      // Point the reviewer at the words the template read.
      const row = field.raw ? rows.find((r) => r.text.includes(field.raw!)) : undefined;
      const at = row ? row.text.indexOf(field.raw!) : -1;
      fields[name] = row && at >= 0 ? { ...field, page: row.page, box: boxOfSpan(row, at, at + field.raw!.length) } : field;
    }
  }
  for (const name of ['issueDate', 'dueDate'] as const) {
    const f = fields[name];
    if (f?.note?.includes('could swap')) f.note = `${f.note} (${detected.evidence.join('; ') || 'no locale cues'})`;
  }
  const lineItems = opts.docType === 'receipt' || opts.docType === 'invoice' || opts.docType === 'credit_note' || opts.docType === 'purchase_order'
    ? extractLineItems(rows, decimal)
    : [];
  return {
    fields,
    lineItems,
    locale: { dateOrder: detected.dateOrder, evidence: detected.evidence },
    ...(template ? { template: template.name } : {}),
  };
}
