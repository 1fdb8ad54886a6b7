/**
 * The currency a document most likely uses when it prints no currency mark a reader could see:
 * the country of its bank account (IBAN) and VAT numbers, as a clerk would infer it. The OCR
 * model behind scans has no "€" in its alphabet, so on a scanned euro invoice the sign is lost.
 */
import type { ExtractedField } from '../../src-shared/document-model.ts';

/** Countries whose currency is the euro (2026), plus the few others whose IBAN or VAT prefix says it outright. */
const CURRENCY_OF_COUNTRY: Record<string, string> = {
  ...Object.fromEntries(['AT', 'BE', 'HR', 'CY', 'EE', 'FI', 'FR', 'DE', 'GR', 'EL', 'IE', 'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PT', 'SK', 'SI', 'ES', 'BG', 'MC', 'SM', 'AD'].map((c) => [c, 'EUR'])),
  GB: 'GBP',
  CH: 'CHF',
  LI: 'CHF',
  SE: 'SEK',
  DK: 'DKK',
  NO: 'NOK',
  PL: 'PLN',
  CZ: 'CZK',
  HU: 'HUF',
  RO: 'RON',
};

// An IBAN: country, two check digits, then 11–30 letters and digits, perhaps in groups of four.
const IBAN = /\b([A-Z]{2})\s?\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?\b/g;
// A VAT number after its label (USt-IdNr., TVA, BTW, VAT): country prefix then 8–12 characters.
const VAT = /\b(?:USt[-.\s]?Id[-.\s]?Nr|UID|VAT|TVA|BTW|IVA|MwSt|UStId|Tax\s*ID)\b[^A-Z\n]{0,20}([A-Z]{2})\s?[0-9A-Z]{2,3}(?:\s?[0-9A-Z]{2,4}){2,4}\b/gi;

/** The currency the seller's and buyer's countries point to, when they agree; undefined without such cues. */
export function currencyFromCountry(text: string): ExtractedField | undefined {
  const votes = new Map<string, { n: number; says: string[] }>();
  const vote = (country: string, what: string) => {
    const code = CURRENCY_OF_COUNTRY[country.toUpperCase()];
    if (!code) return;
    const v = votes.get(code) ?? { n: 0, says: [] };
    v.n++;
    v.says.push(`${what} ${country.toUpperCase()}`);
    votes.set(code, v);
  };
  for (const m of text.matchAll(IBAN)) vote(m[1]!, 'an IBAN from');
  for (const m of text.matchAll(VAT)) vote(m[1]!, 'a VAT number from');
  const ranked = [...votes.entries()].sort((a, b) => b[1].n - a[1].n);
  const top = ranked[0];
  // Accounts or VAT numbers in two currencies: no guess.
  if (!top || (ranked[1] && ranked[1][1].n * 2 > top[1].n)) return undefined;
  return {
    value: top[0],
    // Lower than a printed currency mark's: the reviewer sees it was inferred.
    confidence: top[1].n >= 2 ? 0.55 : 0.5,
    source: 'generic',
    note: `no currency printed where the reader could see it; inferred from ${[...new Set(top[1].says)].join(', ')}`,
  };
}
