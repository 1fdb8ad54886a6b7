/**
 * Undoing the OCR misreads that hide labels and legal forms ("Tota!", "Subtoiat", "TolalAmt",
 * "SON BHD"). Label repairs keep the text's length, so character positions stay valid.
 */

// Words one letter away from another real word ("change"/"charge", "grand"/"brand") are left out.
const KEYWORDS = [
  'subtotal', 'total', 'amount', 'rounding', 'rounded', 'invoice', 'receipt', 'payment', 'balance',
  'tendered', 'inclusive', 'including', 'excluding', 'exclusive', 'discount', 'cashier', 'payable',
];

/** Keywords that no word of the languages we read is within two letters of ("exclusive" is: Dutch "exclusief"). */
const TWO_OFF = new Set(['payable', 'subtotal', 'rounding']);

/** Letters OCR puts in place of others in words: digits and punctuation that look like letters. */
const LOOKALIKE: Record<string, string> = { '0': 'o', '1': 'l', '!': 'l', '|': 'l', '5': 's', '8': 'b', '$': 's' };

function mismatches(a: string, b: string): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

function repairToken(token: string): string {
  if (token.length < 5 || !/[a-z]{3}/i.test(token)) return token;
  const lower = token.toLowerCase().replace(/[01!|58$]/g, (c) => LOOKALIKE[c] ?? c);
  for (const k of KEYWORDS) {
    if (lower.length < k.length) continue;
    // The keyword as the whole token, or as its start when a look-alike character shows it is a
    // misread ("T0talAmt"); never a longer real word such as Dutch "Totaal".
    const window = lower.slice(0, k.length);
    const misread = /[01!|58$]/.test(token.slice(0, k.length));
    // Two letters may be off in a whole word that no real word comes that close to ("Payahte").
    const allowed = lower.length === k.length && TWO_OFF.has(k) ? 2 : 1;
    if ((lower.length === k.length || misread) && mismatches(window, k) <= allowed) {
      const fixed = matchCase(token.slice(0, k.length), k);
      return fixed + token.slice(k.length);
    }
  }
  return token;
}

function matchCase(original: string, word: string): string {
  return original === original.toUpperCase() ? word.toUpperCase() : word;
}

/** The row text with misread label words repaired, same length as the input. */
export function repairLabels(text: string): string {
  return text.replace(/[A-Za-z0-9!|$]+/g, (token) => repairToken(token));
}

/** Legal forms as OCR misreads them: "SON BHD", "SDN BND", "SDN BAD", "S0N 8HD". */
export function repairLegalForm(name: string): string {
  return name
    .replace(/\bS[O0DQ]N(\.?\s*)(?:B[HN][DO0]|8HD|BAD|BH0)\b/gi, (m, gap: string) => (m === m.toUpperCase() ? `SDN${gap}BHD` : `Sdn${gap}Bhd`))
    .replace(/\bSDN(\.?\s*)(?:B[A-Z]D|[D8]HD)\b/g, 'SDN$1BHD')
    .replace(/(?<=\s)[5S]\s?\/\s?[BR8](?=\s*(?:[({[]|$))/g, 'S/B');
}
