// How a clerk reads field names and amounts, in reasons and rule messages written on the device and the hub.
import type { FieldName } from './document-model.ts';

const FIELD_WORDS: Record<FieldName, string> = {
  vendor: 'vendor',
  vendorAddress: 'vendor address',
  documentNumber: 'document number',
  issueDate: 'issue date',
  dueDate: 'due date',
  total: 'total',
  subtotal: 'subtotal',
  tax: 'tax',
  currency: 'currency',
  vendorTaxId: 'VAT number',
  iban: 'IBAN',
  poNumber: 'PO number',
};

export function fieldWord(name: FieldName): string {
  return FIELD_WORDS[name];
}

/** 1234.5 → "1,234.50": how a clerk reads an amount. */
export function formatMoney(value: number | string): string {
  const n = typeof value === 'string' ? Number(value) : value;
  return n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}
