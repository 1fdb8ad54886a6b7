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
const QTY = /^\d{1,4}(?:[.,]\d{1,3})?\s*(?:x|pcs?|units?|kg|g|l|stk|st)?$/i;
const TRAILING_QTY = /\s+(\d{1,4}(?:[.,]\d{1,3})?)\s*(?:x|pcs?|units?|kg|g|l|stk|st)?$/i;

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
    const item = row.text.includes('   ') ? fromColumns(row.text, decimal) : fromLine(row.text, decimal);
    if (item) items.push({ ...item, page: row.page });
  }
  return items;
}

const money = (text: string, decimal?: DecimalSeparator) => findAmounts(text, decimal).filter((a) => a.hasDecimals || a.hasCurrency);

/** A row with column gaps: description first, amount last, quantity and unit price between. */
function fromColumns(text: string, decimal?: DecimalSeparator): Omit<LineItem, 'page'> | null {
  const cols = text.split(/\s{3,}/).map((c) => c.trim()).filter(Boolean);
  const last = cols[cols.length - 1];
  const amount = last ? money(last, decimal).pop() : undefined;
  if (!amount || cols.length < 2) return null;
  const description = cols[0]!;
  if (!/\p{L}{2,}/u.test(description)) return null;
  const item: Omit<LineItem, 'page'> = { description, amount: amount.value };
  for (const col of cols.slice(1, -1)) {
    if (!item.quantity && QTY.test(col) && !money(col, decimal).some((a) => a.hasCurrency)) item.quantity = col.replace(/[^\d.,]/g, '').replace(',', '.');
    else if (!item.unitPrice) {
      const price = money(col, decimal)[0];
      if (price && !/%/.test(col)) item.unitPrice = price.value;
    }
  }
  return item;
}

/** A single-spaced row (OCR): the text before the first amount is the description. */
function fromLine(text: string, decimal?: DecimalSeparator): Omit<LineItem, 'page'> | null {
  const amounts = money(text, decimal);
  const first = amounts[0];
  const last = amounts[amounts.length - 1];
  if (!first || !last) return null;
  const head = text.slice(0, first.start).trim();
  if (!/\p{L}{2,}/u.test(head)) return null;
  const qty = TRAILING_QTY.exec(head)?.[1];
  const item: Omit<LineItem, 'page'> = { description: qty ? head.slice(0, head.length - TRAILING_QTY.exec(head)![0].length).trim() : head, amount: last.value };
  if (qty) item.quantity = qty.replace(',', '.');
  if (amounts.length >= 2) item.unitPrice = first.value;
  return item;
}
