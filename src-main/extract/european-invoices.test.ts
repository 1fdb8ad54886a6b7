import { describe, expect, it } from 'vitest';
import { fieldValues as read } from '../testing/field-values.ts';
import { extractDocument } from './extract-document.ts';
import { pagesFromLines } from './page-layout.ts';

describe('German invoices', () => {
  const RECHNUNG = [
    'Muster Technik GmbH · Industriestr. 4 · 70565 Stuttgart',
    'Kunde AG',
    'Bahnhofstraße 12',
    '10115 Berlin',
    'RECHNUNG',
    'Rechnungs-Nr.:        2024-0815',
    'Rechnungsdatum:       19. März 2024',
    'Leistungsdatum:       12.03.2024',
    'Zahlbar bis:          02.04.2024',
    'Pos   Bezeichnung                    Menge   Einzelpreis      Gesamt',
    '1     Wartung Heizungsanlage         8 h        95,00 €      760,00 €',
    '2     Ersatzteile                    1         474,56 €      474,56 €',
    'Nettobetrag                                               1.234,56 €',
    'MwSt. 19 %                                                  234,57 €',
    'Bruttobetrag                                            1.469,13 €',
    'Bankverbindung: Kreissparkasse · IBAN: DE89 3704 0044 0532 0130 00 · BIC: COKSDE33',
    'USt-IdNr.: DE136695976 · Steuernummer: 99/123/45678 · Amtsgericht Stuttgart HRB 12345',
  ];

  it('reads number, dates, net, tax, gross, VAT ID and IBAN with German labels and 1.234,56 amounts', () => {
    const f = read(RECHNUNG);
    expect(f.documentNumber).toBe('2024-0815');
    expect(f.issueDate).toBe('2024-03-19');
    expect(f.dueDate).toBe('2024-04-02');
    expect(f.subtotal).toBe('1234.56');
    expect(f.tax).toBe('234.57');
    expect(f.total).toBe('1469.13');
    expect(f.currency).toBe('EUR');
    expect(f.vendorTaxId).toBe('DE136695976');
    expect(f.iban).toBe('DE89370400440532013000');
  });

  it('reads the labels and month names of a scan whose OCR dropped the umlauts', () => {
    const f = read(RECHNUNG.map((l) => l.replace('Zahlbar bis:          02.04.2024', 'Falligkeit            02.04.2024').replace('März', 'Marz')));
    expect(f.issueDate).toBe('2024-03-19');
    expect(f.dueDate).toBe('2024-04-02');
    const transfer = read(['Muster GmbH', 'Rechnung # RE-20140703/502 vom 03.07.2014', 'Gesamtbetrag 119,00 EUR', 'Bitte uberweisen Sie bis zum 24.07.2014:']);
    expect(transfer.dueDate).toBe('2014-07-24');
  });

  it('takes the sum row at the foot of a tax table, past a row with figures only in other columns', () => {
    const f = read([
      'Muster GmbH',
      'RECHNUNGS-KORREKTUR',
      'Warenwert        Nettobetrag   MwSt-Betrag   MwSt-%   Endbetrag',
      '                       -4,85         -0,92     19,0       -5,77',
      '                       -2,82         -0,20      7,0       -3,02',
      '   -2,90   0,08',
      '                       -7,67         -1,12      EUR       -8,79',
    ]);
    expect(f.total).toBe('-8.79');
  });

  it('takes the gross total, not what is left to pay after a down payment (Anzahlung)', () => {
    const f = read([
      'Rohstoff AG',
      'Rechnung Nr. 47110815 vom 31.10.2018',
      'Rechnungssumme ohne USt.        858,75',
      'Steuerbetrag                    163,16',
      'Bruttosumme                   1.021,91',
      'Erhaltene Anzahlungen          -500,00',
      'Zahlbetrag                      521,91',
    ]);
    expect(f.total).toBe('1021.91');
    expect(f.subtotal).toBe('858.75');
    expect(f.tax).toBe('163.16');
  });

  it('names the seller from the column under "Lieferant", not the buyer beside it', () => {
    const f = read([
      '     Lieferant                      Käufer                      RECHNUNG',
      '     GLN 4333741000005              GLN 4304171000002',
      '     NORDLICHT HANDEL GMBH          KUNDE & SOHN KG             Beleg-Nr   : R-2013-77',
      '     BAHNHOFSTRASSE 99              KUNDENWEG 88                Beleg-Datum : 16.09.2013',
    ]);
    expect(f.vendor).toBe('NORDLICHT HANDEL GMBH');
    expect(f.documentNumber).toBe('R-2013-77');
    expect(f.issueDate).toBe('2013-09-16');
  });

  it('reads the seller heading and the invoice currency from OCR that lost the umlauts', () => {
    const ocr = pagesFromLines(
      [
        'Stylesheet zur Lesbarmachung der XML-Daten von ZUGFeRD 2.0-Rechnungen',
        'Handelsrechnung Nr. 47110815 vom 31.10.2018',
        'Rechnungswahrung : GBP',
        'Wahrung der Umsatzsteuerbuchung : EUR',
        'Verkédufer:',
        'Nummer : 12345676',
        'Rohstoff AG Salzgitter',
        'Marktstr. 153',
      ],
      { source: 'ocr' },
    );
    const f = read(ocr);
    expect(f.vendor).toBe('Rohstoff AG Salzgitter');
    expect(f.currency).toBe('GBP');
    expect(f.documentNumber).toBe('47110815');
  });

  it('finds the due date in payment terms, not the early-payment discount date', () => {
    const f = read([
      'Lieferant GmbH',
      'Rechnungsnummer 471102',
      'Rechnungsdatum 05.06.2013',
      'Gesamtbetrag 215,14 EUR',
      'Zahlbar innerhalb 30 Tagen netto bis 04.07.2013, 3% Skonto innerhalb 10 Tagen bis 15.06.2013',
    ]);
    expect(f.dueDate).toBe('2013-07-04');
  });

  it('uses the currency the invoice names over euro signs in the text', () => {
    const f = read(['Rohstoff AG', 'Rechnungswährung : GBP', 'Währung der Umsatzsteuerbuchung : EUR', 'Steuerbetrag in EUR 183,14 €', 'Bruttosumme 1.021,91']);
    expect(f.currency).toBe('GBP');
  });

  it('reads a total from the last page of a multi-page invoice', () => {
    const page1 = pagesFromLines(['Bei Spiel GmbH', 'Rechnung Nr. RE-2024/17', 'Rechnungsdatum 03.07.2024', 'Pos 1 Beratung 10 h 1.200,00 €'])[0]!;
    const page2 = pagesFromLines(['Summe netto: 1.200,00 €', 'Zuzügl. USt: 228,00 €', 'Summe inkl. USt: 1.428,00 €'], { pageNo: 2 })[0]!;
    const f = read([page1, page2]);
    expect(f.total).toBe('1428.00');
    expect(f.tax).toBe('228.00');
    expect(f.documentNumber).toBe('RE-2024/17');
  });
});

describe('French invoices and credit notes', () => {
  it('reads Facture n°, dates in words, Total HT, TVA, Total TTC and the seller VAT ID, not the client one', () => {
    const f = read([
      'Au bon moulin SARL',
      '1242 chemin de l\'olive - 84340 Malaucène',
      'Facture n° FA-2024-0042',
      'Date de facture : 19 mars 2024',
      "Date d'échéance : 18 avril 2024",
      'N° TVA client        FR19787878784',
      'Désignation                 Qté     PU HT       Montant HT',
      'Huile d\'olive 1L            12     19,80 €       237,60 €',
      'Total HT                                         237,60 €',
      'TVA 5,5 %                                         13,07 €',
      'Total TTC                                        250,67 €',
      'TVA : FR11999999998 - SIRET : 99999999800010 - IBAN FR76 3000 6000 0112 3456 7890 189',
    ]);
    expect(f.documentNumber).toBe('FA-2024-0042');
    expect(f.issueDate).toBe('2024-03-19');
    expect(f.dueDate).toBe('2024-04-18');
    expect(f.subtotal).toBe('237.60');
    expect(f.tax).toBe('13.07');
    expect(f.total).toBe('250.67');
    expect(f.vendorTaxId).toBe('FR11999999998');
    expect(f.iban).toBe('FR7630006000011234567890189');
  });

  it('keeps the negative totals of an avoir and its own number, not the invoice it refers to', () => {
    const f = read(
      [
        'Au bon moulin SARL',
        'Avoir AV-2017-0005',
        'Date de facture                   16/11/2017',
        "Date d'échéance                   16/11/2017",
        'Facture liée                      FA-2017-0010',
        'Total HT                          -218,48 €',
        'Total taxes                        -14,99 €',
        'Total TTC                         -233,47 €',
      ],
      'credit_note',
    );
    expect(f.documentNumber).toBe('AV-2017-0005');
    expect(f.total).toBe('-233.47');
    expect(f.subtotal).toBe('-218.48');
    expect(f.tax).toBe('-14.99');
    expect(f.dueDate).toBe('2017-11-16');
  });
});

describe('Dutch and Spanish basics', () => {
  it('reads a Dutch factuur', () => {
    const f = read([
      'Polder Installatie B.V.',
      'Factuurnummer: 2024-311',
      'Factuurdatum: 19-03-2024',
      'Vervaldatum: 02-04-2024',
      'Totaal excl. BTW     € 1.000,00',
      'BTW 21%              € 210,00',
      'Te betalen           € 1.210,00',
      'BTW-nummer: NL123456789B01',
    ]);
    expect(f).toMatchObject({ documentNumber: '2024-311', issueDate: '2024-03-19', dueDate: '2024-04-02', subtotal: '1000.00', tax: '210.00', total: '1210.00', vendorTaxId: 'NL123456789B01' });
  });

  it('reads a Spanish factura', () => {
    const f = read([
      'Distribuciones Sol S.L.',
      'Número de factura: F-2024/118',
      'Fecha de factura: 19/03/2024',
      'Base imponible      500,00 €',
      'IVA 21%             105,00 €',
      'Total a pagar       605,00 €',
    ]);
    expect(f).toMatchObject({ documentNumber: 'F-2024/118', issueDate: '2024-03-19', subtotal: '500.00', tax: '105.00', total: '605.00', currency: 'EUR' });
  });
});

describe('locale from the page', () => {
  it('reads 11/03/2017 month first on a US invoice and day first on a euro invoice', () => {
    const us = read(['Acme Supply Inc.', '1200 Market St, Austin TX 78701, USA', 'Invoice Date: 11/03/2017', 'Total Due: USD 1,234.56']);
    expect(us.issueDate).toBe('2017-11-03');
    expect(us.total).toBe('1234.56');
    const eu = read(['Muster GmbH', 'Rechnungsdatum: 11/03/2017', 'Gesamtbetrag: 1.234,56 EUR']);
    expect(eu.issueDate).toBe('2017-03-11');
    expect(eu.total).toBe('1234.56');
  });
});

describe('IBANs', () => {
  it('keeps a labelled IBAN whose check digits fail, with low confidence and a note', () => {
    const { fields } = extractDocument(
      pagesFromLines(['MVM Versicherungsverein a.G.', 'Rechnungsbetrag 59,50 €', 'Bitte überweisen Sie auf folgende Bankverbindung: IBAN', 'DE75123456780000001234, BIC WELADED1MST']),
      { docType: 'invoice' },
    );
    expect(fields.iban?.value).toBe('DE75123456780000001234');
    expect(fields.iban!.confidence).toBeLessThan(0.5);
    expect(fields.iban!.note).toMatch(/not a valid IBAN/);
  });

  it('keeps one under a bank-details heading with no "IBAN" word, only if it has its country\'s IBAN length', () => {
    const lines = (number: string) => ['MVM Versicherungsverein a.G.', 'Rechnungsbetrag 59,50 €', 'Einen zu zahlenden Beitrag überweisen Sie bitte auf folgende Bankverbindung:', `${number}, BIC WELADED1MST, Sparkasse Musterstadt Ost.`];
    const { fields } = extractDocument(pagesFromLines(lines('DE75123456780000001234')), { docType: 'invoice' });
    expect(fields.iban?.value).toBe('DE75123456780000001234');
    expect(fields.iban!.confidence).toBeLessThan(0.5);
    expect(extractDocument(pagesFromLines(lines('DE7512345678000000123')), { docType: 'invoice' }).fields.iban).toBeUndefined();
  });
});
