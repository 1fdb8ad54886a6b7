import { describe, expect, it } from 'vitest';
import { fieldValues as read } from '../testing/field-values.ts';

// Hand-written in the shapes seen in UK, Canadian, Australian, South African, German and Italian invoices and credit
// notes (accounting-package layouts, PDF text with glued words); no producer's text copied.
describe('credit notes: their own number, not the invoice they credit', () => {
  it('reads "Credit Note Number" and not the invoice named in "applied to invoice INV-…"', () => {
    const f = read(
      [
        'CREDIT NOTE                                   Date',
        '                                              9 June 2024',
        'Harbourside Stationers Ltd                    Credit Note Number',
        '4 Dock Road                                   CN-0112',
        'Bristol BS1 4QA                               Reference',
        '                                              INV-7781',
        'Subtotal     50.00',
        'TOTAL CREDIT GBP    60.00',
        'This credit note has been applied to invoice INV-7781.',
      ],
      'credit_note',
    );
    expect(f.documentNumber).toBe('CN-0112');
  });
});

describe('VAT, GST/HST and ABN numbers as other countries print them', () => {
  it('a bare "VAT" before a spaced UK number, unevenly grouped', () => {
    expect(read(['Pinecone Apps Ltd', '12 Mill Lane', 'VAT GB 402 1187 33', 'Total   £48.00']).vendorTaxId).toBe('GB 402 1187 33');
  });

  it('a Canadian GST/HST registration number with its RT program account', () => {
    expect(read(['Northern Pixel Inc.', 'Ottawa, ON K1P 5G4', 'GST/HST Registration No.: 812345678RT0001', 'Total (CAD)   $565.00']).vendorTaxId).toBe(
      '812345678RT0001',
    );
  });

  it('an Australian ABN in groups', () => {
    expect(read(['Coastal Tiling Pty Ltd', 'ABN 51 824 753 556', 'TAX INVOICE', 'Balance Due   $1,100.00']).vendorTaxId).toBe('51 824 753 556');
  });

  it('stops at the word after the number in run-on PDF text', () => {
    const f = read(['Civic Centre 12 Main Road VAT registration number 4500193497  REDACTED  Pay points: cash offices', 'Total due   7022.09']);
    expect(f.vendorTaxId).toBe('4500193497');
  });

  it('the VAT number in the "Bill to" column is the customer\'s, not the vendor\'s', () => {
    const f = read([
      'Invoice',
      'Invoice number    7D1C-0004',
      '',
      'Orbit Tools, Inc.                  Bill to',
      '210 Howard Street                  Bergwerk Maschinen GmbH',
      'San Francisco, CA 94105            Hauptstraße 5',
      'United States                      80331 München',
      'billing@orbittools.io              DE VAT DE298765432',
      '',
      'Amount due   $120.00 USD',
    ]);
    expect(f.vendorTaxId).toBeUndefined();
    // The customer's number under its own words ("Customer VAT No.") is not the vendor's either, alone on the page.
    expect(read(['Orbit Tools Ltd', 'Customer VAT No. DE298765432', 'Total   £120.00']).vendorTaxId).toBeUndefined();
  });
});

describe('South African rand', () => {
  it('"R 2 200,00" and "R7000.00" are rands where the page is South African', () => {
    expect(read(['Karoo Building Supplies (Pty) Ltd', 'Stellenbosch, Western Cape', 'accounts@karoobuild.co.za', 'Total due   R 2 200,00']).currency).toBe('ZAR');
    expect(read(['City Utilities', 'Cape Town 8000', 'Total due   R7000.00']).currency).toBe('ZAR');
  });

  it('an "R" before an amount alone says nothing', () => {
    expect(read(['Line R 2 200,00', 'Total   2 200,00']).currency).not.toBe('ZAR');
  });
});

describe('labels glued to their amounts', () => {
  it('"Summe  brutto15,00€" is the gross total, "Summe  netto12,61€" the net', () => {
    const f = read(['Rechnung  Nr.  1201440', 'Summe  netto12,61€', 'zzgl.  MwSt.  (DE  19  %)2,39€', 'Summe  MwSt.2,39€', 'Summe  brutto15,00€']);
    expect(f.total).toBe('15.00');
    expect(f.subtotal).toBe('12.61');
  });
});

describe('due dates in more wordings', () => {
  it('"TOTAL AMOUNT DUE ON July 3, 2023", due the day it is issued', () => {
    const f = read(['Invoice Number:          88120', 'Invoice Date:            July 3, 2023', 'TOTAL AMOUNT DUE ON      July 3, 2023    $1,482.19']);
    expect(f.issueDate).toBe('2023-07-03');
    expect(f.dueDate).toBe('2023-07-03');
  });

  it('Italian "Pagamento: bonifico bancario entro il 17/04/2024"', () => {
    const f = read(['FATTURA N. 12/2024 del 18/03/2024', 'Totale documento   € 1.220,00', 'Pagamento: bonifico bancario entro il 17/04/2024']);
    expect(f.issueDate).toBe('2024-03-18');
    expect(f.dueDate).toBe('2024-04-17');
  });
});
