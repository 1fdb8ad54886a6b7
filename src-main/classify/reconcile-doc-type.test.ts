import { describe, expect, it } from 'vitest';
import { reconcileDocType } from './reconcile-doc-type.ts';
import { creditWording, invoiceCues } from './type-evidence.ts';

// A German service invoice as the scan reader gives it: spaces dropped in places, a legal footer, no euro signs.
const SCANNED_RECHNUNG = [
  'Muster Technik GmbH · Hauptstr. 5 · 10115 Berlin',
  'Rechnung',
  'Rechnungsnummer:R-2024-0815',
  'Rechnungsdatum: 14.03.2024',
  'Leistungszeitraum vom 01.02.2024 bis zum 29.02.2024 für die Wartung Ihrer Anlage',
  'Pos. Beschreibung Menge Einzelpreis Gesamt',
  '1 Wartung 1 1.200,00 1.200,00',
  'Nettobetrag 1.200,00',
  'Umsatzsteuer 19% 228,00',
  'Gesamtbetrag 1.428,00',
  'Zahlbar ohne Abzug bis 28.03.2024',
  'Bankverbindung: IBAN DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX',
  'USt-IdNr. DE123456789 Geschäftsführer: Erika Muster Amtsgericht Berlin HRB 12345',
].join('\n');

const SCANNED_GUTSCHRIFT = SCANNED_RECHNUNG.replace('Rechnung\n', 'Gutschrift\n').replace('Rechnungsnummer', 'Gutschrift-Nr.');

// Pages that are not invoices but use some of the same words.
const ARTICLE = [
  'Invoice',
  'From Wikipedia, the free encyclopedia',
  'An invoice is a commercial document issued by a seller to a buyer. It states the total amount due,',
  'often with VAT, and the payment terms. Many invoices show the IBAN of the seller.',
].join('\n');

const call = (label: 'invoice' | 'credit_note' | 'other' | 'receipt', score = 0.91) => ({
  label,
  score,
  scores: { invoice: label === 'invoice' ? score : 0.04, credit_note: label === 'credit_note' ? score : 0.03, other: label === 'other' ? score : 0.03, receipt: label === 'receipt' ? score : 0.02 },
});

describe('the document type after the page is heard', () => {
  it('reads the invoice cues of a scanned German invoice', () => {
    expect(invoiceCues(SCANNED_RECHNUNG).sort()).toEqual(['amounts', 'dueDate', 'iban', 'number', 'taxId', 'title']);
    expect(creditWording(SCANNED_RECHNUNG)).toBeUndefined();
    expect(creditWording(SCANNED_GUTSCHRIFT)).toBe('Gutschrift');
  });

  it('types as an invoice a page the model called a credit note when it is titled an invoice and says nothing of credit', () => {
    const r = reconcileDocType(call('credit_note', 0.96), SCANNED_RECHNUNG);
    expect(r.label).toBe('invoice');
    expect(r.score).toBeLessThanOrEqual(0.75); // a reviewer sees it: the override alone never approves
  });

  it('keeps a credit note that says so, however it is laid out', () => {
    expect(reconcileDocType(call('credit_note'), SCANNED_GUTSCHRIFT).label).toBe('credit_note');
    expect(reconcileDocType(call('credit_note'), SCANNED_RECHNUNG.replace('Zahlbar ohne Abzug', 'Der Betrag wird Ihnen gutgeschrieben; Storno zu R-2024-0700. Zahlbar'))).toMatchObject({ label: 'credit_note' });
    // A credit note the model calls an invoice still becomes a credit note by its title.
    expect(reconcileDocType(call('invoice'), SCANNED_GUTSCHRIFT).label).toBe('credit_note');
  });

  it('types as an invoice a page the model called "other" when it names itself an invoice and carries its details', () => {
    const r = reconcileDocType(call('other', 0.88), SCANNED_RECHNUNG);
    expect(r.label).toBe('invoice');
    expect(r.score).toBeLessThanOrEqual(0.75);
    // ... and as a credit note when that page is titled one.
    expect(reconcileDocType(call('other', 0.88), SCANNED_GUTSCHRIFT).label).toBe('credit_note');
  });

  it('leaves "other" alone for an article about invoices and for a page with a title but no invoice details', () => {
    expect(reconcileDocType(call('other'), ARTICLE).label).toBe('other');
    expect(reconcileDocType(call('other'), 'Rechnung\nSehr geehrte Damen und Herren,\nanbei die Unterlagen.').label).toBe('other');
  });

  it('never changes a receipt or a confident invoice without a credit-note title', () => {
    expect(reconcileDocType(call('receipt'), SCANNED_RECHNUNG).label).toBe('receipt');
    expect(reconcileDocType(call('invoice', 0.97), SCANNED_RECHNUNG)).toEqual(call('invoice', 0.97));
  });
});
