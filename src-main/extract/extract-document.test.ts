import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractDocument } from './extract-document.ts';
import { pagesFromLines, rowsOf } from './page-layout.ts';
import { loadTemplates, parseTemplate, TemplateError } from './vendor-templates.ts';

const RECEIPT = [
  'TAN CHAY YEE',
  'OJC MARKETING SDN BHD',
  '(1009683-T)',
  'NO 2 & 4, JALAN BAYU 4,',
  'BANDAR SERI ALAM,',
  '81750 MASAI, JOHOR',
  'TEL:07-388 2218 FAX:07-388 8218',
  'GST REG NO : 000858597376',
  'TAX INVOICE',
  'INVOICE NO : PEGIV-1030765',
  'DATE : 15/01/2019 11:05:16 AM',
  'DESCRIPTION QTY PRICE AMOUNT',
  'PKT NASI LEMAK 2 @ 3.50 7.00',
  'TOTAL EXCLUDING GST: 7.00',
  'GST @6%: 0.42',
  'TOTAL INCLUSIVE GST: 7.42',
  'ROUNDING: -0.02',
  'TOTAL: 7.40',
  'CASH 10.00',
  'CHANGE 2.60',
];

describe('pagesFromLines', () => {
  it('lays words out on a grid that rowsOf reads back line by line', () => {
    const pages = pagesFromLines(['Invoice   No 12', 'Total 9.00']);
    expect(pages[0]!.words).toHaveLength(5);
    const rows = rowsOf(pages);
    expect(rows.map((r) => r.text)).toEqual(['Invoice   No 12', 'Total 9.00']);
    for (const w of pages[0]!.words) for (const v of w.box) expect(v).toBeGreaterThanOrEqual(0);
  });
  it('merges segments on one visual row', () => {
    const page = pagesFromLines(['Total', 'placeholder'])[0]!;
    // Put "9.00" on its own OCR line but at the height of "Total", far to the right.
    page.words.push({ text: '9.00', box: [0.8, page.words[0]!.box[1], 0.85, page.words[0]!.box[3]], confidence: 0.9, line: 7 });
    expect(rowsOf([page])[0]!.text).toBe('Total   9.00');
  });
});

describe('extractDocument (generic)', () => {
  it('reads a Malaysian receipt', () => {
    const { fields, locale } = extractDocument(pagesFromLines(RECEIPT, { source: 'ocr' }), { docType: 'receipt' });
    expect(fields.total?.value).toBe('7.40');
    expect(fields.total?.note).toContain('cash paid minus change');
    expect(fields.issueDate?.value).toBe('2019-01-15');
    expect(fields.vendor?.value).toBe('OJC MARKETING SDN BHD');
    expect(fields.documentNumber?.value).toBe('PEGIV-1030765');
    expect(fields.vendorTaxId?.value).toBe('000858597376');
    expect(fields.currency).toBeUndefined();
    expect(locale.dateOrder).toBe('DMY');
    for (const f of Object.values(fields)) {
      expect(f.confidence).toBeGreaterThanOrEqual(0);
      expect(f.confidence).toBeLessThanOrEqual(1);
    }
    expect(fields.total!.box).toHaveLength(4);
    expect(fields.total!.page).toBe(1);
  });

  it('reads a European invoice with comma decimals and a day-first ambiguous date', () => {
    const lines = [
      'Muster GmbH   Hauptstraße 1   10115 Berlin',
      '',
      'Rechnung',
      'Rechnungsnr.   RE-2024-0042',
      'Rechnungsdatum   03.04.2024',
      'Fällig am   03.05.2024',
      'USt-IdNr.   DE 232 446 240',
      'IBAN DE89 3704 0044 0532 0130 00',
      'Beschreibung   Menge   Preis   Betrag',
      'Beratung   10   100,00   1.000,00',
      'Nettobetrag   1.000,00 €',
      'MwSt 19%   190,00 €',
      'Gesamtbetrag   1.190,00 €',
    ];
    const { fields, lineItems, locale } = extractDocument(pagesFromLines(lines), { docType: 'invoice' });
    expect(fields.total?.value).toBe('1190.00');
    expect(fields.subtotal?.value).toBe('1000.00');
    expect(fields.tax?.value).toBe('190.00');
    expect(fields.total?.note).toContain('equals subtotal plus tax');
    expect(fields.issueDate?.value).toBe('2024-04-03');
    expect(fields.issueDate?.note).toContain('day first');
    expect(fields.dueDate?.value).toBe('2024-05-03');
    expect(fields.documentNumber?.value).toBe('RE-2024-0042');
    expect(fields.vendorTaxId?.value).toBe('DE 232 446 240');
    expect(fields.iban?.value).toBe('DE89370400440532013000');
    expect(fields.iban?.confidence).toBeGreaterThan(0.9);
    expect(fields.currency?.value).toBe('EUR');
    expect(fields.vendor?.value).toBe('Muster GmbH');
    expect(locale.dateOrder).toBe('DMY');
    expect(lineItems).toEqual([{ description: 'Beratung', quantity: '10', unitPrice: '100.00', amount: '1000.00', page: 1 }]);
  });

  it('reads a US invoice month first', () => {
    const lines = ['Acme Supplies Inc.', '4557 De Silva St', 'Fremont CA 94538', 'United States', 'Invoice INV/2023/03/0008', 'Invoice Date: 03/04/2023', 'Total $ 279.84'];
    const { fields } = extractDocument(pagesFromLines(lines), { docType: 'invoice' });
    expect(fields.issueDate?.value).toBe('2023-03-04');
    expect(fields.issueDate?.note).toContain('month first');
    expect(fields.documentNumber?.value).toBe('INV/2023/03/0008');
    expect(fields.currency?.value).toBe('USD');
  });

  it.each([
    [
      'French',
      ['Boulangerie Martin SARL', '12 rue de la Paix, 75002 Paris', 'FACTURE', 'N° de facture : F-2023-117', 'Date de facture : 05/03/2023', "Date d'échéance : 04/04/2023", 'N° TVA intracommunautaire : FR60421938861', 'Total HT   100,00 €', 'TVA 20 %   20,00 €', 'Total TTC   120,00 €'],
      { vendor: 'Boulangerie Martin SARL', documentNumber: 'F-2023-117', issueDate: '2023-03-05', dueDate: '2023-04-04', vendorTaxId: 'FR60421938861', subtotal: '100.00', tax: '20.00', total: '120.00', currency: 'EUR' },
    ],
    [
      'Spanish',
      ['Distribuciones García S.L.', 'Factura nº: 2023/0456', 'Fecha de factura: 7 de marzo de 2023', 'Base imponible   500,00 €', 'IVA 21%   105,00 €', 'Importe total   605,00 €', 'NIF: ESB12345678'],
      { vendor: 'Distribuciones García S.L.', documentNumber: '2023/0456', issueDate: '2023-03-07', total: '605.00', subtotal: '500.00', tax: '105.00', vendorTaxId: 'ESB12345678' },
    ],
    [
      'Italian',
      ['Rossi S.r.l.', 'Fattura n. 88/2023', 'Data fattura 15/03/2023', 'Imponibile   1.000,00', 'IVA 22%   220,00', 'Totale fattura   1.220,00 EUR', 'P.IVA IT12345678901'],
      { vendor: 'Rossi S.r.l.', documentNumber: '88/2023', issueDate: '2023-03-15', total: '1220.00', subtotal: '1000.00', tax: '220.00', vendorTaxId: 'IT12345678901' },
    ],
    [
      'British',
      ['Northwind Traders Ltd', 'United Kingdom', 'VAT Reg No: GB123456789', 'Invoice Number: NW-5541', 'Invoice Date: 14 February 2024', 'Due Date: 15 March 2024', 'PO Number: PO-7781', 'Subtotal   £200.00', 'VAT 20%   £40.00', 'Total Due   £240.00'],
      { vendor: 'Northwind Traders Ltd', documentNumber: 'NW-5541', poNumber: 'PO-7781', issueDate: '2024-02-14', dueDate: '2024-03-15', total: '240.00', tax: '40.00', currency: 'GBP', vendorTaxId: 'GB123456789' },
    ],
  ])('reads a %s invoice', (_language, lines, want) => {
    const { fields } = extractDocument(pagesFromLines(lines), { docType: 'invoice' });
    const got = Object.fromEntries(Object.keys(want).map((k) => [k, fields[k as keyof typeof fields]?.value]));
    expect(got).toEqual(want);
  });

  it('does not read a table header "Total" column as the document total', () => {
    const lines = ['Acme Ltd', 'Invoice No: 77', 'Description   Qty   Unit Price   Total', 'Widget   2   5.00   10.00', 'Gadget   1   990.00   990.00', 'Total   1,000.00'];
    expect(extractDocument(pagesFromLines(lines), { docType: 'invoice' }).fields.total?.value).toBe('1000.00');
    const noFinal = ['Acme Ltd', 'Description   Qty   Unit Price   Total', 'Widget   2   5.00   10.00', 'Amount due   10.00'];
    expect(extractDocument(pagesFromLines(noFinal), { docType: 'invoice' }).fields.total?.value).toBe('10.00');
  });

  it('returns nothing rather than guessing on an empty page', () => {
    const { fields, lineItems } = extractDocument(pagesFromLines([]), { docType: 'other' });
    expect(fields).toEqual({});
    expect(lineItems).toEqual([]);
  });

  // Bounds catch a runaway (quadratic or worse) scan, not a slow machine: speed itself is measured in `npm run bench`.
  it('stays fast on a very long document', () => {
    const lines = Array.from({ length: 2000 }, (_, i) => (i % 7 === 0 ? `TOTAL ${i}.50` : `ITEM ${i} QTY 1 PRICE ${i % 97}.25 DATE 01/02/2020 CASH ${i}.00`));
    const t = performance.now();
    const r = extractDocument(pagesFromLines(lines), { docType: 'receipt' });
    expect(r.fields.total).toBeDefined();
    expect(performance.now() - t).toBeLessThan(30000);
    const t2 = performance.now();
    extractDocument(pagesFromLines(['A'.repeat(50000) + ' 1.00', 'X1'.repeat(20000)]), { docType: 'receipt' });
    expect(performance.now() - t2).toBeLessThan(15000);
  });

  it('gives lower confidence to words OCR was unsure of', () => {
    const sure = extractDocument(pagesFromLines(['Shop Sdn Bhd', 'TOTAL: 9.00'], { confidence: 1 }), { docType: 'receipt' });
    const unsure = extractDocument(pagesFromLines(['Shop Sdn Bhd', 'TOTAL: 9.00'], { confidence: 0.5 }), { docType: 'receipt' });
    expect(unsure.fields.total!.confidence).toBeLessThan(sure.fields.total!.confidence);
  });
});

describe('vendor templates', () => {
  const template = parseTemplate(
    {
      issuer: 'Example Telecom',
      keywords: ['Example\\s*Telecom', 'Kundennummer'],
      fields: { documentNumber: 'Rechnung\\s*Nr\\.?\\s*(\\S+)', total: 'Zu zahlen\\s+([\\d.,]+)', issueDate: 'vom\\s+(\\d{2}\\.\\d{2}\\.\\d{2})', poNumber: { value: 'n/a' } },
      options: { currency: 'EUR', decimalSeparator: ',', dateFormats: ['%d.%m.%y'] },
    },
    'example-telecom',
  );
  const lines = ['Example Telecom', 'Kundennummer 123', 'Rechnung Nr. T-99 vom 01.02.24', 'Total 5,00', 'Zu zahlen   1.234,56'];

  it('overrides generic extraction when its keywords match', () => {
    const generic = extractDocument(pagesFromLines(lines), { docType: 'invoice' });
    const withTemplate = extractDocument(pagesFromLines(lines), { docType: 'invoice', templates: [template] });
    expect(withTemplate.template).toBe('example-telecom');
    expect(withTemplate.fields.total).toMatchObject({ value: '1234.56', source: 'template:example-telecom', page: 1 });
    expect(withTemplate.fields.total!.box).toHaveLength(4);
    expect(withTemplate.fields.documentNumber?.value).toBe('T-99');
    expect(withTemplate.fields.issueDate?.value).toBe('2024-02-01');
    expect(withTemplate.fields.vendor?.value).toBe('Example Telecom');
    expect(withTemplate.fields.currency?.value).toBe('EUR');
    expect(withTemplate.fields.poNumber?.value).toBe('n/a');
    expect(generic.fields.total?.source).toBe('generic');
  });

  it('does not apply when a keyword is missing', () => {
    const r = extractDocument(pagesFromLines(lines.slice(0, 1)), { docType: 'invoice', templates: [template] });
    expect(r.template).toBeUndefined();
  });

  it('names the bad key in schema errors', () => {
    expect(() => parseTemplate({ issuer: 'X', keywords: ['x'], fields: { totl: 'a' } }, 'bad')).toThrow(/template bad: fields:.*"totl"/);
    expect(() => parseTemplate({ issuer: 'X', keywords: ['x'], colour: 'red' }, 'bad')).toThrow(/"colour"/);
    expect(() => parseTemplate({ issuer: 'X', keywords: ['(unclosed'] }, 'bad')).toThrow(/keywords.0.*regular expression/);
    expect(() => parseTemplate({ issuer: 'X', keywords: [] }, 'bad')).toThrow(TemplateError);
    expect(() => parseTemplate({ issuer: 'X', keywords: ['x'], options: { currency: 'euro' } }, 'bad')).toThrow(/options.currency/);
  });

  it('loads the bundled templates and reports a broken file by name', () => {
    expect(loadTemplates(join(import.meta.dirname, '../../resources/templates')).length).toBeGreaterThanOrEqual(2);
    const dir = mkdtempSync(join(tmpdir(), 'templates-'));
    writeFileSync(join(dir, 'broken.yaml'), 'issuer: [unclosed');
    expect(() => loadTemplates(dir)).toThrow(/broken.yaml/);
  });
});
