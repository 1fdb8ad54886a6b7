/**
 * Amounts as written on invoices and receipts (`1.234,50`, `1,234.50`, `RM9.00`, `€ 12,00`,
 * `12.00-`, `(5.00)`) into the corpus form: a decimal string with `.`, no grouping, two decimals.
 */

export type DecimalSeparator = '.' | ',';

const CURRENCY_MARK =
  /(?:EUR|USD|GBP|MYR|INR|CHF|SGD|AUD|CAD|JPY|CNY|SEK|NOK|DKK|PLN|CZK|RM|Rs\.?|INR|€|\$|£|¥|₹|S\$|US\$)/i;

/** One amount found in a line of text. */
export interface AmountMatch {
  value: string;
  raw: string;
  start: number;
  end: number;
  hasDecimals: boolean;
  hasCurrency: boolean;
  negative: boolean;
}

/**
 * Normalises one amount; null when the text is not an amount. `decimal` says which separator is
 * the decimal one when the text alone cannot tell (`1,234` or `1.234`).
 */
export function normaliseAmount(raw: string, decimal?: DecimalSeparator): string | null {
  let s = raw.trim();
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1);
  }
  s = s.replace(new RegExp(CURRENCY_MARK.source, 'gi'), '').replace(/\b(?:TTC|HT|incl\.?|excl\.?)\b/gi, '');
  s = s.replace(/^[\s:=*]+|[\s*]+$/g, '');
  if (/-$/.test(s)) {
    negative = true;
    s = s.slice(0, -1).trim();
  }
  if (/^[-−–]/.test(s)) {
    negative = true;
    s = s.slice(1).trim();
  }
  // OCR reads 0 as O inside numbers.
  s = s.replace(/(?<=\d)[Oo](?=[\d.,]|$)|(?<=[.,])[Oo]/g, '0');
  // Grouping by spaces or apostrophes ("1 234,50", "1'234.50").
  s = s.replace(/(?<=\d)[\s'’](?=\d{3}(?:\D|$))/g, '');
  if (/^\.\d{2}$/.test(s)) s = `0${s}`;
  if (!/^\d[\d.,]*$/.test(s)) return null;

  let intPart: string;
  let fracPart = '';
  const lastDot = s.lastIndexOf('.');
  const lastComma = s.lastIndexOf(',');
  if (lastDot >= 0 && lastComma >= 0) {
    const sep = lastDot > lastComma ? '.' : ',';
    const group = sep === '.' ? ',' : '.';
    const [i, f] = splitLast(s, sep);
    if (f.includes(group) || !new RegExp(`^\\d{1,3}(\\${group}\\d{3})*$`).test(i)) return null;
    intPart = i.split(group).join('');
    fracPart = f;
  } else if (lastDot >= 0 || lastComma >= 0) {
    const sep = lastDot >= 0 ? '.' : ',';
    const parts = s.split(sep);
    const last = parts[parts.length - 1]!;
    if (parts.length > 2) {
      // Several of one separator: grouping ("1.234.567"), unless OCR split decimals ("1.234.50").
      if (!parts.slice(1, -1).every((p) => p.length === 3) || parts[0]!.length > 3) return null;
      if (last.length === 3) intPart = parts.join('');
      else if (last.length <= 2) {
        intPart = parts.slice(0, -1).join('');
        fracPart = last;
      } else return null;
    } else if (last.length === 3 && parts[0]!.length <= 3 && parts[0] !== '0') {
      // "1,234" or "1.234": grouping unless the document's convention makes it a decimal.
      const isDecimal = decimal ? decimal === sep : sep === '.';
      intPart = isDecimal ? parts[0]! : parts.join('');
      fracPart = isDecimal ? last : '';
    } else {
      intPart = parts[0]!;
      fracPart = last;
    }
  } else {
    intPart = s;
  }
  if (intPart === '' || !/^\d*$/.test(fracPart) || !/^\d+$/.test(intPart)) return null;
  const cents = Math.round(Number(`${intPart}.${fracPart || '0'}`) * 100);
  if (!Number.isFinite(cents)) return null;
  return formatCents(negative ? -cents : cents);
}

function splitLast(s: string, sep: string): [string, string] {
  const i = s.lastIndexOf(sep);
  return [s.slice(0, i), s.slice(i + 1)];
}

export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export function toCents(value: string): number {
  return Math.round(Number(value) * 100);
}

const AMOUNT_TOKEN = new RegExp(
  String.raw`(?<![\w.,/:-])` +
    String.raw`(\(?)` +
    String.raw`((?:${CURRENCY_MARK.source})\s?)?` +
    String.raw`([-−]\s?)?` +
    // Thousands grouped by a single (thin or no-break) space, as French, Czech, Polish and Nordic pages print them, only
    // before decimal commas: "14 520,00"; wider gaps are column breaks (page-layout.ts), so "1   474,56" stays two amounts.
    String.raw`(\d{1,3}(?:[ \u00A0\u202F]\d{3})+,\d{2}(?!\d)|(?:\d{1,3}(?:[.,']\d{3})+|\d+)(?:[.,]\d{1,3}|[.,] \d{2}(?!\d)| \.\d{2}(?!\d))?|\.\d{2})` +
    String.raw`(\s?(?:${CURRENCY_MARK.source}))?` +
    String.raw`(-(?!\d))?(\)?)` +
    String.raw`(?![\w/:%]|[.,]\d|-\d)`,
  'gi',
);

/** All amount-looking tokens in a line, left to right, normalised. */
export function findAmounts(text: string, decimal?: DecimalSeparator): AmountMatch[] {
  const out: AmountMatch[] = [];
  for (const m of text.matchAll(AMOUNT_TOKEN)) {
    const raw = m[0];
    // OCR puts a space after the decimal point ("49. 39"), or before it ("12 .30").
    const digits = m[4]!.replace(/([.,]) (?=\d{2}$)/, '$1').replace(/ (\.)(?=\d{2}$)/, '$1');
    // Long ungrouped digit runs are ids and phone numbers, not amounts.
    if (/^\d{8,}/.test(digits)) continue;
    const value = normaliseAmount(raw.replace(/([.,]) (?=\d{2}\b)/, '$1').replace(/(\d) (\.\d{2})\b/, '$1$2'), decimal);
    if (value === null) continue;
    out.push({
      value,
      raw,
      start: m.index,
      end: m.index + raw.length,
      hasDecimals: /[.,]\d{1,2}$/.test(digits) || (/\.\d{3}$/.test(digits) && decimal !== ','),
      hasCurrency: Boolean(m[2] || m[5]),
      negative: value.startsWith('-'),
    });
  }
  return out;
}
