/**
 * The customer's block on an invoice: the rows under a "Bill To" / "Kunde" / "Spett.le" heading, in the heading's
 * column, up to the next party's heading. What stands there (the name, the VAT number) is the buyer's, not the
 * vendor's. The seller's heading is here too: it ends the buyer's block, and it heads the vendor's (extract-vendor.ts).
 */
import { boxOfSpan, type TextRow } from './page-layout.ts';

/**
 * A heading over the customer's block ("Bill To", "Billed To", "To:", "Aan:", "Spett.le", "Client :", "Kunde"): the
 * name under it is who pays the invoice, not who wrote it.
 */
export const BUYER_HEADING =
  /^\W*(?:bill(?:ed)?\s*to|sold\s*to|ship(?:ped)?\s*to|invoice\s*to|deliver(?:y)?\s*to|to|attn|customer|client|buyer(?:\s*\(bill\s*to\))?|aan|klant|kunde|rechnungsempf\S{0,3}nger|empf\S{0,3}nger|spett\.?\s*le|destinataire|factur[ée]\s*[àa]|cliente|destinatario|facturar\s*a)\W*$/i;

/**
 * A heading that introduces the seller's block: "Verkäufer:", "Rechnungsersteller", "Lieferant", "Fournisseur",
 * "Seller" (OCR reads the umlaut as one to three odd letters: "Verkédufer").
 */
export const SELLER_HEADING =
  /^\W*(?:from|verk\S{0,3}ufer|lieferant|rechnungsersteller|leistungserbringer|rechnungssteller|seller|supplier|vendor|issued\s*by|fournisseur|vendeur|émetteur|emetteur|leverancier|verkoper|proveedor|emisor|vendedor|sprzedawca|wystawca|dodavatel|prod[áa]vaj[íi]c[íi]|fornecedor|leverant[öo]r|s[äa]ljare|s[æa]lger|leverand[øo]r|selger|myyj[äa]|toimittaja|elad[óo]|sz[áa]ll[íi]t[óo]|furnizor|v[âa]nz[ăa]tor)\s*:?\s*$/i;

/** Segments of a row split at column gaps and " - " / " | " separators. */
export function segments(text: string): string[] {
  return text.split(/\s{3,}|\s[|•·]\s/).map((s) => s.trim()).filter(Boolean);
}

export function spanBox(row: TextRow, start: number, end: number): [number, number, number, number] {
  return row.words.length ? boxOfSpan(row, start, end) : row.box;
}

/**
 * Segments ("rowIndex:segment") that sit in a customer block: up to `depth` rows under a buyer heading, in its column.
 * With `untilBlankLine`, the block also ends where a blank line opens below it (the text under it is the page's again).
 */
export function buyerBlockSegments(rows: TextRow[], opts: { depth?: number; untilBlankLine?: boolean } = {}): Set<string> {
  const depth = opts.depth ?? 4;
  const out = new Set<string>();
  rows.forEach((row, i) => {
    let offset = 0;
    for (const seg of segments(row.text)) {
      const at = row.text.indexOf(seg, offset);
      offset = at + seg.length;
      if (!BUYER_HEADING.test(seg)) continue;
      const [hx0, , hx1] = spanBox(row, at, at + seg.length);
      for (let k = i + 1; k < Math.min(rows.length, i + 1 + depth); k++) {
        const below = rows[k]!;
        const above = rows[k - 1]!;
        if (below.page !== row.page) break;
        if (opts.untilBlankLine && below.box[1] - above.box[3] > above.box[3] - above.box[1]) break;
        let off = 0;
        let nextHeading = false;
        for (const s of segments(below.text)) {
          const start = below.text.indexOf(s, off);
          off = start + s.length;
          const [x0, , x1] = spanBox(below, start, start + s.length);
          if (x1 < hx0 - 0.05 || x0 > Math.max(hx1, hx0 + 0.1) + 0.1) continue;
          // The next heading in the column ("From:" under a memo's "To:" block) starts another party's block.
          if (BUYER_HEADING.test(s) || SELLER_HEADING.test(s)) nextHeading = true;
          else out.add(`${below.index}:${s}`);
        }
        if (nextHeading) break;
      }
    }
  });
  return out;
}

/** Whether the text at `at` on `row` lies in one of the given customer-block segments. */
export function inBuyerBlock(blocks: Set<string>, row: TextRow, at: number): boolean {
  let offset = 0;
  for (const seg of segments(row.text)) {
    const start = row.text.indexOf(seg, offset);
    offset = start + seg.length;
    if (at >= start && at < start + seg.length) return blocks.has(`${row.index}:${seg}`);
  }
  return false;
}
