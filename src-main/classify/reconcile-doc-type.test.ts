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
  it('reads the invoice cues of Polish, Czech and Finnish invoices, and their credit notes', () => {
    const polish = ['FAKTURA VAT', 'Faktura nr: FV/2021/01/0042', 'NIP: 774-00-01-454', 'Termin płatności: 2021-01-29', 'Należność ogółem: 316,83 PLN'].join('\n');
    expect(invoiceCues(polish).sort()).toEqual(['dueDate', 'number', 'taxId', 'title']);
    expect(invoiceCues(['LASKU', 'Laskun numero: 5521', 'Eräpäivä: 15.06.2024'].join('\n')).sort()).toEqual(['dueDate', 'number', 'title']);
    expect(creditWording('FAKTURA KORYGUJĄCA nr 12/2021')).toBeTruthy();
    expect(creditWording('OPRAVNÝ DAŇOVÝ DOKLAD - DOBROPIS')).toBeTruthy();
    expect(creditWording('Hyvityslasku 88')).toBeTruthy();
  });

  it('keeps an Italian credit note a credit note, and reads no due date from prose', () => {
    const nota = ['NOTA DI ACCREDITO N. 12', 'P.IVA IT01234567890', 'IBAN IT60 X054 2811 1010 0000 0123 456', 'Totale documento 122,00'].join('\n');
    expect(reconcileDocType(call('credit_note', 0.95), nota).label).toBe('credit_note');
    expect(invoiceCues('INVOICE\nService charge due on all parties of 6 or more')).not.toContain('dueDate');
    expect(invoiceCues('Amount due on July 3, 2023')).toContain('dueDate');
  });

  it('reads the invoice cues of a scanned German invoice', () => {
    expect(invoiceCues(SCANNED_RECHNUNG).sort()).toEqual(['amounts', 'dueDate', 'iban', 'number', 'taxId', 'title']);
    expect(creditWording(SCANNED_RECHNUNG)).toBeUndefined();
    expect(creditWording(SCANNED_GUTSCHRIFT)).toBe('Gutschrift');
  });

  it('a store "Refund Card" paid with is no credit wording; a refund is', () => {
    expect(creditWording(['Total   94.44', 'Refund Cards   86.18 CAD', 'Gift Card   8.26 CAD'].join('\n'))).toBeUndefined();
    expect(creditWording('Refund for order 5512   -12.00')).toBe('Refund');
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

  it('never changes a receipt without an invoice title, nor a confident invoice without a credit-note title', () => {
    // A page titled "Rechnung" with a due date and an IBAN and no till lines is an invoice, whatever the model says.
    expect(reconcileDocType(call('receipt'), SCANNED_RECHNUNG).label).toBe('invoice');
    expect(reconcileDocType(call('receipt'), SCANNED_RECHNUNG.replace('Rechnung\n', '')).label).toBe('receipt');
    expect(reconcileDocType(call('invoice', 0.97), SCANNED_RECHNUNG)).toEqual(call('invoice', 0.97));
  });
});

describe('till receipts the model takes for something else', () => {
  const cls = (label: string, score = 0.95) => ({ label: label as never, score, scores: { [label]: score, receipt: 0.02 } });
  // A German e-receipt for a gift voucher, as the REWE e-receipt text reads.
  const VOUCHER_BON = ['REWE', 'Musterstr. 1', '12345 Musterstadt', 'EUR', 'GUTSCHEINW50 50,00 C *', 'SUMME EUR 50,00', 'Geg. BAR EUR 50,00', 'TSE-Signaturzähler: 789456', '01.01.2022 12:34 Bon-Nr.:2345', 'PAYBACK Karten-Nr.: #########1234'].join('\n');
  // A Spanish simplified invoice, the till receipt of Spain.
  const TICKET = ['MERCADONA, S.A. A-46103834', '16/09/2024 10:37 OP: 3049233', 'FACTURA SIMPLIFICADA: 2475-014-371662', '1 ARROZ INTEGRAL 1,10', 'TOTAL (€) 1,10', 'TARJETA BANCARIA 1,10', 'IVA BASE IMPONIBLE (€) CUOTA (€)', '10% 1,00 0,10'].join('\n');
  // A US till receipt read as a bank statement.
  const WALMART = ['WALMART SUPERCENTER', 'ST# 05487 OP# 002216 TE# 04 TR# 01841', 'BREAD 072250049190 F 3.76', 'SUBTOTAL 3.76', 'TAX 1 6.0000 % 0.23', 'TOTAL 3.99', 'MASTERCARD TEND 3.99', 'CHANGE DUE 0.00'].join('\n');

  it('makes them receipts, capped below the gate so the override alone never approves', () => {
    for (const [label, text] of [['other', VOUCHER_BON], ['invoice', TICKET], ['bank_statement', WALMART]] as const) {
      const r = reconcileDocType(cls(label), text);
      expect(r.label).toBe('receipt');
      expect(r.score).toBeLessThanOrEqual(0.75);
    }
  });

  it('leaves an invoice that names itself or asks for payment later an invoice, whatever till words it has', () => {
    expect(reconcileDocType(cls('invoice'), `${SCANNED_RECHNUNG}\nGeg. BAR EUR 1.428,00\nRückgeld EUR 0,00`).label).toBe('invoice');
    // A paid online-shop invoice prints the card and thanks the buyer; its invoice number keeps it an invoice.
    const SHOP = ['Ihre Rechnung', 'Rechnungsnummer: 2024-001', 'Bezahlt per Kartenzahlung (girocard)', 'Wir danken für Ihren Einkauf'].join('\n');
    expect(reconcileDocType(cls('invoice'), SHOP).label).toBe('invoice');
    expect(reconcileDocType(cls('invoice'), ['Factuurnummer: 123', 'Betaald via Pinnen', 'Bedankt voor uw bestelling'].join('\n')).label).toBe('invoice');
    // "Tipo de cambio" is an exchange rate, not change given.
    expect(reconcileDocType(cls('invoice'), ['CFDI 4.0', 'Forma de pago: 01 Efectivo', 'Tipo de cambio: 17.25'].join('\n')).label).toBe('invoice');
    // One till word is not a till receipt: a shop's letter thanks you too.
    expect(reconcileDocType(cls('other'), 'Dear customer,\nThank you for shopping with us. Your parcel ships tomorrow.').label).toBe('other');
  });

  // Hand-written in the shapes of US and Indian invoices and a UK energy bill; no producer's text copied.
  it('an invoice that bills a named party or gives a due date, with no till lines, is an invoice, not a receipt', () => {
    const us = ['Invoice #12345', 'Date: March 23, 2023', 'Bill To:', 'John Doe', '123 Main St.', 'Sales tax (7%) $80.50', 'Total: $1,280.50', 'Thank you for your business!'].join('\n');
    const gst = ['TAX INVOICE', 'SHREE BALAJI ENTERPRISES', 'GSTIN/UIN: 27AAKFS1234C1Z5', 'Invoice No.   Dated', 'SBE/2324/0418   7-Feb-2024', 'Buyer (Bill to)', 'Kaveri Auto Components Pvt Ltd', 'Total   ₹ 74,340.00'].join('\n');
    const au = ['TAX INVOICE', 'Coastal Plumbing Pty Ltd', 'ABN 51 824 753 556', 'Invoice No: 10392', 'Due Date: 13/03/2024', 'Balance Due   $2,442.00'].join('\n');
    for (const text of [us, gst, au]) {
      const r = reconcileDocType(call('receipt'), text);
      expect(r.label).toBe('invoice');
      expect(r.score).toBeLessThanOrEqual(0.75);
    }
  });

  // Hand-written in the shape of a North American warehouse-club till slip, no producer's text copied.
  it('a till slip that prints an invoice number among many till lines, billing nobody, is a receipt', () => {
    const slip = [
      'WAREHOUSE  #112', 'MEMBER 123456789', '511201 PAPER TOWEL   21.99 G', 'SUBTOTAL   21.99', 'GST 5%   1.10', 'TOTAL   23.09',
      'MasterCard   23.09', 'AUTH#: 004512', 'Invoice#: 77120', '01 APPROVED - THANK YOU 027', '*** CARDHOLDER COPY ***',
      'CHANGE   .00', 'TOTAL NUMBER OF ITEMS SOLD = 1', 'CASHIER: DANA   REG# 4',
    ].join('\n');
    const r = reconcileDocType(cls('invoice'), slip);
    expect(r.label).toBe('receipt');
    expect(r.score).toBeLessThanOrEqual(0.75);
    // The same slip billing a named party, or with a due date, stays an invoice.
    expect(reconcileDocType(cls('invoice'), `${slip}\nBill To: Harbor Dental`).label).toBe('invoice');
    expect(reconcileDocType(cls('invoice'), `${slip}\nDue Date: 30/06/2024`).label).toBe('invoice');
  });

  it('a till receipt titled "TAX INVOICE" with cash and change stays a receipt', () => {
    const till = ['TAX INVOICE', 'KEDAI RUNCIT ABC', 'Invoice No: 10392', 'Bill To: walk-in', 'TOTAL 12.50', 'CASH 20.00', 'CHANGE 7.50'].join('\n');
    expect(reconcileDocType(call('receipt'), till).label).toBe('receipt');
  });

  it('a bill whose payment received is marked "CR" is an invoice when no credit-note word appears', () => {
    const bill = ['Your energy bill', 'Bill number 612398776', 'Payments received - thank you   £212.40 CR', 'VAT at 5%   £11.49', 'Amount to pay   £241.26', 'VAT registration number GB 684 9667 62'].join('\n');
    expect(reconcileDocType(call('credit_note'), bill).label).toBe('invoice');
    expect(reconcileDocType(call('credit_note'), bill.replace('Your energy bill', 'CREDIT NOTE')).label).toBe('credit_note');
  });
});
