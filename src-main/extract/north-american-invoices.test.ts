import { describe, expect, it } from 'vitest';
import { fieldValues as read } from '../testing/field-values.ts';

// Hand-written in the shapes seen in US, Canadian, Indian and Dutch/Italian invoices (accounting-package layouts,
// pdftotext output of a subscription invoice receipt); no producer's text copied.
describe('invoices from accounting packages and small businesses abroad', () => {
  it('"INVOICE #  1187" beside "DATE  04/02/2024": the number is read, the date column does not veto it', () => {
    const f = read([
      'Greenleaf Landscaping LLC',
      'INVOICE',
      'BILL TO                              SHIP TO',
      'Harbor Point Apartments              Harbor Point Apartments',
      'INVOICE #  1187                      DATE  04/02/2024',
      '                                     DUE DATE  05/02/2024',
    ]);
    expect(f.documentNumber).toBe('1187');
    expect(f.vendor).toBe('Greenleaf Landscaping LLC');
  });

  it('a header row "Invoice No.   Dated" with its values underneath', () => {
    const f = read(['TAX INVOICE', 'Invoice No.              Dated', 'SBE/2324/0418            7-Feb-2024', 'Total                ₹ 74,340.00']);
    expect(f.documentNumber).toBe('SBE/2324/0418');
    expect(f.issueDate).toBe('2024-02-07');
  });

  it('the customer under "To:", "Aan:" or "Spett.le" is not the vendor; the name under "From:" is', () => {
    expect(read(['INVOICE', 'From:', 'Redwood Data Consulting', '77 Pine Street', 'To:', 'Summit Outdoor Gear Inc.', 'Total:   $6,750.00']).vendor).toBe(
      'Redwood Data Consulting',
    );
    expect(read(['Sanne de Vries Vertalingen', 'Prinsengracht 263-II', 'FACTUUR', 'Aan:', 'Van Dijk Uitgevers B.V.', 'Totaal te betalen   € 1.249,93']).vendor).toBe(
      'Sanne de Vries Vertalingen',
    );
    expect(read(['Studio Tecnico Bianchi', 'Via Roma 22 - 20121 Milano', 'Spett.le', 'Edil Costruzioni S.r.l.', 'Totale documento   € 2.537,60']).vendor).toBe(
      'Studio Tecnico Bianchi',
    );
  });

  it('"Your next invoice date is …" is not the issue date', () => {
    const f = read([
      'Invoice 1030                                       March 13, 2019',
      '                              Total                         $14.13',
      'Thank you for your business. Your next invoice date is April 13, 2019.',
    ]);
    expect(f.issueDate).toBe('2019-03-13');
  });

  it('US dates with a space before the comma, and a billing-period range that is no date', () => {
    const f = read([
      'Amazon Web Services, Inc.',
      'Invoice Number:          1312587742',
      'Invoice Date:            July 3 , 2023',
      'This invoice is for the billing period June 1 - June 30 , 2023',
      'Total for this invoice                                      $1,482.19',
    ]);
    expect(f.issueDate).toBe('2023-07-03');
  });

  it('a bare "$" is the dollar the document names (CAD below the total) or its tax words point to (GST/HST, ABN)', () => {
    expect(read(['Invoice 1030', 'Total                         $14.13', 'Total Due                     $0.00', '                              CAD']).currency).toBe('CAD');
    expect(read(['Maple Ridge IT Consulting Inc.', 'GST/HST Registration No.: 812345678RT0001', 'Amount Due          $2,189.38']).currency).toBe('CAD');
    expect(read(['Coastal Plumbing Pty Ltd', 'ABN 51 824 753 556', 'Balance Due        $2,442.00']).currency).toBe('AUD');
    expect(read(['Midwest Industrial Supply, Inc.', 'Indianapolis, IN 46254', 'INVOICE TOTAL  $ 97.42']).currency).toBe('USD');
    // ABN AMRO is a Dutch bank, not an Australian Business Number.
    expect(read(['Tulip Software B.V.', 'Totaal   $ 1,000.00', 'IBAN NL91ABNA0417164300 (ABN AMRO)']).currency).toBe('USD');
  });
});
