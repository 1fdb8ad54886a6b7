import { describe, expect, it } from 'vitest';
import { extractDocument } from './extract-document.ts';
import { pagesFromLines } from './page-layout.ts';

/** What the scan reader leaves of a German insurance bill: its "€" signs are gone (not in its alphabet). */
const SCANNED_BILL = [
  'MVM Musterhafter',
  'Versicherungsverein Musterstadt a.G.',
  'Beitragsrechnung 24. Januar 2014',
  'Privathaftpflicht 50,00',
  'Versicherungsteuer 19 % 9,50',
  'Rechnungsbeitrag 59,50',
  'Einen zu zahlenden Beitrag uberweisen Sie bitte auf folgende Bankverbindung: IBAN',
  'DE75123456780000001234, BIC WELADED1MST, Sparkasse Musterstadt Ost.',
  'USt-IdNr.: DE136695976',
];

const currency = (lines: string[]) => extractDocument(pagesFromLines(lines), { docType: 'invoice' }).fields.currency;

describe('currency of a document whose currency sign the reader lost', () => {
  it('is the euro for a German IBAN and VAT number, said to be inferred, below a printed mark', () => {
    const c = currency(SCANNED_BILL)!;
    expect(c.value).toBe('EUR');
    expect(c.note).toMatch(/inferred from an IBAN from DE, a VAT number from DE/);
    expect(c.confidence).toBeLessThan(currency([...SCANNED_BILL, 'Rechnungsbeitrag 59,50 EUR'])!.confidence);
  });

  it('follows the country: a British account means pounds, a Swiss one francs', () => {
    expect(currency(['Invoice 1042', 'Total 120.00', 'IBAN GB33 BUKB 2020 1555 5555 55'])?.value).toBe('GBP');
    expect(currency(['Rechnung 1042', 'Total 120.00', 'IBAN CH93 0076 2011 6238 5295 7'])?.value).toBe('CHF');
  });

  it('a printed currency still wins over the country', () => {
    expect(currency([...SCANNED_BILL, 'All amounts in USD'])?.value).toBe('USD');
  });

  it('guesses nothing without an account or VAT number, or when they point to two currencies', () => {
    expect(currency(['Rechnung 1042', 'Gesamt 120,00'])).toBeUndefined();
    expect(currency(['IBAN GB33 BUKB 2020 1555 5555 55', 'IBAN DE75 1234 5678 0000 0012 34'])).toBeUndefined();
  });
});
