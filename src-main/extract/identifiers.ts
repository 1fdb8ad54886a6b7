/**
 * Checks for identifiers printed on invoices: IBAN (ISO 13616 mod 97) and VAT / GST numbers
 * (EU VIES formats, UK, Malaysian GST and SST, Indian GSTIN, Canadian GST/HST, Australian ABN).
 * Shared by extraction (to raise confidence) and the rules engine (to flag bad numbers).
 */

export function compactId(value: string): string {
  return value.toUpperCase().replace(/[\s.\-/]/g, '');
}

/** IBAN lengths per country for the countries we see most; others only need 15..34 characters. */
const IBAN_LENGTHS: Record<string, number> = {
  AT: 20, BE: 16, CH: 21, CZ: 24, DE: 22, DK: 18, ES: 24, FI: 18, FR: 27, GB: 22, IE: 22, IT: 27,
  LU: 20, NL: 18, NO: 15, PL: 28, PT: 25, SE: 24,
};

export type IbanCheck = { valid: true; iban: string } | { valid: false; iban: string; reason: string };

export function checkIban(value: string): IbanCheck {
  const iban = compactId(value);
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) {
    return { valid: false, iban, reason: 'it is not shaped like an IBAN (country code, 2 check digits, account)' };
  }
  const expected = IBAN_LENGTHS[iban.slice(0, 2)];
  if (expected !== undefined && iban.length !== expected) {
    return { valid: false, iban, reason: `${iban.slice(0, 2)} IBANs have ${expected} characters, this one has ${iban.length}` };
  }
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const digits = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return remainder === 1 ? { valid: true, iban } : { valid: false, iban, reason: 'its check digits are wrong (mod 97)' };
}

interface TaxIdFormat {
  country: string;
  label: string;
  re: RegExp;
  check?: (id: string) => boolean;
  /** A bare run of digits many numbers share: failing the check means it is not this kind of number at all. */
  checkDecidesKind?: boolean;
}

/** Formats after compactId(); EU numbers carry their country prefix. */
export const TAX_ID_FORMATS: TaxIdFormat[] = [
  { country: 'DE', label: 'German VAT number (DE + 9 digits)', re: /^DE\d{9}$/ },
  { country: 'FR', label: 'French VAT number (FR + 2-character key + 9-digit SIREN)', re: /^FR[0-9A-HJ-NP-Z]{2}\d{9}$/, check: frenchKey },
  { country: 'NL', label: 'Dutch VAT number (NL + 9 digits + B + 2 digits)', re: /^NL\d{9}B\d{2}$/ },
  { country: 'BE', label: 'Belgian VAT number (BE + 10 digits starting 0 or 1)', re: /^BE[01]\d{9}$/ },
  { country: 'ES', label: 'Spanish VAT number (ES + letter/digit + 7 digits + letter/digit)', re: /^ES[0-9A-Z]\d{7}[0-9A-Z]$/ },
  { country: 'IT', label: 'Italian VAT number (IT + 11 digits)', re: /^IT\d{11}$/ },
  { country: 'AT', label: 'Austrian VAT number (ATU + 8 digits)', re: /^ATU\d{8}$/ },
  { country: 'GB', label: 'UK VAT number (GB + 9 or 12 digits)', re: /^GB(?:\d{9}|\d{12}|GD\d{3}|HA\d{3})$/ },
  { country: 'MY', label: 'Malaysian GST number (12 digits)', re: /^\d{12}$/ },
  { country: 'MY', label: 'Malaysian SST number (letter + 2 digits, 4 digits, 8 digits)', re: /^[A-Z]\d{2}\d{4}\d{8}$/ },
  { country: 'IN', label: 'Indian GSTIN (15 characters)', re: /^\d{2}[A-Z]{5}\d{4}[A-Z][1-9A-Z]Z[0-9A-Z]$/ },
  { country: 'CA', label: 'Canadian GST/HST number (9-digit business number, RT, 4 digits)', re: /^\d{9}RT\d{4}$/ },
  { country: 'AU', label: 'Australian Business Number (11 digits)', re: /^\d{11}$/, check: abnChecksum, checkDecidesKind: true },
];

/** The ABN check: subtract 1 from the first digit, weigh the digits 10, 1, 3, 5 … 19; the sum divides by 89. */
function abnChecksum(id: string): boolean {
  const weights = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];
  const digits = id.split('').map(Number);
  digits[0]! -= 1;
  return digits.reduce((sum, d, i) => sum + d * weights[i]!, 0) % 89 === 0;
}

function frenchKey(id: string): boolean {
  const key = id.slice(2, 4);
  if (!/^\d{2}$/.test(key)) return true; // letter keys use another scheme; format only
  const siren = Number(id.slice(4));
  return Number(key) === (12 + 3 * (siren % 97)) % 97;
}

export type TaxIdCheck =
  | { valid: true; country: string; label: string }
  | { valid: false; reason: string; country?: string };

/**
 * Checks a VAT / GST number. `country` narrows the formats (from the document or the prefix);
 * without it any known format is accepted.
 */
export function checkTaxId(value: string, country?: string): TaxIdCheck {
  const id = compactId(value);
  const prefix = /^[A-Z]{2}/.exec(id)?.[0];
  const wanted = country ?? (prefix && TAX_ID_FORMATS.some((f) => f.country === prefix) ? prefix : undefined);
  const formats = wanted ? TAX_ID_FORMATS.filter((f) => f.country === wanted) : TAX_ID_FORMATS;
  if (formats.length === 0) return { valid: false, reason: `no VAT number format is known for ${wanted}` };
  for (const f of formats) {
    if (f.re.test(id)) {
      if (f.check && !f.check(id) && f.checkDecidesKind) continue;
      if (f.check && !f.check(id)) return { valid: false, country: f.country, reason: `its check digits are wrong for a ${f.label}` };
      return { valid: true, country: f.country, label: f.label };
    }
  }
  return {
    valid: false,
    country: wanted,
    reason: wanted
      ? `it does not match the ${formats.map((f) => f.label).join(' or ')}`
      : 'it matches no known VAT or GST number format',
  };
}
