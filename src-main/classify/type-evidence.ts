/**
 * What a page says about its own type, read from its words: an invoice names itself and carries a number, tax and
 * payment details; a credit note says "Gutschrift", "avoir", "credit note". The classifier reads the whole page and
 * drifts on scans it was never shown (legal footers, service-period sentences); these cues are how a clerk checks its
 * call. Overriding the model is never enough to approve on its own: the caller caps the score below the gates.
 */
import { checkIban } from '../extract/identifiers.ts';
import { DOCUMENT_NUMBER_LABELS, DUE_DATE_LABELS, TAX_ID_LABELS, TOTAL_LABELS, TAX_LABELS } from '../extract/field-labels.ts';

/**
 * Words only a credit note (or a refund) uses, in the languages we read; loose on spacing, as OCR drops spaces. A
 * "Refund Card" is a store card paid with, not a refund.
 */
const CREDIT_WORDS =
  /gut\s*schrift|storno|credit\s*-?\s*(?:note|memo|nota)|\bcredit\s*factuur|creditfactuur|\bavoir\b|d['’]\s*avoir|note\s*de\s*cr[ée]dit|nota\s*de\s*(?:cr[ée]dito|abono)|nota\s*(?:di\s*)?(?:ac)?credito|\babono\b|r[üu]ck\s*erstattung|\berstattung|remboursement|refund(?!\s*cards?\b)|terugbetaling|\bkorting\s*nota|faktura\s*koryguj|\bkorekta\b|dobropis|opravn[ýy]\s*da[ňn]ov|kredit(?:nota|faktura)|hyvityslasku|j[óo]v[áa][íi]r[óo]|factur[ăa]\s*(?:de\s*)?storn/i;

/**
 * A cell that names the document an invoice, at the start of a line or column ("RECHNUNG", "Invoice No. 12"). A
 * simplified invoice ("FACTURA SIMPLIFICADA", "fatura simplificada") is the till receipt of Spain and Portugal.
 */
const INVOICE_TITLE =
  /^\W{0,3}(?:(?:tax\s*|commercial\s*|proforma\s*|pro-forma\s*)?invoice|(?:[a-zäöü]+)?rechnung|facture|factuur|factura|fattura|faktura|fatura|factur[ăa]|lasku|sz[áa]mla)(?![a-zäöü])(?!\s*simplifica)/i;

/**
 * What only a till receipt prints, each kind counted once: what was handed over and given back, the till's own
 * bookkeeping, the loyalty scheme. Amount-anchored where the word alone is common ("change", "bar").
 */
const RECEIPT_CUES: [string, RegExp][] = [
  ['change given', /\b(?:change(?:\s*due)?|r[üu]e?ckgeld|wechselgeld|rendu|(?<!tipo\s*de\s*)cambio|wisselgeld)\b[\s:]*(?:[A-Z]{3}|[$€£])?\s*-?\d*[.,]\s?\d{2}/i],
  ['cash or card handed over', /\b(?:geg(?:eben)?\.?\s*(?:bar|ec|karte)|ec[-\s]?cash|girocard|kartenzahlung|(?:visa|mastercard|amex|debit|cash)\s*tend(?:ered)?|\btend\b|amount\s*tendered|efectivo|entregado|tarjeta\s*bancaria|esp[eè]ces|pinnen)\b|\bbar\b\s*(?:eur|€|chf)/i],
  ['the till\'s own numbers', /\bkundenbeleg\b|\bbon[-\s]*nr\b|\bkasse\s*:?\s*\d|\btse[-\s]*(?:signatur|transaktion|start)|\b(?:st|op|te|tr|tc|reg)#|\bcashier\b|\bkassierer|items?\s*sold|\bterminal\s*(?:id)?\s*:?\s*\d|card\s*holder\s*copy|cardholder\s*copy|customer\s*copy|auth(?:orization)?\s*(?:code|#)|approved\s*-\s*thank|factura\s*simplificada|fatura\s*simplificada|ticket\s*de\s*caisse|kassenbon|kassabon/i],
  ['a loyalty scheme', /\b(?:payback|clubcard|nectar|air\s*miles|pc\s*plus|treuepunkte|bonuskaart|you\s*saved|your\s*savings)\b/i],
  ['a thank-you for shopping', /thank\s*you\s*for\s*(?:shopping|your\s*purchase|dining)|danke\s*f[üu]r\s*ihren\s*einkauf|merci\s*de\s*votre\s*visite|gracias\s*por\s*su\s*(?:compra|visita)|bedankt\s*voor\s*uw\s*(?:aankoop|bezoek)|come\s*again/i],
];

/**
 * How many distinct till lines the page prints (each change, tender, cashier, register, items-sold, card-slip line),
 * not just how many kinds: a warehouse till slip prints a dozen where a paid shop invoice prints one or two.
 */
export function tillLineCount(text: string): number {
  const seen = new Set<string>();
  for (const re of RECEIPT_CUES_ALL) for (const m of text.matchAll(re)) seen.add(m[0].toLowerCase().replace(/\s+/g, ' '));
  return seen.size;
}

/** The same cues, each finding every match (matchAll needs the global flag). */
const RECEIPT_CUES_ALL = RECEIPT_CUES.map(([, re]) => new RegExp(re.source, `${re.flags}g`));

/** A label for an invoice's own number (not a receipt's, bill's or order's), in the languages we read. */
const INVOICE_NUMBER_LABEL =
  /invoice\s*(?:no\.?|number|num\.?|nr\.?|#|id)|rechnungs[-\s]*(?:nr|nummer)|rechnung\s*(?:nr|#)|factuur\s*(?:nr|nummer)|factuurnummer|facture\s*(?:n°|no\.?|num[ée]ro)|n°\s*(?:de\s*)?facture|num[ée]ro\s*de\s*facture|factura\s*(?:n[°º.o]|n[úu]mero)|n[úu]mero\s*de\s*factura|fattura\s*(?:n[°.]|numero)|faktura\s*(?:nr|numer|č)|numer\s*faktury|fakturanummer|laskun\s*numero/i;

/** Whether the page labels an invoice number. */
export const labelsInvoiceNumber = (text: string): boolean => INVOICE_NUMBER_LABEL.test(text);

/** The till-receipt cues a page carries, by kind. */
export function receiptCues(text: string): string[] {
  return RECEIPT_CUES.filter(([, re]) => re.test(text)).map(([kind]) => kind);
}

/** An IBAN-shaped run of characters; spaces inside are common on print. */
const IBAN_SHAPED = /\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{2,4}){3,8}\b/g;

/** A tax line with its rate: "Umsatzsteuer 19%", "MwSt. 7 %", "TVA 20,0 %". */
const TAX_RATE = /(?:steuer|mwst|ust|vat|tva|btw|iva|gst|tax)\w*\.?\s*\(?\d{1,2}(?:[.,]\d+)?\s*%/i;

export type InvoiceCue = 'title' | 'number' | 'taxId' | 'iban' | 'dueDate' | 'amounts';

/** The credit-note wording on the page, if any: the first match. */
export function creditWording(text: string): string | undefined {
  return CREDIT_WORDS.exec(text)?.[0];
}

/**
 * A heading for the billed party ("Bill To", "Billed to", "Sold to", "Buyer (Bill to)", "Invoice to"): an invoice
 * names who owes the money; a till receipt does not.
 */
// Not "Invoice to pay by wire…" (a payment sentence) nor "Buyer: Cash" (a till's cash sale).
const BILLED_PARTY = /(?:^|\s{2}|\()(?:bill(?:ed)?\s*to\b|sold\s*to\b|invoice\s*to\b(?!\s*pay)|buyer\b(?!\s*(?:\(bill\s*to\))?\s*:?\s*cash\b))/im;

/** Whether the page names the party it bills. */
export function namesBilledParty(text: string): boolean {
  return BILLED_PARTY.test(text);
}

/** The invoice cues a page carries, each once; `title` only among the first lines, where a title stands. */
export function invoiceCues(text: string, titleLines = 40): InvoiceCue[] {
  const lines = text.split('\n');
  const cues = new Set<InvoiceCue>();
  for (const line of lines.slice(0, titleLines)) {
    for (const cell of line.split(/\s{3,}|\t/)) {
      const c = cell.trim();
      // "Rechnungsdatum" or "invoice date" alone are labels, not a title.
      if (INVOICE_TITLE.test(c) && !/^\W*(?:rechnungs)?datum|^\W*invoice\s*(?:date|to|address)|^\W*rechnungs(?:adresse|anschrift|empf)/i.test(c)) cues.add('title');
    }
  }
  const strong = (rules: { re: RegExp; strength: number }[]) => rules.filter((r) => r.strength >= 0.9).some((r) => r.re.test(text));
  // The outright "invoice number" labels, in every language we read (strength 1); not "order no." or "ref".
  if (DOCUMENT_NUMBER_LABELS.some((r) => r.strength >= 1 && r.re.test(text))) cues.add('number');
  if (strong(TAX_ID_LABELS)) cues.add('taxId');
  if (/\biban\b/i.test(text) || [...text.matchAll(IBAN_SHAPED)].some((m) => checkIban(m[0]).valid)) cues.add('iban');
  if (DUE_DATE_LABELS.some((r) => r.re.test(text))) cues.add('dueDate');
  if (strong(TOTAL_LABELS) && (TAX_LABELS.filter((r) => r.strength >= 0.95).some((r) => r.re.test(text)) || TAX_RATE.test(text))) cues.add('amounts');
  return [...cues];
}
