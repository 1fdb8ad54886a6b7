/**
 * Line items where the layout is a table: the rows between a header (description … amount)
 * and the first subtotal/total row, each ending in an amount.
 */
import type { LineItem } from '../../src-shared/document-model.ts';
import { findAmounts, type DecimalSeparator } from './normalise-amount.ts';
import type { TextRow } from './page-layout.ts';

const HEADER_DESC = /\b(?:description|desc|item|items|article|artikel|product|produkt|beschreibung|bezeichnung|désignation|designation|libellé|omschrijving|descripción|descrizione|particulars)\b/i;
const HEADER_AMOUNT = /\b(?:amount|amt|total|price|prijs|betrag|preis|prix|montant|importe|importo|zeilenbetrag|bedrag)\b/i;
const STOP = /\b(?:sub[\s-]*total|subtotaal|total|totaal|gesamt\w*|summe|zwischensumme|montant\s*total|exclusief|netto\w*|rounding|mwst|ust|vat|gst|tax|btw|tva|iva)\b/i;
const QTY = /(?:^|\s)(\d{1,4}(?:[.,]\d{1,3})?)\s*(?:x|pcs?|units?|kg|g|l|stk|st)?\s*$/i;

export function extractLineItems(rows: TextRow[], decimal?: DecimalSeparator): LineItem[] {
  const items: LineItem[] = [];
  let inTable = false;
  for (const row of rows) {
    if (!inTable) {
      if (HEADER_DESC.test(row.text) && HEADER_AMOUNT.test(row.text)) inTable = true;
      continue;
    }
    if (STOP.test(row.text)) {
      if (items.length > 0) break;
      continue;
    }
    const amounts = findAmounts(row.text, decimal).filter((a) => a.hasDecimals || a.hasCurrency);
    const first = amounts[0];
    const last = amounts[amounts.length - 1];
    if (!first || !last) continue;
    const head = row.text.slice(0, first.start);
    const description = head.split(/\s{3,}/).filter((s) => /\p{L}{2,}/u.test(s)).join(' ').trim();
    if (!description) continue;
    const qty = QTY.exec(head.replace(/\s{3,}/g, ' ').trimEnd())?.[1];
    const item: LineItem = { description: description.replace(/\s+\d{1,4}(?:[.,]\d{1,3})?\s*(?:x|pcs?|units?|kg|g|l|stk|st)?$/i, '').trim() || description, amount: last.value, page: row.page };
    if (qty) item.quantity = qty.replace(',', '.');
    if (amounts.length >= 2) item.unitPrice = first.value;
    items.push(item);
  }
  return items;
}
