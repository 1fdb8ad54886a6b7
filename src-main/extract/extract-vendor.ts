/**
 * The vendor: the first prominent line(s) at the top that name a business, skipping document
 * titles, phone numbers, addresses and registration numbers. A line with a legal form (Sdn Bhd,
 * GmbH, B.V., Ltd) wins; a name that matches the document's web or e-mail domain gets a boost.
 */
import type { ExtractedField } from '../../src-shared/document-model.ts';
import { COMPANY_SUFFIX, DOC_TITLE, LEGAL_FORM } from './field-labels.ts';
import type { TextRow } from './page-layout.ts';
import { BUYER_HEADING, buyerBlockSegments, SELLER_HEADING, segments, spanBox } from './buyer-block.ts';
import { repairLegalForm } from './ocr-repair.ts';

const NOISE = [
  DOC_TITLE,
  /\b(?:tel|fax|phone|h\/p|hp|mobile|whatsapp|e-?mail|www\.|http|@)\b|@|www\./i,
  /\b(?:gst|sst|vat|tin|reg(?:istration)?|co\.?\s*(?:no|reg)|company\s*no|roc|brn)\b.*\d/i,
  /^\W*\(?\s*[\dA-Z]{0,3}[\d-]{4,}[-\s]?[A-Z]?\s*\)?\W*$/, // registration numbers such as (789417-W)
  /^\s*(?:no\.?\s*\d|lot\b|\d+[a-z]?\s*[,-]|\d+\s+(?:jalan|jln|lorong|street|st|road|rd|avenue|ave)\b|jalan\b|jln\b|unit\b|suite\b|block\b)/i, // addresses
  /thank\s*you|goods\s*sold|welcome\s*to|please\s*come|come\s*again/i,
  /\b\d{5}\b.*\b(?:kuala|johor|selangor|malaysia|penang|perak|kl)\b/i,
  /\b(?:date|time|cashier|invoice\s*no|receipt\s*no|table|counter|member|guest|name|bill\s*to|ship\s*to|sold\s*to|customer|client|cliente|klant|kunde|aan)\b\s*[:#]/i,
  // A letter's greeting ("Hello Jane,", "Dear Sir"): the customer addressed, not the sender.
  /^\W*(?:hello|hi|dear|hallo|liebe[rs]?|sehr\s*geehrte|bonjour|cher|ch[èe]re|estimad[oa]|beste|geachte|gentile|egregio)\b/i,
  /^\W*(?:page|seite|pagina)\b/i,
  // Titles with more words ("TAX INVOICE / ADJUSTMENT NOTE") and table headers ("Amt Inc Tax Code").
  /^\W*(?:(?:simplified\s*|full\s*)?tax\s*invoice|official\s*receipt|cash\s*bill|adjustment\s*note|credit\s*note|debit\s*note)\b/i,
  /\b(?:qty|amt|price|description|tax\s*code|item)\b.*\b(?:qty|amt|amount|price|tax|code|total)\b/i,
  /(?:descripci[oó]n|art[ií]culo|cantidad|artikel\w*|bezeichnung|menge|d[ée]signation|quantit[ée]|omschrijving|aantal)\b.*\b(?:importe|precio|p\.?\s*unit|preis|betrag|summe|prix|montant|total|prijs|bedrag)\b/i,
  // A field label left alone once its colon is cut ("DATE:", "Uhrzeit:").
  /^\W*(?:date|time|datum|uhrzeit|zeit|fecha|hora|heure|tijd|cashier|kasse|bon)\W*$/i,
  // An item line: a price at the end, perhaps with the tax class ("SALATGURKE 1,76 B").
  /\d[.,]\d{2}\s*[A-Z*]?\s*$/,
  // Street and house number in the German, Dutch and Scandinavian way ("Hauptstr. 12", "Bilker Allee 57").
  /\p{L}*(?:str\.|straße|strasse|allee|weg|platz|gasse|damm|ufer|straat|laan|gracht|plein|gade|vej)\s*\d+\s*[a-z]?\b/iu,
  /^\W*$/,
];

const VENDOR_LABEL = /\b(?:sold\s*by|seller|vendor|supplier|issued\s*by|verkäufer|lieferant|fournisseur|vendeur|leverancier|proveedor|fornitore|sprzedawca|wystawca|dodavatel|prod[áa]vaj[íi]c[íi]|fornecedor|leverant[öo]r|s[äa]ljare|s[æa]lger|leverand[øo]r|selger|myyj[äa]|toimittaja|elad[óo]|sz[áa]ll[íi]t[óo]|furnizor|v[âa]nz[ăa]tor)\s*:\s*/i;

const CONTINUES_UP = /^\s*(?:(?:SDN\.?\s*)?BHD\b|SDN\b|CO\.|CO\b|\(M\)|&|ENTERPRISES?\b|RESTAURANTS?\b|TRADING\b|HARDWARE\b|MARKETING\b|[A-Z]+\))/i;

function isNoise(text: string): boolean {
  return NOISE.some((re) => re.test(text)) || looksLikeOcrJunk(text);
}

/** OCR noise from logos and stains: few letters, no real word, mostly one- or two-letter bits. */
function looksLikeOcrJunk(text: string): boolean {
  const chars = text.replace(/\s/g, '');
  const letters = (chars.match(/\p{L}/gu) ?? []).length;
  const tokens = text.split(/\s+/).filter(Boolean);
  // A legal form's short parts ("Sp. z o.o.", "s.r.o.") are not one- or two-letter noise.
  const rest = text
    .replace(new RegExp(LEGAL_FORM.source, 'gi'), ' ')
    .split(/\s+/)
    .filter((t) => /[\p{L}\d]/u.test(t));
  const short = rest.filter((t) => t.replace(/[^\p{L}]/gu, '').length <= 2).length;
  return letters < chars.length * 0.5 || !tokens.some((t) => /\p{L}{3,}/u.test(t)) || (tokens.length >= 3 && short > tokens.length / 2);
}

/** Cuts registration numbers and trailing separators off a name. */
export function cleanVendorName(name: string): string {
  // Letter-spaced names as tills print them big ("R E W E"): one word.
  const spaced = /^\s*(?:\p{L} ){2,}\p{L}\s*$/u.test(name) ? name.replace(/\s+/g, '') : name;
  return repairLegalForm(spaced.replace(/¥/g, 'Y'))
    .replace(/^#\d+\s+/, '') // till or receipt counters printed before the name
    .replace(/\s*[({[](?:co\.?\s*(?:no|reg)\.?\s*:?\s*)?[\dA-Z]*\d{3,}[\dA-Z]*[-\s]?[A-Z]?[)}\]]\s*$/i, '')
    .replace(/\s*\(?\b(?:co\.?\s*(?:no|reg)|company\s*no)\b.*$/i, '')
    // A bracketed registration whose label OCR garbled: "(Ca. No:20154-T)".
    .replace(/\s*[({[][^)}\]]*\d{4,}[^)}\]]*[)}\]]?\s*$/, '')
    .replace(/\s+-\s+.*$/, '')
    // A tax number printed after the name ("MERCADONA, S.A. A-46103834", "… NIF B12345678").
    .replace(/,?\s+(?:(?:nif|cif|uid|vat|tax\s*id)\s*:?\s*)?[A-Z]{1,2}-?\d{7,10}[A-Z]?\s*$/i, '')
    // After the legal form, only registration numbers and OCR noise follow: "SDN BHD BO0OZ7Zo-U".
    .replace(/(\b(?:SDN\.?\s*BHD|BHD|S\/B)\.?)\s+\S*\d\S*(?:\s+\S+)?$/i, '$1')
    .replace(/[\s,;:|-]+$/, '')
    .trim();
}

function domainsOf(rows: TextRow[]): string[] {
  const out: string[] = [];
  for (const r of rows) {
    for (const m of r.text.matchAll(/(?:www\.|https?:\/\/(?:www\.)?|@)([a-z0-9-]+)\.[a-z]{2,}/gi)) out.push(m[1]!.toLowerCase().replace(/-/g, ''));
  }
  return out;
}

export function extractVendor(rows: TextRow[]): ExtractedField | undefined {
  const firstPage = rows.filter((r) => r.page === rows[0]?.page);
  // The top of the page: the first rows, or the top fifth for tall layouts.
  const top = firstPage.filter((r, i) => i < 10 || r.box[1] < 0.2).slice(0, 14);
  const buyers = buyerBlockSegments(firstPage);
  const domains = domainsOf(rows);
  type Option = { name: string; row: TextRow; firstRow: TextRow; lastRow: TextRow; score: number; why: string };
  const options: Option[] = [];
  top.forEach((row, i) => {
    for (const rawSeg of segments(row.text)) {
      const seg = cleanVendorName(rawSeg);
      if (isNoise(seg) || BUYER_HEADING.test(seg) || buyers.has(`${row.index}:${rawSeg}`)) continue;
      let name = seg;
      let firstRow = row;
      let score = 0.5 - 0.04 * i;
      let why = 'the first line at the top that is not a title, address or number';
      if (COMPANY_SUFFIX.test(seg)) {
        score += LEGAL_FORM.test(seg) ? 0.35 : 0.2;
        why = 'a company name (legal form) at the top';
        // Names broken over lines: "POPULAR BOOK" / "CO. (M) SDN BHD".
        let j = i;
        // "CO.   (M) SDN BHD": the legal form sits in a later column; the row's start belongs to it.
        const rowSegs = segments(row.text);
        if (rowSegs.length > 1 && rowSegs[0] !== rawSeg && CONTINUES_UP.test(rowSegs[0]!)) name = cleanVendorName(rowSegs.slice(0, rowSegs.indexOf(rawSeg) + 1).join(' '));
        while (j > 0 && (CONTINUES_UP.test(segments(top[j]!.text)[0] ?? '') || /[&(,]\s*$/.test(top[j - 1]!.text)) && !isNoise(top[j - 1]!.text)) {
          j--;
          name = `${segments(top[j]!.text)[0] ?? ''} ${name}`;
          firstRow = top[j]!;
        }
      } else if (seg.split(/\s+/).length > 6 || /^\W*\d/.test(seg) || (seg.match(/\d/g) ?? []).length > seg.length * 0.3) {
        score -= 0.2;
      }
      // A name that ends in "&" or an open bracket goes on on the next line.
      let k = i;
      while (k + 1 < top.length && /(?:&|\([^)]*)\s*$/.test(name) && !isNoise(top[k + 1]!.text) && k - i < 2) {
        k++;
        name = `${name} ${segments(top[k]!.text)[0] ?? ''}`;
      }
      const lastRow = top[k]!;
      const compact = seg.toLowerCase().replace(/[^a-z0-9]/g, '');
      const firstWord = seg.toLowerCase().split(/[^a-z0-9]+/)[0] ?? '';
      if (segments(row.text).length >= 3) score -= 0.1; // a table header or a row of columns
      if (domains.some((d) => (compact.length >= 4 && d.startsWith(compact.slice(0, 12))) || (firstWord.length >= 3 && d.startsWith(firstWord)))) {
        score += 0.2;
        why += ', matching the web or e-mail domain';
      }
      // Rows OCR was unsure of are less likely to be the printed name.
      score -= 0.4 * (1 - row.confidence);
      options.push({ name: cleanVendorName(name), row, firstRow, lastRow, score, why });
    }
  });
  // An explicit "Sold by: …" names the vendor outright.
  for (const row of firstPage) {
    const m = VENDOR_LABEL.exec(row.text);
    const name = m ? cleanVendorName(segments(row.text.slice(m.index + m[0].length))[0] ?? '') : '';
    if (m && name.length >= 2 && !isNoise(name)) {
      options.push({ name, row, firstRow: row, lastRow: row, score: 0.95, why: `next to the label "${m[0].replace(/[\s:]+$/, '')}"` });
      break;
    }
  }
  const headed = vendorUnderHeading(firstPage);
  if (headed) options.push(headed);
  const best = options.filter((o) => o.name.length >= 2).sort((a, b) => b.score - a.score)[0];
  if (!best) return undefined;
  const box = unionOf(best.firstRow.box, best.lastRow.box);
  const confidence = Math.round(Math.min(0.9, Math.max(0.1, best.score)) * best.row.confidence * 100) / 100;
  return { value: best.name, confidence, page: best.row.page, box, raw: best.row.text.trim(), source: 'generic', note: best.why };
}

const FROM_HEADING = /^\W*from\W*$/i;

/**
 * The first name-like line under a seller heading, in the heading's column (layouts that print seller and buyer
 * side by side under "Lieferant" and "Käufer").
 */
function vendorUnderHeading(rows: TextRow[]): { name: string; row: TextRow; firstRow: TextRow; lastRow: TextRow; score: number; why: string } | undefined {
  for (const [i, row] of rows.entries()) {
    if (row.box[1] > 0.6) break;
    const segs = segments(row.text);
    const heading = segs.find((x) => SELLER_HEADING.test(x));
    if (!heading) continue;
    // "From" heads the sender only beside the buyer's heading or alone; in a table header it is a period's start date.
    if (FROM_HEADING.test(heading) && segs.some((x) => x !== heading && !BUYER_HEADING.test(x))) continue;
    const at = row.text.indexOf(heading);
    const [hx0, , hx1] = spanBox(row, at, at + heading.length);
    // The column ends where the heading row's next column starts (the buyer's block beside the seller's).
    const next = segs[segs.indexOf(heading) + 1];
    const nextAt = next ? row.text.indexOf(next, at + heading.length) : -1;
    const nextX0 = next ? spanBox(row, nextAt, nextAt + next.length)[0] : Infinity;
    const columnEnd = Math.min(hx1 + 0.25, nextX0 - 0.01);
    for (let k = i + 1; k < Math.min(rows.length, i + 6); k++) {
      const below = rows[k]!;
      let offset = 0;
      const segs = segments(below.text);
      for (const [n, seg] of segs.entries()) {
        const start = below.text.indexOf(seg, offset);
        offset = start + seg.length;
        const [x0, , x1] = spanBox(below, start, start + seg.length);
        if (x1 < hx0 - 0.05 || x0 > columnEnd) continue; // another column
        const name = cleanVendorName(seg);
        // "Nummer   : 12345676": a label with its value, not a name.
        if (/:\s*$/.test(seg) || /^\s*:/.test(segs[n + 1] ?? '') || /^\s*:/.test(seg)) continue;
        if (name.length < 2 || isNoise(name) || /\d{3,}|\b(?:nummer|number|nr\.?|no\.?|gln|id)\b\s*:/i.test(name)) continue;
        const legal = LEGAL_FORM.test(name);
        return { name, row: below, firstRow: below, lastRow: below, score: legal ? 0.95 : 0.9, why: `under the heading "${heading.replace(/[\s:]+$/, '')}"` };
      }
    }
  }
  return undefined;
}

function unionOf(a: [number, number, number, number], b: [number, number, number, number]): [number, number, number, number] {
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
}

/** Address: the rows under the vendor up to the first phone, tax number or title line. */
export function extractVendorAddress(rows: TextRow[], vendor: ExtractedField | undefined): ExtractedField | undefined {
  if (!vendor?.box) return undefined;
  const start = rows.findIndex((r) => r.page === vendor.page && Math.abs(r.box[3] - vendor.box![3]) < 1e-6);
  if (start < 0) return undefined;
  const parts: TextRow[] = [];
  for (let i = start + 1; i < rows.length && parts.length < 5; i++) {
    const text = rows[i]!.text.trim();
    if (/^\W*\(?[\dA-Z]{0,3}[\d-]{4,}[-\s]?[A-Z]?\)?\W*$/.test(text) && parts.length === 0) continue; // registration number line
    if (/\b(?:tel|fax|phone|gst|vat|e-?mail|www|invoice|receipt|date)\b|\b[a-z]+\s+(?:id|number)\b/i.test(text) || DOC_TITLE.test(text)) break;
    if (!/\d|jalan|jln|street|st\b|road|rd\b|taman|lot|no\./i.test(text) && parts.length === 0) break;
    parts.push(rows[i]!);
    if (/\b\d{5}\b/.test(text) && /[A-Z]{3,}\.?\s*$/i.test(text) && parts.length >= 2 && /\.\s*$/.test(text)) break;
  }
  if (parts.length === 0) return undefined;
  return {
    value: parts.map((p) => segments(p.text)[0] ?? p.text).join(' ').replace(/\s+/g, ' ').trim(),
    confidence: 0.4,
    page: parts[0]!.page,
    source: 'generic',
    note: 'lines under the vendor name up to the first phone or tax number',
  };
}
