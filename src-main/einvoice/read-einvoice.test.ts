import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PipelineError } from '../pipeline/pipeline-error.ts';
import { sniffMime } from '../ingest/sniff.ts';
import { makeTextPdf } from '../testing/make-pdf.ts';
import { fieldsFromEInvoice, lineItemsFromEInvoice } from './einvoice-fields.ts';
import { readEmbeddedEInvoice } from './embedded-xml.ts';
import { makeEInvoicePdf } from './fixtures/make-einvoice-pdf.ts';
import { normaliseAmount, parseEInvoice, pricePerUnit } from './read-einvoice.ts';
import { XML_LIMITS } from './safe-xml.ts';
import { BILLION_LAUGHS } from './fixtures/hostile-xml.ts';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', name));
const values = (f: ReturnType<typeof fieldsFromEInvoice>) => Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v.value]));

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return err instanceof PipelineError ? err.code : `not a PipelineError: ${String(err)}`;
  }
  return 'no error';
}

describe('e-invoice XML: every syntax into one model', () => {
  it('reads an XRechnung in CII syntax: profile, parties, lines, VAT per rate, totals', () => {
    const inv = parseEInvoice(fixture('cii-xrechnung.xml'));
    expect(inv).toMatchObject({
      syntax: 'CII (CrossIndustryInvoice)',
      profile: 'urn:cen.eu:en16931:2017#compliant#urn:xeinkasse.de:kosit:xrechnung_3.0',
      typeCode: '380',
      docType: 'invoice',
      buyerReference: '04011000-12345-34',
      seller: { name: 'Bürobedarf Schmidt GmbH', vatId: 'DE123456789', email: 'rechnung@buero-schmidt.example', addressLines: ['Hauptstraße 1', '10115 Berlin'] },
      buyer: { name: 'Stadtverwaltung Musterstadt' },
      ibans: ['DE89370400440532013000'],
      paymentTerms: 'Zahlbar innerhalb von 30 Tagen ohne Abzug.',
      notes: ['Lieferung gemäß Rahmenvertrag & Angebot 17'],
      totals: { lineTotal: '120.00', taxBasis: '120.00', taxTotal: '19.20', grandTotal: '139.20', payable: '139.20' },
    });
    expect(inv.lines).toEqual([
      { id: '1', name: 'Kopierpapier A4, 500 Blatt', quantity: '20', unitCode: 'C62', netPrice: '4.50', lineTotal: '90.00', taxCategory: 'S', taxRate: '19' },
      { id: '2', name: 'Fachbuch Rechnungswesen', quantity: '1', unitCode: 'C62', netPrice: '30.00', lineTotal: '30.00', taxCategory: 'S', taxRate: '7' },
    ]);
    expect(inv.taxes.map((t) => [t.rate, t.basis, t.amount])).toEqual([
      ['19', '90.00', '17.10'],
      ['7', '30.00', '2.10'],
    ]);
    const fields = fieldsFromEInvoice(inv, 'factur-x.xml');
    expect(values(fields)).toEqual({
      vendor: 'Bürobedarf Schmidt GmbH',
      vendorAddress: 'Hauptstraße 1, 10115 Berlin, DE',
      documentNumber: 'XR-2024-0042',
      issueDate: '2024-03-04',
      dueDate: '2024-04-03',
      total: '139.20',
      subtotal: '120.00',
      tax: '19.20',
      currency: 'EUR',
      vendorTaxId: 'DE123456789',
      iban: 'DE89370400440532013000',
      poNumber: 'PO-7781',
    });
    expect(fields.total).toMatchObject({ confidence: 1, source: 'e-invoice' });
    expect(fields.total!.note).toContain('urn:cen.eu:en16931:2017#compliant#urn:xeinkasse.de:kosit:xrechnung_3.0');
    expect(lineItemsFromEInvoice(inv)[0]).toEqual({ description: 'Kopierpapier A4, 500 Blatt', quantity: '20', unitPrice: '4.50', amount: '90.00' });
  });

  it('reads a ZUGFeRD 1.0 CrossIndustryDocument, taking the VAT number (not the Steuernummer) as the tax id', () => {
    const inv = parseEInvoice(fixture('zugferd1-basic.xml'));
    expect(inv).toMatchObject({ syntax: 'ZUGFeRD 1 (CrossIndustryDocument)', profile: 'urn:ferd:CrossIndustryDocument:invoice:1p0:basic', docType: 'invoice', poNumber: 'B-4411' });
    expect(values(fieldsFromEInvoice(inv, 'ZUGFeRD-invoice.xml'))).toMatchObject({
      vendor: 'Werkzeughandel Meyer KG',
      documentNumber: 'ZF1-9001',
      issueDate: '2014-01-15',
      dueDate: '2014-02-14',
      total: '297.50',
      subtotal: '250.00',
      tax: '47.50',
      vendorTaxId: 'DE129273398',
      iban: 'DE44500105175407324931',
    });
    expect(inv.seller.taxNumber).toBe('143/567/89012');
    expect(inv.lines).toHaveLength(1);
  });

  it('reads a UBL Invoice (XRechnung UBL)', () => {
    const inv = parseEInvoice(fixture('ubl-invoice.xml'));
    expect(inv).toMatchObject({ syntax: 'UBL Invoice', profile: 'urn:cen.eu:en16931:2017#compliant#urn:xeinkasse.de:kosit:xrechnung_3.0', docType: 'invoice' });
    expect(values(fieldsFromEInvoice(inv, null))).toEqual({
      vendor: 'Rheinland IT-Service GmbH',
      vendorAddress: 'Industriestraße 8, 50667 Köln, DE',
      documentNumber: 'UBL-2024-118',
      issueDate: '2024-05-02',
      dueDate: '2024-06-01',
      total: '595.00',
      subtotal: '500.00',
      tax: '95.00',
      currency: 'EUR',
      vendorTaxId: 'DE811569869',
      iban: 'DE02370502990000684712',
      poNumber: 'BEST-5521',
    });
    expect(inv.lines.map((l) => [l.name, l.quantity, l.unitCode, l.lineTotal])).toEqual([
      ['Wartung Server, Stunden', '4', 'HUR', '380.00'],
      ['Backup-Lizenz, Monat', '1', 'C62', '120.00'],
    ]);
  });

  it('reads a UBL CreditNote as a credit note, due date from its payment means', () => {
    const inv = parseEInvoice(fixture('ubl-credit-note.xml'));
    expect(inv).toMatchObject({ syntax: 'UBL CreditNote', typeCode: '381', docType: 'credit_note', number: 'CN-77', dueDate: '2024-03-15' });
    expect(inv.totals.grandTotal).toBe('48.00');
    expect(inv.lines[0]).toMatchObject({ name: 'Lampe de bureau (retour)', quantity: '2', lineTotal: '40.00' });
  });

  it('maps CII type code 381 to a credit note and 380 or 384 to an invoice', () => {
    const cii = fixture('cii-xrechnung.xml').toString('utf8');
    expect(parseEInvoice(Buffer.from(cii.replace('<ram:TypeCode>380</ram:TypeCode>', '<ram:TypeCode>381</ram:TypeCode>'))).docType).toBe('credit_note');
    expect(parseEInvoice(Buffer.from(cii.replace('<ram:TypeCode>380</ram:TypeCode>', '<ram:TypeCode>384</ram:TypeCode>'))).docType).toBe('invoice');
  });

  it('normalises XML amounts to two decimals at least', () => {
    expect(['100', '0.7900', '-7.6', '1234.5', '0.052', '.5'].map(normaliseAmount)).toEqual(['100.00', '0.79', '-7.60', '1234.50', '0.052', '0.50']);
  });

  it('takes standalone XML in by its bytes, with or without a byte-order mark, and not HTML', () => {
    expect(sniffMime(fixture('ubl-invoice.xml'))).toBe('application/xml');
    expect(sniffMime(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fixture('cii-xrechnung.xml')]))).toBe('application/xml');
    expect(sniffMime(Buffer.from('<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>'))).toBe('application/xml');
    expect(sniffMime(Buffer.from('<!DOCTYPE html><html><body>hi</body></html>'))).toBeNull();
    expect(sniffMime(Buffer.from('Invoice 42, total 10.00'))).toBeNull();
  });
});

describe('e-invoice XML from other producers', () => {
  const edited = (name: string, from: string, to: string) => {
    const xml = fixture(name).toString('utf8');
    expect(xml).toContain(from);
    return Buffer.from(xml.replace(from, to));
  };

  it('reads only the invoice lines of an XRechnung with sub-lines, so the line items add up to the invoice', () => {
    const inv = parseEInvoice(fixture('cii-sub-lines.xml'));
    expect(inv.lines.map((l) => [l.id, l.name, l.lineTotal])).toEqual([
      ['1', 'Sanitär und Zubehör', '818.04'],
      ['2', 'Heizung und Zubehör', '11718.80'],
    ]);
    const items = lineItemsFromEInvoice(inv);
    expect(items.reduce((sum, i) => sum + Number(i.amount), 0).toFixed(2)).toBe(inv.totals.lineTotal);
    expect(inv.totals).toMatchObject({ grandTotal: '14918.84', prepaid: '10000.00', payable: '4918.84' });
  });

  it('leaves out Factur-X EXTENDED lines given for information only', () => {
    const inv = parseEInvoice(edited('cii-sub-lines.xml', '<ram:LineID>2</ram:LineID>', '<ram:LineID>2</ram:LineID><ram:LineStatusReasonCode>INFORMATION</ram:LineStatusReasonCode>'));
    expect(inv.lines.map((l) => l.id)).toEqual(['1']);
  });

  it('gives the price of one unit where the XML prices per base quantity (CII and UBL)', () => {
    const cii = parseEInvoice(fixture('cii-sub-lines.xml'));
    expect(cii.lines[1]).toMatchObject({ quantity: '100', netPrice: '117.188', lineTotal: '11718.80' });
    const ubl = parseEInvoice(
      edited('ubl-invoice.xml', '<cbc:PriceAmount currencyID="EUR">95.00</cbc:PriceAmount>', '<cbc:PriceAmount currencyID="EUR">190.00</cbc:PriceAmount><cbc:BaseQuantity unitCode="HUR">2</cbc:BaseQuantity>'),
    );
    expect(lineItemsFromEInvoice(ubl)[0]).toEqual({ description: 'Wartung Server, Stunden', amount: '380.00', quantity: '4', unitPrice: '95.00' });
    expect(pricePerUnit('10', '0')).toBe('10.00');
  });

  it("names a UBL party by its legal name (BT-27), as CII does, and by its trading name only when that is all there is", () => {
    const tradingName = '<cac:PartyName><cbc:Name>Rheinland IT</cbc:Name></cac:PartyName><cac:PostalAddress><cbc:StreetName>Industriestraße 8';
    const both = edited('ubl-invoice.xml', '<cac:PostalAddress><cbc:StreetName>Industriestraße 8', tradingName);
    expect(parseEInvoice(both).seller.name).toBe('Rheinland IT-Service GmbH');
    const onlyTrading = both.toString('utf8').replace('<cac:PartyLegalEntity><cbc:RegistrationName>Rheinland IT-Service GmbH</cbc:RegistrationName></cac:PartyLegalEntity>', '');
    expect(parseEInvoice(Buffer.from(onlyTrading)).seller.name).toBe('Rheinland IT');
  });

  it('offers a UBL payment account as the IBAN only when it is shaped like one', () => {
    const bankgiro = edited('ubl-invoice.xml', '<cbc:ID>DE02370502990000684712</cbc:ID>', '<cbc:ID>5566-7788</cbc:ID>');
    expect(parseEInvoice(bankgiro).ibans).toEqual([]);
    const spaced = edited('ubl-invoice.xml', '<cbc:ID>DE02370502990000684712</cbc:ID>', '<cbc:ID>DE02 3705 0299 0000 6847 12</cbc:ID>');
    expect(parseEInvoice(spaced).ibans).toEqual(['DE02370502990000684712']);
  });

  it('reads a Factur-X MINIMUM invoice: header and totals, no lines', () => {
    const inv = parseEInvoice(fixture('facturx-minimum.xml'));
    expect(inv).toMatchObject({ profile: 'urn:factur-x.eu:1p0:minimum', number: 'FA-2017-0010', issueDate: '2017-11-13', currency: 'EUR', poNumber: 'PO445', lines: [] });
    expect(inv.seller).toMatchObject({ name: 'Au bon moulin', vatId: 'FR11999999998', country: 'FR' });
    expect(inv.totals).toMatchObject({ taxBasis: '624.90', taxTotal: '46.25', grandTotal: '671.15', payable: '470.15' });
  });
});

describe('e-invoice XML attached to a PDF', () => {
  it('finds the XML under any of the names the standards give it, and ignores other attached XML', async () => {
    const xml = fixture('cii-xrechnung.xml');
    for (const name of ['factur-x.xml', 'ZUGFeRD-invoice.xml', 'zugferd-invoice.xml', 'xrechnung.xml']) {
      const r = await readEmbeddedEInvoice(makeEInvoicePdf(['Rechnung'], xml, name));
      expect(r).toMatchObject({ attachment: name, invoice: { number: 'XR-2024-0042' }, error: null });
    }
    expect(await readEmbeddedEInvoice(makeEInvoicePdf(['Report'], '<?xml version="1.0"?><settings><a>1</a></settings>', 'settings.xml'))).toBeNull();
    expect(await readEmbeddedEInvoice(makeTextPdf([['No attachments here']]))).toBeNull();
  });

  it('records a broken attached invoice XML with its reason instead of failing', async () => {
    const r = await readEmbeddedEInvoice(makeEInvoicePdf(['Rechnung'], '<rsm:CrossIndustryInvoice><oops></rsm:CrossIndustryInvoice>', 'factur-x.xml'));
    expect(r).toMatchObject({ attachment: 'factur-x.xml', invoice: null, error: { code: 'xml_malformed' } });
  });
});

describe('e-invoice XML: hostile and broken input is refused with a stable code', () => {
  it('refuses entity declarations (billion laughs) without expanding them', () => {
    const t = performance.now();
    expect(codeOf(() => parseEInvoice(Buffer.from(BILLION_LAUGHS)))).toBe('xml_entities_refused');
    expect(performance.now() - t).toBeLessThan(1000);
  });

  it('refuses an external entity (XXE) the same way, reading no file', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><Invoice><ID>&x;</ID></Invoice>';
    expect(codeOf(() => parseEInvoice(Buffer.from(xxe)))).toBe('xml_entities_refused');
  });

  it('refuses any DOCTYPE, even one without entities', () => {
    expect(codeOf(() => parseEInvoice(Buffer.from('<?xml version="1.0"?><!DOCTYPE Invoice SYSTEM "x.dtd"><Invoice/>')))).toBe('xml_doctype_refused');
  });

  it('refuses XML that is not well formed, saying where', () => {
    const broken = fixture('ubl-invoice.xml').toString('utf8').replace('</cbc:IssueDate>', '</cbc:IssueDat>');
    let message = '';
    try {
      parseEInvoice(Buffer.from(broken));
    } catch (err) {
      message = (err as Error).message;
      expect((err as PipelineError).code).toBe('xml_malformed');
    }
    expect(message).toMatch(/line \d+/);
  });

  it('refuses XML over the size limit before reading it', () => {
    const huge = Buffer.alloc(XML_LIMITS.maxBytes + 1, 0x20);
    huge.write('<Invoice>');
    expect(codeOf(() => parseEInvoice(huge))).toBe('xml_too_large');
  });

  it('refuses absurdly deep nesting', () => {
    const deep = `<Invoice>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</Invoice>`;
    expect(codeOf(() => parseEInvoice(Buffer.from(deep)))).toBe('xml_malformed');
  });

  it('says plainly when well-formed XML is not an invoice', () => {
    expect(codeOf(() => parseEInvoice(Buffer.from('<?xml version="1.0"?><Order><ID>1</ID></Order>')))).toBe('einvoice_unrecognised');
  });
});
