/**
 * Which way round the document writes numeric dates, and which decimal separator it uses,
 * from cues a clerk would use: unambiguous dates, currency, language, VAT formats, countries.
 */
import { findDates, type DateOrder } from './normalise-date.ts';
import type { DecimalSeparator } from './normalise-amount.ts';

export interface DocumentLocale {
  dateOrder: DateOrder;
  evidence: string[];
  decimal?: DecimalSeparator;
  /** How sure the date order is: 'strong' with a proven date or a clear margin of cues. */
  strength: 'strong' | 'weak' | 'none';
}

interface Cue {
  re: RegExp;
  order: 'DMY' | 'MDY';
  weight: number;
  says: string;
}

const CUES: Cue[] = [
  { re: /\bUSD\b|US\$/, order: 'MDY', weight: 1, says: 'amounts in US dollars' },
  { re: /\b(?:United States|U\.S\.A\.?|USA)\b/i, order: 'MDY', weight: 2, says: 'a United States address' },
  { re: /\b[A-Z]{2}\s\d{5}(?:-\d{4})?\b/, order: 'MDY', weight: 0.5, says: 'a US-style state and ZIP code' },
  { re: /€|\bEUR\b/, order: 'DMY', weight: 2, says: 'amounts in euros' },
  { re: /\bRM\s?\d|\bMYR\b|\bMalaysia\b|\bSDN\.?\s*BHD\b|\bJALAN\b|\bJLN\b/i, order: 'DMY', weight: 3, says: 'a Malaysian business (RM, Sdn Bhd, Jalan)' },
  { re: /\bGST\s*(?:REG|ID|NO)/i, order: 'DMY', weight: 1, says: 'a GST registration number' },
  { re: /\bRs\.?\s?\d|₹|\bINR\b|\bIndia\b|\bGSTIN\b/, order: 'DMY', weight: 3, says: 'an Indian business (rupees, GSTIN)' },
  { re: /£|\bGBP\b|\bUnited Kingdom\b|\bVAT Reg/i, order: 'DMY', weight: 2, says: 'a British business (pounds, VAT reg)' },
  { re: /\b(?:Rechnung|Datum|MwSt|USt|Betrag|Gesamt)/i, order: 'DMY', weight: 2, says: 'German wording' },
  { re: /\b(?:Facture|Montant|TVA|TTC|Échéance)/i, order: 'DMY', weight: 2, says: 'French wording' },
  { re: /\b(?:Factuur|Totaal|BTW|Bedrag)/i, order: 'DMY', weight: 2, says: 'Dutch wording' },
  { re: /\b(?:Factura|Importe|IVA|Fattura|Importo)\b/i, order: 'DMY', weight: 2, says: 'Spanish or Italian wording' },
  { re: /\b(?:DE|FR|NL|BE|ES|IT|AT)\s?[0-9A-Z]{8,12}\b/, order: 'DMY', weight: 0.5, says: 'an EU VAT number' },
  { re: /\b(?:Deutschland|Germany|France|Nederland|Netherlands|España|Italia|Österreich|Belgi[eë]|Singapore|Australia)\b/i, order: 'DMY', weight: 2, says: 'a European or Commonwealth country' },
];

/** Reads the date order and decimal separator from the whole document text. */
export function detectLocale(text: string): DocumentLocale {
  const evidence: string[] = [];
  let dmy = 0;
  let mdy = 0;
  let ymd = 0;
  let provenDmy = 0;
  let provenMdy = 0;
  for (const d of findDates(text)) {
    if (!/^\d/.test(d.raw) || /^\d{4}/.test(d.raw)) {
      if (/^\d{4}/.test(d.raw)) ymd++;
      continue;
    }
    if (!/^\d{1,2}[-./ ]\d{1,2}[-./ ]\d{2,4}$/.test(d.raw.replace(/\s/g, ''))) continue;
    // "12.17.26" with two-digit parts and dots is as likely a time of day (OCR reads ':' as '.').
    if (/^\d{2}\.\d{2}\.\d{2}$/.test(d.raw.replace(/\s/g, ''))) continue;
    if (d.provenOrder === 'DMY') provenDmy++;
    if (d.provenOrder === 'MDY') provenMdy++;
  }
  if (provenDmy) {
    dmy += 5 * provenDmy;
    evidence.push(`${provenDmy} date(s) with a day over 12 written day first`);
  }
  if (provenMdy) {
    mdy += 5 * provenMdy;
    evidence.push(`${provenMdy} date(s) with a day over 12 written month first`);
  }
  for (const cue of CUES) {
    if (cue.re.test(text)) {
      if (cue.order === 'DMY') dmy += cue.weight;
      else mdy += cue.weight;
      evidence.push(`${cue.says} (suggests ${cue.order === 'DMY' ? 'day first' : 'month first'})`);
    }
  }
  let dateOrder: DateOrder = 'unknown';
  if (dmy > mdy) dateOrder = 'DMY';
  else if (mdy > dmy) dateOrder = 'MDY';
  else if (ymd > 0) {
    dateOrder = 'YMD';
    evidence.push('dates written year first');
  }
  const margin = Math.abs(dmy - mdy);
  const proven = dateOrder === 'DMY' ? provenDmy : dateOrder === 'MDY' ? provenMdy : 0;
  const strength = dateOrder === 'unknown' ? 'none' : proven > 0 || margin >= 3 ? 'strong' : 'weak';
  return { dateOrder, evidence, decimal: detectDecimal(text), strength };
}

/** The decimal separator most amounts with two decimals use. */
export function detectDecimal(text: string): DecimalSeparator | undefined {
  const comma = (text.match(/(?<![\d.,])\d{1,3}(?:\.\d{3})*,\d{2}(?![\d,.])/g) ?? []).length;
  const dot = (text.match(/(?<![\d.,])\d{1,3}(?:,\d{3})*\.\d{2}(?![\d,.])/g) ?? []).length;
  if (comma === 0 && dot === 0) return undefined;
  return comma > dot ? ',' : '.';
}
