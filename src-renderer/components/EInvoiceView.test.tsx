import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { EInvoice } from '../../src-shared/einvoice.ts';
import { EInvoiceView } from './EInvoiceView.tsx';

const invoice: EInvoice = {
  syntax: 'UBL Invoice',
  profile: 'urn:cen.eu:en16931:2017#compliant#urn:xeinkasse.de:kosit:xrechnung_3.0',
  typeCode: '380',
  docType: 'invoice',
  number: 'UBL-2024-118',
  issueDate: '2024-05-02',
  dueDate: '2024-06-01',
  currency: 'EUR',
  buyerReference: '991-01234-56',
  poNumber: 'BEST-5521',
  seller: { name: 'Rheinland IT-Service GmbH', addressLines: ['Industriestraße 8', '50667 Köln'], country: 'DE', vatId: 'DE811569869', taxNumber: null, email: null },
  buyer: { name: 'Bundesamt für Beispiele', addressLines: ['Am Markt 1', '53111 Bonn'], country: 'DE', vatId: null, taxNumber: null, email: null },
  ibans: ['DE02370502990000684712'],
  paymentTerms: '30 Tage netto',
  notes: ['Leistungszeitraum April 2024'],
  lines: [{ id: '1', name: 'Wartung Server, Stunden', quantity: '4', unitCode: 'HUR', netPrice: '95.00', lineTotal: '380.00', taxCategory: 'S', taxRate: '19' }],
  taxes: [{ category: 'S', rate: '19', basis: '500.00', amount: '95.00', exemptionReason: null }],
  totals: { lineTotal: '500.00', allowanceTotal: null, chargeTotal: null, taxBasis: '500.00', taxTotal: '95.00', grandTotal: '595.00', prepaid: null, rounding: null, payable: '595.00' },
};

describe('an XML e-invoice shown as an invoice', () => {
  it('lays out parties, lines, VAT and totals as a reader expects, never the XML', () => {
    const html = renderToStaticMarkup(<EInvoiceView invoice={invoice} />);
    for (const text of ['Invoice UBL-2024-118', 'Rheinland IT-Service GmbH', 'Bundesamt für Beispiele', 'Wartung Server, Stunden', '4 HUR', '380.00', 'VAT 19% (S)', '595.00 EUR', 'Amount due', 'IBAN DE02370502990000684712', '30 Tage netto', 'xrechnung_3.0']) {
      expect(html).toContain(text);
    }
    expect(html).not.toMatch(/&lt;|cbc:|xmlns/);
  });

  it('masks sensitive values when asked, and titles a credit note as one', () => {
    const html = renderToStaticMarkup(<EInvoiceView invoice={{ ...invoice, docType: 'credit_note' }} mask={(v) => `••••${v.slice(-4)}`} />);
    expect(html).toContain('Credit note UBL-2024-118');
    expect(html).toContain('IBAN ••••4712');
    expect(html).not.toContain('DE02370502990000684712');
  });
});
