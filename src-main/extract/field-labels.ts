/**
 * Label keywords per field in English, German, French, Dutch, Spanish, Italian and Malay, with a
 * strength: how sure a value next to that label is the field. Negative labels name look-alikes
 * (subtotal, total quantity, order date) that must not be read as the field.
 */

export interface LabelRule {
  re: RegExp;
  strength: number;
}

/**
 * The strongest label in a text: its strength and where it ends; null when a negative label wins. In a row of
 * `minColumns` or more columns (a PDF table header: "Warenwert   Nettobetrag   MwSt-Betrag   Endbetrag") each column
 * is judged on its own, so "Netto" in one column does not veto "Endbetrag" in another. Identifiers pass 2: "Invoice
 * No.   Dated" names two fields; amounts keep 3, as a till's "TOTAL   CASH" pair is one line of payment words.
 */
export function matchLabel(
  text: string,
  positive: LabelRule[],
  negative: RegExp[] = [],
  minColumns = 3,
): { strength: number; start: number; end: number } | null {
  const columns = [...text.matchAll(/\S+(?:\s{1,2}\S+)*/g)];
  if (columns.length >= minColumns) {
    let best: { strength: number; start: number; end: number } | null = null;
    for (const col of columns) {
      const m = matchWhole(col[0], positive, negative);
      if (m && (!best || m.strength > best.strength)) best = { strength: m.strength, start: m.start + col.index, end: m.end + col.index };
    }
    return best;
  }
  return matchWhole(text, positive, negative);
}

/**
 * Accented Latin letters as their base letter, one character for one so match positions still hold: OCR drops
 * umlauts and accents ("Falligkeit", "echeance"), and a label must match either way.
 */
export const foldDiacritics = (text: string): string => text.replace(/[\u00C0-\u024F]/g, (c) => c.normalize('NFD')[0] ?? c);

const foldedRules = new WeakMap<RegExp, RegExp>();
/** The rule with its own accents folded, to run on folded text. */
function folded(re: RegExp): RegExp {
  let f = foldedRules.get(re);
  if (!f) foldedRules.set(re, (f = new RegExp(foldDiacritics(re.source), re.flags)));
  return f;
}

/**
 * A word glued to the number after it ("Summe brutto15,00€", "TOTAL49.00"), as PDF text and OCR print it, read with a
 * space between; `toRaw` maps a position back. Four letters or more, so "DE19" or "RM12" stay whole.
 */
function unglued(text: string): { text: string; toRaw: (i: number) => number } {
  const parts = text.split(/(?<=\p{L}{4})(?=\d)/u);
  if (parts.length === 1) return { text, toRaw: (i) => i };
  const cuts: number[] = [];
  let at = 0;
  for (const p of parts.slice(0, -1)) cuts.push((at += p.length));
  return { text: parts.join(' '), toRaw: (i) => i - cuts.filter((c, k) => c + k < i).length };
}

function matchWhole(raw: string, positive: LabelRule[], negative: RegExp[]): { strength: number; start: number; end: number } | null {
  const { text, toRaw } = unglued(foldDiacritics(raw));
  for (const neg of negative) if (folded(neg).test(text)) return null;
  let best: { strength: number; start: number; end: number } | null = null;
  for (const rule of positive) {
    const m = folded(rule.re).exec(text);
    if (m && (!best || rule.strength > best.strength)) {
      best = { strength: rule.strength, start: toRaw(m.index), end: toRaw(m.index + m[0].length) };
    }
  }
  return best;
}

export const TOTAL_LABELS: LabelRule[] = [
  { re: /grand\s*total|total\s*payable|amount\s*payable|total\s*amt\s*payable|nett\s*total|total\s*amount\s*due|amount\s*due|balance\s*due|total\s*due|total\s*to\s*pay|final\s*total/i, strength: 1 },
  { re: /round(?:ed|ing)?\s*\w?\s*total|total\s*(?:amt\s*)?(?:after\s*)?(?:round|adj)\w*/i, strength: 1 },
  // Letters only after "incl": a greedy [\w.\s]* would swallow the amount that follows the label.
  { re: /total\s*(?:sales\s*|amt\s*|amount\s*|rm\s*)?\(?\s*(?:incl\w*|inc\b|with|after)\.?(?:\s*(?:of\s*)?(?:gst|tax|vat|sst)\b)?/i, strength: 0.95 },
  { re: /total\s*\(?(?:gst|tax)\s*incl/i, strength: 0.95 },
  { re: /gesamtbetrag|rechnungsbetrag|rechnungsbeitrag|gesamtsumme|endbetrag|endsumme|zu\s*zahlen|zahlbetrag|bruttobetrag|bruttosumme|rechnungssumme\s*brutto|\bbrutto\b(?!\s*preis)|summe\s*(?:inkl|incl)|gesamt\s*(?:inkl|incl|brutto)/i, strength: 1 },
  { re: /gross\s*(?:total|amount)|total\s*gross|due\s*payable|invoice\s*amount|amount\s*to\s*(?:pay|be\s*paid)|total\s*incl/i, strength: 1 },
  { re: /montant\s*(?:total\s*)?(?:eur\s*)?ttc|total\s*ttc|net\s*[àa]\s*payer|somme\s*[àa]\s*payer|montant\s*[àa]\s*payer|reste\s*[àa]\s*payer|total\s*facture/i, strength: 1 },
  { re: /te\s*betalen|totaal\s*(?:incl|bedrag)|totaalbedrag|factuurbedrag/i, strength: 1 },
  { re: /importe\s*total|total\s*factura|total\s*a\s*pagar|importe\s*a\s*pagar|total\s*(?:con\s*)?iva\s*incl|totale\s*(?:fattura|documento|da\s*pagare)/i, strength: 1 },
  { re: /jumlah\s*(?:besar|bayaran|keseluruhan)?/i, strength: 0.8 },
  // "Amount incl. GST", "Payable": the amount to pay, under words that also head other amounts.
  { re: /amount\s*incl(?:\.|usive|uding)?\s*(?:of\s*)?(?:gst|tax|vat|sst)/i, strength: 0.95 },
  { re: /\bpayable\b/i, strength: 0.85 },
  // "BAL" on North American till receipts ("TAX .52  BAL 41.88"): the balance to pay, in capitals as tills print it.
  { re: /\bBAL(?:ANCE)?\b/, strength: 0.9 },
  // "Net Total" is the payable on a till receipt and the amount before tax on an invoice; the before-tax arithmetic
  // in extract-amounts.ts tells them apart, so it is a weak label rather than a veto.
  { re: /\bnet\s*(?:total|amt\b)/i, strength: 0.6 },
  { re: /total\s*amount|total\s*amt|total\s*\(?rm\)?|total\s*sales|total\s*invoice|invoice\s*total/i, strength: 0.85 },
  { re: /\btotaal\b|\bgesamt\b|\bsumme\b|\btotale\b|\bbetrag\b|\bmontant\b/i, strength: 0.7 },
  { re: /\btotal\b/i, strength: 0.75 },
  { re: /\bamount\b|\bamt\b/i, strength: 0.4 },
  // Polish, Czech, Portuguese, Swedish, Danish, Norwegian, Finnish, Hungarian, Romanian.
  { re: /nale[żz]no[śs][ćc](?:\s*og[óo][łl]em)?|(?:razem\s*|kwota\s*)?do\s*zap[łl]aty|celkem\s*k\s*[úu]hrad[ěe]|k\s*[úu]hrad[ěe]|celkem\s*(?:v[čc]\.?|s)\s*dph|total\s*a\s*pagar|valor\s*(?:total|a\s*pagar)|(?:summa\s*|belopp\s*|totalt?\s*)?att\s*betala|(?:bel[øo]p\s*)?[åa]\s*betale|(?:^|\s{3})(?:[^\w\s]{1,3}\s?)?at\s*betale|total\s*inkl\.?\s*(?:moms|mva)|sum\s*inkl\.?\s*mva|maksettava(?:\s*yhteens[äa])?|yhteens[äa]\s*(?:sis\.?\s*)?alv|loppusumma|fizetend[őo]|v[ée]g[öo]sszeg|total\s*de\s*plat[ăa]/i, strength: 1 },
  { re: /\bi\s*alt\b|\byhteens[äa]\b|[öo]sszesen|\brazem\b|\bcelkem\b|\btotalt\b/i, strength: 0.8 },
];

export const TOTAL_NEGATIVE: RegExp[] = [
  /sub[\s-]*tota/i,
  /total\s*(?:qty|quantity|items?|item\(s\)|no\.?\s*of|pcs|units|tender|savings?|discount|disc\b|weight|points?)/i,
  /total\s*(?:sales\s*)?\(?\s*excl|excl(?:uding|usive)?\.?\s*(?:of\s*)?(?:gst|tax|vat|btw)/i,
  /total\s*(?:gst|tax(?:es)?|vat|sst|tva|mwst|btw|iva)\b(?!\s*incl)|(?:gst|tax|tva|vat)\s*total|included\s*in\s*total|includes?\s*\d*\s*%?\s*gst/i,
  /total\s*[\d@oO]{0,3}\s*%\s*suppl/i,
  /taxable|zero\s*rated|exempt/i,
  /\bcash\b|\bchange\b|tender|accepted|\bpaid\b|card|visa|master|credit|debit|payment/i,
  // Gift-card, loyalty and account balances are not what this purchase cost.
  /(?:new|closing|opening|previous|remaining|available|card|points?|gift)\s*bal(?:ance)?\b|bal(?:ance)?\s*(?:forward|brought|carried|remaining)/i,
  /ohne\s*(?:mwst|ust)|netto|\bHT\b|exclusief|zonder\s*btw|sin\s*iva|total\s*net\b|\bexkl/i,
  /\bbez\s*dph|ekskl|\beks\b|ilman\s*alv|\bsem\s*iva|veroton|f[ăa]r[ăa]\s*tva/i,
  // The tax's own total in the languages whose word for "total" is short: "Moms i alt", "ALV yhteensä", "Totalt moms".
  /(?:moms|mva|alv|[áa]fa|dph|vat|podatek)\s*(?:\d{1,2}(?:[.,]\d+)?\s*%\s*)?(?:i\s*alt|yhteens[äa]|totalt|[öo]sszesen|razem|celkem)|(?:\bi\s*alt|totalt|[öo]sszesen|razem|celkem)\s*(?:moms|mva|[áa]fa|dph|vat)/i,
  // Unit prices and per-line gross prices are not totals.
  /brutto\s*preis|bruttopreis|prix\s*unitaire|unit\s*price/i,
  // Amounts already paid and discounts offered for early payment.
  /anzahlung|vorauszahlung|bereits\s*(?:bezahlt|gezahlt)|already\s*paid|prepaid|prepayment|paid\s*to\s*date|acompte|d[ée]j[àa]\s*(?:pay|régl|regl)|aanbetaling|anticipo/i,
  // Table headers ("Description  Qty  Unit Price  Total") name a column, not the document total.
  /\b(?:qty|quantity|description|unit\s*price|menge|aantal|quantité)\b.*\b(?:total|amount|betrag|bedrag|montant)\b|\b(?:total|amount)\b.*\b(?:qty|quantity|unit\s*price)\b/i,
];

export const SUBTOTAL_LABELS: LabelRule[] = [
  { re: /exclusief\s*btw|excl\.?\s*btw|total\s*(?:sales\s*)?\(?excl[\w.]*\s*(?:of\s*)?(?:gst|tax|vat)|total\s*excl/i, strength: 1 },
  { re: /montant\s*(?:eur\s*)?ht|total\s*ht|nettobetrag|summe\s*netto|netto|zwischensumme|net\s*amount|base\s*imponible|imponibile/i, strength: 0.95 },
  { re: /gesamtbeitrag|nettobeitrag|beitrag\s*netto/i, strength: 0.6 },
  { re: /(?:rechnungs)?summe\s*(?:ohne|exkl|excl)\.?\s*(?:ust|mwst)|net\s*total|total\s*net\b|total\s*(?:hors\s*taxes|sin\s*iva)|totaal\s*excl/i, strength: 0.95 },
  { re: /sub[\s-]*total|subtotaal|sous[\s-]*total/i, strength: 0.9 },
  { re: /warto[śs][ćc]\s*netto|razem\s*netto|z[áa]klad\s*dan[ěe]|celkem\s*bez\s*dph|bez\s*dph|valor\s*sem\s*iva|total\s*sem\s*iva|base\s*tribut[áa]vel|total\s*il[íi]quido|(?:summa\s*)?exkl\.?\s*moms|ekskl\.?\s*moms|(?:sum\s*)?eks(?:kl)?\.?\s*mva|veroton(?:\s*(?:hinta|summa|yhteens[äa]))?|ilman\s*alv|nett[óo]\s*(?:[öo]sszeg|[ée]rt[ée]k)|total\s*f[ăa]r[ăa]\s*tva/i, strength: 0.95 },
];

export const SUBTOTAL_NEGATIVE: RegExp[] = [/\bqty\b|quantity/i, /netto\s*-?\s*preis|prix\s*unitaire|unit\s*price|einzelpreis/i];

export const TAX_LABELS: LabelRule[] = [
  { re: /summe\s*(?:der\s*)?(?:umsatzsteuer|ust|mwst)|total\s*(?:gst|tax|vat|sst|tva|iva|btw)|(?:gst|tax|vat|tva)\s*(?:amount|total)|montant\s*(?:de\s*la\s*)?tva|(?:mwst|ust)[-.\s]*betrag|steuerbetrag|umsatzsteuerbetrag|btw[-\s]*bedrag|importe\s*(?:del\s*)?iva|cuota\s*(?:de\s*)?iva|zu(?:z[üu]gl|zgl)\.?\s*(?:ust|mwst)|versicherungsteuer/i, strength: 1 },
  { re: /\b(?:gst|sst|vat|tax|tva|btw|mwst|ust|iva)\b\s*(?:@\s*)?\(?\d{1,2}(?:[.,]\d+)?\s*%/i, strength: 0.95 },
  { re: /(?:service\s*)?\btax\b|\bgst\b|\bsst\b|\bvat\b|\btva\b|\bbtw\b|\bmwst\b|\bust\b|\biva\b/i, strength: 0.7 },
  { re: /kwota\s*vat|podatek\s*vat|\bdph\b|\bmoms\b|\bmva\b|\balv\b|[áa]fa(?:\s*[öo]sszeg)?\b|valoare\s*tva/i, strength: 0.9 },
];

export const TAX_NEGATIVE: RegExp[] = [
  /reg(?:istration)?\.?\s*no|gst\s*(?:id|no)\b|\bid\s*no|vat\s*(?:no|number|reg|id)|tva\s*intra|n°\s*de\s*tva|btw[-\s]*(?:nr|nummer|id)|ust[-.\s]*id|steuer[-\s]*nr|gstin|tin\b/i,
  /excl|exclusief|ohne|\bHT\b(?!.*tva)|incl\.?\s*btw\s*$|prijs\s*incl/i,
  /total\s*[\d@oO]{0,3}\s*%\s*suppl|taxable|zero\s*rated|@\s*0\s*%/i,
  /tax\s*invoice|invoice/i,
  /\bbez\s*dph|exkl|ekskl|\beks\b|ilman\s*alv|\bsem\s*iva|veroton|f[ăa]r[ăa]\s*tva|\bnip\b|\bdi[čc]\b|cvr|y-tunnus|ad[óo]sz[áa]m|momsreg|mva-?nr|alv-?(?:numero|nro)/i,
];

export const ISSUE_DATE_LABELS: LabelRule[] = [
  { re: /invoice\s*date|date\s*of\s*(?:invoice|issue)|issue\s*date|bill\s*date|receipt\s*date|document\s*date|tax\s*point/i, strength: 1 },
  { re: /rechnungs[-\s]*datum|beleg[-\s]*datum|gutschrift(?:s)?[-\s]*datum|date\s*d'avoir|ausstellungsdatum|factuurdatum|date\s*de\s*(?:la\s*)?facture|fecha\s*(?:de\s*)?(?:la\s*)?factura|data\s*(?:della\s*)?fattura|tarikh/i, strength: 1 },
  { re: /facture\s*n°?\s*\S+\s*du|\bdu\b/i, strength: 0.6 },
  { re: /\bdate\b|\bdatum\b|\bfecha\b|\bdata\b|\bdated\b/i, strength: 0.9 },
  { re: /\bdd\b/i, strength: 0.7 },
  { re: /data\s*wystawienia|datum\s*vystaven[íi]|data\s*(?:de\s*)?emiss[ãa]o|data\s*da\s*fatura|faktura(?:datum|dato)|laskun\s*p[äa]iv[äa](?:ys|m[äa][äa]r[äa])|ki[áa]ll[íi]t[áa]s\s*d[áa]tuma|sz[áa]mla\s*kelte|data\s*(?:emiterii|facturii)/i, strength: 1 },
];

export const ISSUE_DATE_NEGATIVE: RegExp[] = [
  /due|fällig|faellig|échéance|echeance|vervaldatum|vencimiento|scadenza|limite|payable\s*by|pay\s*by/i,
  /order\s*date|orderdatum|bestelldatum|date\s*de\s*commande|delivery|lieferdatum|leverdatum|livraison|ship/i,
  /check[\s-]*(?:in|out)|expir|valid\s*(?:until|till|thru)|print(?:ed)?\s*date|period|zeitraum|période/i,
  // "Your next invoice date is March 22": the next bill's date, not this one's.
  /next\s*(?:invoice|bill(?:ing)?|statement|payment)\s*date|n[äa]chste[rns]?\s*rechnungs|prochaine\s*facture/i,
  /leistungs[-\s]*datum|liefer(?:-\s*und\s*)?leistungs|bestell[-\s]*datum|lieferschein[-\s]*datum|vertrags[-\s]*datum|auftrags?[-\s]*datum|geburt|date\s*de\s*(?:livraison|prestation)|fecha\s*de\s*(?:entrega|pedido)|leverdatum|besteldatum/i,
  /termin\s*p[łl]atno|splatnost|vencimento|f[öo]rfall|forfald|forfall|betalingsfrist|er[äa]p[äa]iv[äa]|hat[áa]rid[őo]|scaden|data\s*sprzeda[żz]y|datum\s*(?:uskute[čc]n|zdaniteln)|toimitus/i,
];

export const DUE_DATE_LABELS: LabelRule[] = [
  // "TOTAL AMOUNT DUE ON July 3, 2023".
  { re: /due\s*date|payment\s*due|due\s*by\b|due\s*on(?=\s*:?\s*(?:$|\d|[a-z]{3,9}\.?\s+\d))|pay(?:able)?\s*by|date\s*due/i, strength: 1 },
  // Italian "Pagamento: bonifico bancario entro il 17/04/2024": pay by that day.
  { re: /(?:pagamento|pagare|bonifico|saldo|versamento)\b[^\n]{0,40}?\bentro\s*(?:e\s*non\s*oltre\s*)?il\b/i, strength: 0.9 },
  { re: /fällig(?:keit)?(?:sdatum)?|zahlbar\s*bis|zahlungsziel|vervaldatum|uiterste\s*betaaldatum|échéance|echeance|date\s*limite(?:\s*de\s*paiement)?|fecha\s*de\s*vencimiento|vencimiento|scadenza/i, strength: 1 },
  // "Zahlbar ohne Abzug bis", "Bitte überweisen Sie bis zum", "Please remit until", "à payer avant le", "te betalen vóór".
  { re: /zahlbar\s*(?:[\wäöü%.]+\s+){0,4}?bis|überweisen\s*sie\s*(?:[\wäöü%.]+\s+){0,4}?bis|(?:remit|pay(?:ment)?)\s*(?:\w+\s+){0,2}?(?:until|before|by)|[àa]\s*payer\s*avant|[àa]\s*r[ée]gler\s*avant|betalen\s*(?:voor|vóór)|pagar\s*antes\s*de/i, strength: 0.9 },
  { re: /termin\s*p[łl]atno[śs]ci|datum\s*splatnosti|splatnost|data\s*(?:de\s*)?vencimento|f[öo]rfallodag(?:en)?|f[öo]rfallodatum|sista\s*betalningsdag|betalas\s*senast|forfaldsdato|betalingsfrist|sidste\s*rettidige\s*betalingsdag|forfallsdato|\bforfall\b|er[äa]p[äa]iv[äa]|fizet[ée]si\s*hat[áa]rid[őo]|data\s*scaden[țtţ]ei|scaden[țtţ][ăa]/i, strength: 1 },
];

/** Early-payment discount dates are not the due date. */
export const DUE_DATE_NEGATIVE = /skonto|escompte|discount|descuento\s*pronto|korting/i;

export const DOCUMENT_NUMBER_LABELS: LabelRule[] = [
  { re: /invoice\s*(?:no\.?|number|num\.?|nr\.?|#|id)|inv\.?\s*(?:no|#)\.?|bill\s*(?:no\.?|#|number)|receipt\s*(?:no\.?|#|number)|document\s*(?:no\.?|number)|doc\.?\s*no\.?|cash\s*bill\s*no/i, strength: 1 },
  // A credit note's own number needs its number word, or the title right before it ("Avoir AV-2017-0005"): "credit
  // note" in prose ("This credit note has been applied to invoice INV-4410") is followed by the invoice it credits.
  { re: /gutschrift(?:s)?[-\s]*(?:nr\.?|nummer)|avoir\s*(?:n°|no\b\.?|numéro)|num[ée]ro\s*d'avoir|credit\s*(?:note|memo)\s*(?:no\b\.?|number|num\b\.?|nr\b\.?|#)|creditnota\s*(?:nr\.?|nummer)|nota\s*de\s*cr[ée]dito\s*(?:n[°º.o]+|n[úu]mero)|^\s*(?:avoir|credit\s*(?:note|memo)|creditnota|nota\s*de\s*cr[ée]dito)\b(?=\s*[:#]?\s*[A-Z]{0,4}[-/]?\d)|rechnungs[-\s]*(?:nr\.?|nummer)|rechnung\s*(?:nr\.?|#)|beleg[-\s]*nr\.?|factuur\s*(?:nr\.?|nummer)|factuurnummer|facture\s*(?:n°|no\.?|numéro)|n°\s*(?:de\s*)?facture|numéro\s*de\s*facture|factura\s*(?:n[°º.o]*|número)|n[°º]\s*factura|número\s*de\s*factura|fattura\s*(?:n[°.]*|numero)/i, strength: 1 },
  { re: /^\s*(?:tax\s*)?invoice\b(?!\s*date)|^\s*(?:rechnung|facture|factuur|factura|fattura|gutschrift|avoir|credit\s*(?:note|memo)|creditnota|nota\s*de\s*cr[ée]dito)\b(?!\s*(?:date|datum))|\b(?:handels|sammel|schluss|teil|abschlags)?rechnung\s*(?:nr\.?|#)/i, strength: 0.7 },
  { re: /\b(?:trans(?:action)?|ref(?:erence)?|order|slip|check|chk|bill|transaction)\s*(?:no\.?|#|:)/i, strength: 0.5 },
  { re: /\bbooking\s*(?:id|no\.?|number|ref(?:erence)?)|reservation\s*(?:id|no\.?|number)|confirmation\s*(?:no\.?|number)/i, strength: 0.6 },
  { re: /faktura\s*(?:vat\s*)?(?:nr\.?|numer|č\.?|[čc][íi]slo|n[or]\.?)|numer\s*faktury|[čc][íi]slo\s*faktury|fatura\s*(?:n\.?\s*[ºo°]|n[úu]mero)|n[úu]mero\s*da\s*fatura|faktura(?:nummer|nr\.?)|laskun\s*numero|laskunumero|sz[áa]mla\s*(?:sor)?sz[áa]ma|num[ăa]r\s*factur[ăa]|factur[ăa]\s*(?:nr\.?|seria)/i, strength: 1 },
];

export const DOCUMENT_NUMBER_NEGATIVE: RegExp[] = [
  // "Faktura VAT" is what Polish invoices are called, not a VAT number.
  /date|datum|customer|client|kunden|klant|account|konto|order\s*(?:id|no)|tel|fax|phone|gst|(?<!faktura\s*)vat|reg/i,
  // The invoice a credit note or corrected invoice refers to is not its own number.
  /facture\s*(?:li[ée]e|d'origine|initiale)|r[ée]f[ée]rence\s*facture|sur\s*facture|original\s*invoice|reference\s*invoice|(?:against|relates\s*to|applied\s*to|allocated\s*to)\s*invoice|urspr[üu]ng|zur\s*rechnung|bezug|factura\s*(?:original|de\s*referencia)|originele\s*factuur|betreft\s*factuur/i,
];

export const PO_NUMBER_LABELS: LabelRule[] = [
  { re: /p\.?\s*o\.?\s*(?:no\.?|number|#|:)|purchase\s*order(?:\s*(?:no\.?|number|#))?|your\s*order(?:\s*(?:no\.?|number))?|votre\s*(?:r[ée]f[ée]rence|commande)|your\s*reference|ihre\s*bestellung|bestellung\s*nr|uw\s*(?:referentie|bestelling)|su\s*pedido/i, strength: 1 },
  { re: /order\s*(?:id|no\.?|number|#)|bestell(?:nummer|nr\.?)|auftrags(?:nummer|nr\.?)|ordernummer|bon\s*de\s*commande|commande\s*n°?|n°\s*de\s*commande|pedido|ordine/i, strength: 0.8 },
];

export const TAX_ID_LABELS: LabelRule[] = [
  { re: /vat\s*(?:reg(?:istration)?\.?\s*)?(?:no\.?|number|id|#)|vat\s*reg|ust[-.\s]*id(?:[-.\s]*nr\.?)?|umsatzsteuer[-\s]*id(?:entifikations)?(?:nummer)?|ustid|n°\s*(?:de\s*)?tva(?:\s*intra(?:communautaire)?)?|tva\s*intra\w*|btw[-\s]*(?:nr\.?|nummer|id)|\bbtw\b|nif|cif|p\.?\s*iva|partita\s*iva|codice\s*fiscale/i, strength: 1 },
  // Canada's "GST/HST Registration No." and "HST #"; a bare "VAT" right before a country-prefixed number ("VAT GB 402 1187 33").
  { re: /(?:gst\s*\/\s*)?hst\s*(?:reg(?:istration)?\.?\s*)?(?:no\.?|number|#)|(?:gst\s*\/\s*)?hst\s*reg|\bvat\b(?=\s*:?\s*[A-Z]{2}\s?\d)/i, strength: 0.9 },
  { re: /gst\s*(?:reg(?:istration)?\.?\s*)?(?:no\.?|number|id|#)|gst\s*reg|gstin|sst\s*(?:reg(?:istration)?\.?\s*)?(?:no\.?|id)|\babn\b|tax\s*(?:id|reg(?:istration)?)\s*(?:no\.?|number)?|vat\/tin|\btin\b/i, strength: 0.9 },
  { re: /\bnip\b|\bdi[čc]\b|momsreg(?:istrerings)?(?:\.?\s*nr|nummer)|\bcvr(?:-?\s*nr\.?)?|\bse-?nr|mva-?nr|org\.?\s*nr\.?\s*mva|y-tunnus|alv-?(?:numero|nro)|ad[óo]sz[áa]m|\bcui\b|cod\s*fiscal/i, strength: 1 },
];

export const IBAN_LABELS: LabelRule[] = [
  { re: /\biban\b/i, strength: 1 },
  { re: /bank\s*account(?:\s*(?:no\.?|number))?|account\s*(?:no\.?|number)|rekeningnummer|kontonummer|compte/i, strength: 0.5 },
];

/** Lines at the top of a document that name the document, not the vendor. */
export const DOC_TITLE =
  /^\W*(?:(?:simplified\s*|full\s*)?tax\s*invoice|invoice|receipt|official\s*receipt|cash\s*(?:bill|sales?|receipt)|payment\s*receipt|retail\s*invoices?(?:\/bill)?|bill|quotation|delivery\s*order|credit\s*note|rechnung|gutschrift|facture|factuur|factura|fattura|nota|resit|copy|duplicate|customer\s*copy|original|reprint)\W*$/i;

/** Legal forms and words that end a company name. */
export const COMPANY_SUFFIX =
  /\b(?:SDN\.?\s*BHD|BHD|S\/B|SB|ENTERPRISE|ENTERPRISES|TRADING|HARDWARE|RESTAURANT|RESTORAN|STATIONERY|PHARMACY|FARMASI|MART|SUPERMARKET|BOOK\s*CO|GmbH|AG|KG|OHG|UG|e\.K\.|B\.?V\.?|N\.?V\.?|Ltd\.?|Limited|LLC|L\.L\.C\.|Inc\.?|Corp\.?|Corporation|PLC|LLP|SAS|SARL|S\.A\.?|SA|S\.L\.?|SL|S\.p\.A\.?|SpA|S\.r\.l\.?|Srl|Pvt\.?|Pte\.?|Pty\.?|Co\.|Sp\.\s?z\s?o\.\s?o\.?|s\.\s?r\.\s?o\.?|a\.\s?s\.|Lda\.?|A\/S|ApS|Oyj?|Kft\.?|Zrt\.?|Nyrt\.?)(?=\W|$)/i;

/** Legal forms proper: a line with one of these names the legal entity, not just the shop. */
export const LEGAL_FORM =
  /\b(?:SDN\.?\s*BHD|BHD|S\/B|GmbH|AG|KG|B\.?V\.?|N\.?V\.?|Ltd\.?|Limited|LLC|Inc\.?|Corp\.?|PLC|LLP|SAS|SARL|S\.A\.?|S\.L\.?|S\.p\.A\.?|SpA|S\.r\.l\.?|Srl|Pvt\.?|Pte\.?|Pty\.?|Sp\.\s?z\s?o\.\s?o\.?|s\.\s?r\.\s?o\.?|a\.\s?s\.|Lda\.?|A\/S|ApS|Oyj?|Kft\.?|Zrt\.?|Nyrt\.?)(?=\W|$)/i;
