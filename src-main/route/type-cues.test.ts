import { describe, expect, it } from 'vitest';
import { evaluateRules } from '../rules/evaluate-rules.ts';
import { parseRuleSet } from '../rules/rule-set.ts';
import { typeCues } from './type-cues.ts';

// A Malaysian till receipt, which calls itself a tax invoice and has an invoice number and "CHANGE DUE".
const RECEIPT = `KEDAI RUNCIT MAJU SDN BHD
GST REG NO: 001234567890
TAX INVOICE
Invoice No: CS00012345  Cashier: AMY
DATE: 12/03/2018 14:22
MILO 1KG 1 11.81
TOTAL 12.50
CASH 20.00
CHANGE DUE 7.50
GOODS SOLD ARE NOT REFUNDABLE, EXCHANGEABLE WITHIN 3 DAYS
THANK YOU. PLEASE COME AGAIN`;

// An office scan of an invoice as OCR reads it: short, noisy, no "receipt"-looking total block.
const INVOICE_SCAN = `Musterfirma GmbH · Hauptstr. 5 · 10115 Berlin
Rechnung Nr. 2024-118
Rechnungsdatum 04.03.2024
Pos Menge Bezeichnung Betrag
1 2 Beratung 240,00
Gesamtbetrag 285,60 EUR
Zahlbar bis 18.03.2024 ohne Abzug
IBAN DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX`;

const EN_INVOICE = `ACME Ltd
INVOICE #1043
Bill To: Northwind Traders
Payment terms: Net 30 days
Total 1,210.00`;

describe('typeCues', () => {
  it('finds no invoice marks on a till receipt that calls itself a tax invoice', () => {
    expect(typeCues(RECEIPT, 'invoice')).toEqual([]);
  });

  it('finds a due date and bank details on an OCR-read German invoice', () => {
    expect(typeCues(INVOICE_SCAN, 'invoice')).toEqual(['a due date', 'bank details']);
  });

  it('finds payment terms and a billing address on an English invoice', () => {
    expect(typeCues(EN_INVOICE, 'invoice')).toEqual(['payment terms', 'a billing address']);
  });

  it('knows no marks for types it has none for', () => {
    expect(typeCues(INVOICE_SCAN, 'bank_statement')).toEqual([]);
  });
});

describe('no_marks_of rule', () => {
  const set = parseRuleSet({ version: 't', rules: [{ id: 'no-invoice-marks', kind: 'no_marks_of', appliesTo: ['receipt'], params: { docType: 'invoice' } }] });
  const ctx = { now: new Date('2024-06-01T00:00:00Z'), findDuplicates: () => [] };
  const run = (text?: string) => evaluateRules({ docType: 'receipt', fields: {}, lineItems: [], sha256: 'x', ...(text !== undefined ? { text } : {}) }, set, ctx)[0]!;

  it('fails a "receipt" whose text shows an invoice\'s marks, saying which', () => {
    expect(run(INVOICE_SCAN)).toMatchObject({
      passed: false,
      detail: 'The text shows marks of an invoice (a due date, bank details), so it may be an invoice read as another type.',
    });
  });

  it('passes a real receipt', () => {
    expect(run(RECEIPT)).toMatchObject({ passed: true, status: 'passed' });
  });

  it('cannot check without the text, and says so', () => {
    expect(run()).toMatchObject({ status: 'not_evaluated', passed: true, detail: 'Could not look for the marks of an invoice: the text was not given.' });
  });
});
