/**
 * Dates as written on invoices and receipts into ISO 8601. Numeric dates where day and month
 * could swap are resolved by the document's date order (see detect-locale.ts); the resolution
 * is reported so the field can say how it was decided.
 */

import { UNDECIDED_READING } from '../../src-shared/undecided-reading.ts';

export type DateOrder = 'DMY' | 'MDY' | 'YMD' | 'unknown';

/** Month names and abbreviations: English, German, French, Dutch, Spanish, Italian, Portuguese, Malay. */
const MONTHS: [number, string[]][] = [
  [1, ['january', 'jan', 'januar', 'jänner', 'janvier', 'janv', 'januari', 'enero', 'ene', 'gennaio', 'gen', 'janeiro']],
  [2, ['february', 'feb', 'februar', 'février', 'fevrier', 'févr', 'fevr', 'fév', 'februari', 'febrero', 'febbraio', 'fevereiro', 'fev']],
  [3, ['march', 'mar', 'märz', 'maerz', 'mär', 'mars', 'maart', 'mrt', 'marzo', 'março', 'mac']],
  [4, ['april', 'apr', 'avril', 'avr', 'abril', 'abr', 'aprile']],
  [5, ['may', 'mai', 'mei', 'mayo', 'maggio', 'mag', 'maio']],
  [6, ['june', 'jun', 'juni', 'juin', 'junio', 'giugno', 'giu', 'junho']],
  [7, ['july', 'jul', 'juli', 'juillet', 'juil', 'julio', 'luglio', 'lug', 'julho', 'julai']],
  [8, ['august', 'aug', 'août', 'aout', 'augustus', 'agosto', 'ago', 'ogos', 'ogo']],
  [9, ['september', 'sep', 'sept', 'septembre', 'septiembre', 'settembre', 'set', 'setembro']],
  [10, ['october', 'oct', 'oktober', 'okt', 'octobre', 'octubre', 'ottobre', 'ott', 'outubro', 'out']],
  [11, ['november', 'nov', 'novembre', 'noviembre', 'novembro']],
  [12, ['december', 'dec', 'dezember', 'dez', 'décembre', 'decembre', 'déc', 'diciembre', 'dic', 'dicembre', 'dezembro', 'dis', 'disember']],
];

const MONTH_BY_NAME = new Map<string, number>();
// Each name also without its accents: OCR drops them ("11. Marz 2014", "fevrier").
for (const [n, names] of MONTHS) for (const name of names) for (const form of [name, name.normalize('NFD').replace(/\p{M}/gu, '')]) MONTH_BY_NAME.set(form, n);

const MONTH_ALT = [...MONTH_BY_NAME.keys()].sort((a, b) => b.length - a.length).join('|');

export function monthFromName(name: string): number | undefined {
  return MONTH_BY_NAME.get(name.toLowerCase().replace(/\.$/, ''));
}

export interface DateMatch {
  iso: string;
  raw: string;
  start: number;
  end: number;
  /** Both day-first and month-first readings were valid and differ. */
  ambiguous: boolean;
  /** The order the text itself proves: a day over 12, a month name, or a 4-digit year first. */
  provenOrder?: 'DMY' | 'MDY' | 'YMD';
  /** How an ambiguity was resolved, in words; absent when there was none. */
  note?: string;
}

function expandYear(y: string): number {
  const n = Number(y);
  if (y.length === 4) return n;
  // Two-digit years: 00-69 → 2000s, 70-99 → 1900s.
  return n < 70 ? 2000 + n : 1900 + n;
}

function isoOf(y: number, m: number, d: number): string | null {
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1900 || y > 2099) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const B = String.raw`(?<![\w/.-])`;
const E = String.raw`(?![\w/]|[.-]\d)`;
const PATTERNS: { re: RegExp; kind: 'ymd' | 'numeric' | 'dmonthy' | 'monthdy' | 'compact' }[] = [
  { re: new RegExp(String.raw`${B}(\d{4})\s?[-./]\s?(\d{1,2})\s?[-./]\s?(\d{1,2})${E}`, 'g'), kind: 'ymd' },
  { re: new RegExp(String.raw`${B}(\d{1,2})\s?([-./])\s?(\d{1,2})\s?\2\s?(\d{4}|\d{2})${E}`, 'g'), kind: 'numeric' },
  // OCR glues the next word to a 4-digit year: "21/05/2018Time".
  { re: new RegExp(String.raw`${B}(\d{1,2})\s?([-./])\s?(\d{1,2})\s?\2\s?(\d{4})(?=\p{L})`, 'gu'), kind: 'numeric' },
  // OCR drops the first separator: "2804/2017".
  { re: new RegExp(String.raw`${B}(\d{2})()(\d{2})/(\d{4})${E}`, 'g'), kind: 'numeric' },
  // A dash spaced on both sides joins a range ("June 1 - June 30 , 2023"), not a day to its month; OCR's one-sided "15- JAN" does.
  {
    re: new RegExp(
      String.raw`${B}(\d{1,2})(?:st|nd|rd|th|er)?\.?(?:[-/]\s?|\s?[-/](?!\s)|\s*)(?:de\s+|of\s+)?(${MONTH_ALT})\.?,?[\s\-/]*(?:de\s+|del\s+)?'?(\d{4}|\d{2})(?![\w]|[.-]\d)`,
      'gi',
    ),
    kind: 'dmonthy',
  },
  {
    re: new RegExp(String.raw`(?<![\p{L}])(${MONTH_ALT})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\s?,?\s+'?(\d{4}|\d{2})(?![\w]|[.-]\d)`, 'giu'),
    kind: 'monthdy',
  },
];

/**
 * Every date in a line of text, in order. Numeric day/month ambiguities are read in `order`
 * (DMY when unknown, noted as an assumption).
 */
export function findDates(input: string, order: DateOrder = 'unknown'): DateMatch[] {
  // OCR reads 0 as O inside numbers ("25/12/2O18"); same length, so positions stay valid.
  const zeroed = input.replace(/(?<=\d)[Oo](?=\d|[\s/.-]|$)|(?<=[/.-])[Oo](?=\d)|(?<![\w])[Oo](?=\d[/.-])/g, '0');
  // A label glued to the date by its abbreviation dot ("Dat.31.08.2015", "Date.12/03/23"): the dot separates, same length.
  const unglued = zeroed.replace(/(?<=(?:^|[^\p{L}])\p{L}{2,8})\.(?=\d{1,2}[./-]\d{1,2}[./-]\d{2,4}(?!\d))/gu, ' ');
  const { text, repaired } = repairDateMisreads(unglued);
  const out: DateMatch[] = [];
  const taken: [number, number][] = [];
  const overlaps = (s: number, e: number) => taken.some(([a, b]) => s < b && e > a);
  for (const { re, kind } of PATTERNS) {
    for (const m of text.matchAll(re)) {
      const start = m.index;
      const end = start + m[0].length;
      if (overlaps(start, end)) continue;
      const match = readMatch(m, kind, order);
      if (!match) continue;
      taken.push([start, end]);
      const fix = repaired.find(([a, , b]) => a < end && b > start);
      out.push({ ...match, raw: input.slice(start, end), start, end, ...(fix ? { note: `read as a date after an OCR repair (${fix[1]})` } : {}) });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

const MONTH_ABBREVIATIONS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * Same-length repairs of OCR misreads inside dates: a year no receipt has ("14 Mar 2618" → 2018)
 * and a month abbreviation one letter off a single month ("25/Fen/2017" → Feb).
 */
function repairDateMisreads(text: string): { text: string; repaired: [number, string, number][] } {
  const repaired: [number, string, number][] = [];
  let out = text.replace(new RegExp(String.raw`(?<=(?:\d[/.-]|\b(?:${MONTH_ALT})\.?[\s/.-]))2[1-9](?=\d{2}(?!\d))`, 'gi'), (m, at: number) => {
    repaired.push([at, `year ${m}.. read as 20..`, at + 4]);
    return '20';
  });
  out = out.replace(/(?<=\b\d{1,2}\s?[/-]\s?)([A-Za-z]{3})(?=\s?[/-]\s?\d{2,4}\b)/g, (m, _g: string, at: number) => {
    const lower = m.toLowerCase();
    if (monthFromName(lower)) return m;
    const near = MONTH_ABBREVIATIONS.filter((a) => [...a].filter((c, i) => c !== lower[i]).length === 1);
    if (near.length !== 1) return m;
    repaired.push([at, `month "${m}" read as ${near[0]}`, at + 3]);
    return near[0]!;
  });
  return { text: out, repaired };
}

function readMatch(
  m: RegExpMatchArray,
  kind: (typeof PATTERNS)[number]['kind'],
  order: DateOrder,
): Omit<DateMatch, 'raw' | 'start' | 'end'> | null {
  if (kind === 'ymd') {
    const iso = isoOf(Number(m[1]), Number(m[2]), Number(m[3]));
    return iso ? { iso, ambiguous: false, provenOrder: 'YMD' } : null;
  }
  if (kind === 'dmonthy') {
    const month = monthFromName(m[2]!);
    const iso = month ? isoOf(expandYear(m[3]!), month, Number(m[1])) : null;
    return iso ? { iso, ambiguous: false, provenOrder: 'DMY' } : null;
  }
  if (kind === 'monthdy') {
    const month = monthFromName(m[1]!);
    const iso = month ? isoOf(expandYear(m[3]!), month, Number(m[2])) : null;
    return iso ? { iso, ambiguous: false, provenOrder: 'MDY' } : null;
  }
  const a = Number(m[1]);
  const b = Number(m[3]);
  const year = expandYear(m[4]!);
  const dmy = isoOf(year, b, a);
  const mdy = isoOf(year, a, b);
  if (dmy && !mdy) return { iso: dmy, ambiguous: false, provenOrder: 'DMY' };
  if (mdy && !dmy) return { iso: mdy, ambiguous: false, provenOrder: 'MDY' };
  if (!dmy || !mdy) return null;
  if (dmy === mdy) return { iso: dmy, ambiguous: false };
  if (order === 'MDY') return { iso: mdy, ambiguous: true, note: 'day and month could swap; read month first from the document locale' };
  if (order === 'DMY') return { iso: dmy, ambiguous: true, note: 'day and month could swap; read day first from the document locale' };
  return { iso: dmy, ambiguous: true, note: `day and month could swap; no locale cue (${UNDECIDED_READING}), assumed day first` };
}

/** Normalises a single date string; null when it holds no date. */
export function normaliseDate(raw: string, order: DateOrder = 'unknown'): string | null {
  return findDates(raw, order)[0]?.iso ?? null;
}

/** Parses a date with an explicit strftime-like format (`%d.%m.%Y`, `%d %B %Y`, `%m/%d/%y`). */
export function parseDateWithFormat(raw: string, format: string): string | null {
  const groups: string[] = [];
  const pattern = format
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%([dmyYbB])/g, (_, c: string) => {
      groups.push(c);
      if (c === 'd' || c === 'm') return '(\\d{1,2})';
      if (c === 'Y') return '(\\d{4})';
      if (c === 'y') return '(\\d{2})';
      return '([\\p{L}]+)\\.?';
    })
    .replace(/\s+/g, '\\s*');
  const m = new RegExp(pattern, 'iu').exec(raw.trim());
  if (!m) return null;
  let d = 0;
  let mo = 0;
  let y = 0;
  groups.forEach((g, i) => {
    const v = m[i + 1]!;
    if (g === 'd') d = Number(v);
    else if (g === 'm') mo = Number(v);
    else if (g === 'Y' || g === 'y') y = expandYear(v);
    else mo = monthFromName(v) ?? 0;
  });
  return isoOf(y, mo, d);
}
