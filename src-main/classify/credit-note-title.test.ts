import { describe, expect, it } from 'vitest';
import { creditNoteTitle, reconcileCreditNote } from './credit-note-title.ts';

const invoiceCall = { label: 'invoice' as const, score: 0.93, scores: { invoice: 0.93, credit_note: 0.05, receipt: 0.02 } };

describe('credit-note titles', () => {
  it('finds the title of a German, French, English, Dutch or Spanish credit note', () => {
    expect(creditNoteTitle('Muster GmbH\nGUTSCHRIFT\nGutschrift-Nr. 4711')).toBe('GUTSCHRIFT');
    expect(creditNoteTitle('Au bon moulin SARL      Avoir AV-2017-0005\nDate de facture 16/11/2017')).toBe('Avoir AV-2017-0005');
    expect(creditNoteTitle('Acme Ltd\nCredit Note No: CN-2231')).toBe('Credit Note No: CN-2231');
    expect(creditNoteTitle('Polder B.V.\nCreditnota 2024-12')).toBe('Creditnota 2024-12');
    expect(creditNoteTitle('Sol S.L.\nNota de crédito NC-7')).toBe('Nota de crédito NC-7');
  });

  it('ignores corrected invoices and the word inside sentences', () => {
    expect(creditNoteTitle('Lieferant GmbH\nRECHNUNGS-KORREKTUR\nBeleg-Nr: RK21012345')).toBeUndefined();
    expect(creditNoteTitle('Facture rectificative FR-2024-3')).toBeUndefined();
    expect(creditNoteTitle('Beitragsrechnung\nBeitragsgutschriften aus Ihrem Vertrag erstatten wir per Scheck.')).toBeUndefined();
    expect(creditNoteTitle('Invoice\nThis credit note replaces nothing')).toBeUndefined();
  });

  it('turns an invoice with a credit-note title into a credit note, never auto-approvable on the title alone', () => {
    const r = reconcileCreditNote(invoiceCall, 'Muster GmbH\nGutschrift Nr. 12\nGesamtbetrag 100,00 EUR');
    expect(r.label).toBe('credit_note');
    expect(r.score).toBeLessThanOrEqual(0.75);
    expect(r.note).toBe('titled "Gutschrift Nr. 12"');
    expect(reconcileCreditNote(invoiceCall, 'Muster GmbH\nRechnung Nr. 12')).toEqual(invoiceCall);
    const receipt = { label: 'receipt' as const, score: 0.9, scores: { receipt: 0.9 } };
    expect(reconcileCreditNote(receipt, 'Gutschrift')).toEqual(receipt);
  });
});
