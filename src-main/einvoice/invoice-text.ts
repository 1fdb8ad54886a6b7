import type { PageText, Word } from '../../src-shared/document-model.ts';
import type { EInvoice, EInvoiceParty } from '../../src-shared/einvoice.ts';

export const EINVOICE_TEXT_ENGINE = 'countersign-einvoice-1';

const DOC_TITLE: Record<string, string> = { invoice: 'Invoice', credit_note: 'Credit note' };

function partyLines(label: string, p: EInvoiceParty): string[] {
  return [`${label}: ${p.name ?? '(no name)'}`, ...p.addressLines, ...(p.country ? [p.country] : []), ...(p.vatId ? [`VAT ID ${p.vatId}`] : []), ...(p.taxNumber ? [`Tax number ${p.taxNumber}`] : [])];
}

/** The invoice as plain lines of text, in the order a printed invoice shows them. */
export function invoiceTextLines(inv: EInvoice): string[] {
  const cur = inv.currency ? ` ${inv.currency}` : '';
  const out = [`${DOC_TITLE[inv.docType] ?? 'Invoice'} ${inv.number ?? ''}`.trim()];
  if (inv.issueDate) out.push(`Issue date ${inv.issueDate}`);
  if (inv.dueDate) out.push(`Due date ${inv.dueDate}`);
  if (inv.poNumber) out.push(`Order reference ${inv.poNumber}`);
  if (inv.buyerReference) out.push(`Buyer reference ${inv.buyerReference}`);
  out.push(...partyLines('Seller', inv.seller), ...partyLines('Buyer', inv.buyer));
  for (const l of inv.lines) out.push(`${l.quantity ?? ''} ${l.unitCode ?? ''} ${l.name} ${l.netPrice ?? ''} ${l.lineTotal ?? ''}`.replace(/\s+/g, ' ').trim());
  const t = inv.totals;
  if (t.lineTotal) out.push(`Sum of lines ${t.lineTotal}${cur}`);
  if (t.taxBasis) out.push(`Total without VAT ${t.taxBasis}${cur}`);
  for (const x of inv.taxes) out.push(`VAT ${x.category ?? ''} ${x.rate ?? ''}% of ${x.basis ?? ''} ${x.amount ?? ''}`.replace(/\s+/g, ' '));
  if (t.taxTotal) out.push(`VAT total ${t.taxTotal}${cur}`);
  if (t.grandTotal) out.push(`Total ${t.grandTotal}${cur}`);
  if (t.prepaid && Number(t.prepaid) !== 0) out.push(`Paid in advance ${t.prepaid}${cur}`);
  if (t.payable) out.push(`Amount due ${t.payable}${cur}`);
  for (const iban of inv.ibans) out.push(`IBAN ${iban}`);
  if (inv.paymentTerms) out.push(...inv.paymentTerms.split('\n'));
  out.push(...inv.notes.flatMap((n) => n.split('\n')));
  return out.map((l) => l.trim()).filter(Boolean);
}

/**
 * A standalone XML invoice has no printed page; this one synthetic page holds its text so search,
 * `documents.text` and the classifier see what a clerk would read. Boxes are nominal rows.
 */
export function invoiceTextPage(inv: EInvoice): PageText {
  const lines = invoiceTextLines(inv);
  const words: Word[] = [];
  lines.forEach((line, i) => {
    const parts = line.split(/\s+/);
    parts.forEach((w, j) => {
      const y0 = Math.min(0.99, (i + 0.1) / Math.max(lines.length, 1));
      const y1 = Math.min(1, (i + 0.9) / Math.max(lines.length, 1));
      words.push({ text: w, box: [j / parts.length, y0, (j + 0.9) / parts.length, y1], confidence: 1, line: i });
    });
  });
  return { pageNo: 1, width: 595, height: 842, source: 'xml', engine: EINVOICE_TEXT_ENGINE, words, text: lines.join('\n') };
}
