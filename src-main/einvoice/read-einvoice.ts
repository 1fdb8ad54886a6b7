/**
 * Reads an e-invoice XML (CII as ZUGFeRD 1, ZUGFeRD 2 / Factur-X / XRechnung, or UBL Invoice and
 * CreditNote) into the syntax-neutral EInvoice. Untrusted input: parsing goes through
 * parseXmlSafely, and an XML that is none of these fails with `einvoice_unrecognised`.
 */
import type { DocType } from '../../src-shared/document-model.ts';
import type { EInvoice, EInvoiceLine, EInvoiceParty, EInvoiceSyntax, EInvoiceTax } from '../../src-shared/einvoice.ts';
import { PipelineError } from '../pipeline/pipeline-error.ts';
import { all, attr, first, parseXmlSafely, text, type XmlNode, type XmlValue } from './safe-xml.ts';

/** UNTDID 1001 codes that credit the buyer; every other EN 16931 type code is an invoice. */
const CREDIT_NOTE_CODES = new Set(['81', '83', '261', '262', '296', '308', '381', '396', '420', '458', '532']);

export function docTypeOf(typeCode: string | null, syntax: EInvoiceSyntax): DocType {
  if (syntax === 'UBL CreditNote') return 'credit_note';
  return typeCode && CREDIT_NOTE_CODES.has(typeCode) ? 'credit_note' : 'invoice';
}

/** "100" → "100.00", "0.7900" → "0.79", "-7.6" → "-7.60"; anything not a decimal number stays as written. */
export function normaliseAmount(value: string | null): string | null {
  if (value === null) return null;
  const v = value.trim();
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(v);
  if (!m || (!m[2] && !m[3])) return v;
  const sign = m[1] === '-' ? '-' : '';
  const int = (m[2] || '0').replace(/^0+(?=\d)/, '');
  let frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac.length < 2) frac = frac.padEnd(2, '0');
  return `${sign}${int}.${frac}`;
}

/** CII dates are "102" (yyyymmdd) strings; UBL and some producers write ISO dates. */
export function normaliseXmlDate(value: string | null): string | null {
  if (!value) return null;
  const v = value.trim();
  let m = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (m) return `${m[1]}-${m[2]}-${m[3]}`;
  m = /^(\d{4})-(\d{2})-(\d{2})/.exec(v);
  if (m) return `${m[1]}-${m[2]}-${m[3]}`;
  return v;
}

/**
 * The net price of one unit: the XML states it per base quantity (BT-149), e.g. 11718.80 per 100
 * pieces, which read as a unit price would be 100 times too high.
 */
export function pricePerUnit(price: string | null, baseQuantity: string | null): string | null {
  const normalised = normaliseAmount(price);
  const base = baseQuantity === null ? NaN : Number(baseQuantity);
  const n = normalised === null ? NaN : Number(normalised);
  if (!Number.isFinite(base) || base <= 0 || base === 1 || !Number.isFinite(n)) return normalised;
  return normaliseAmount(String(Number((n / base).toFixed(6))));
}

const oneLine = (s: string | null) => (s ? s.replace(/\s+/g, ' ').trim() || null : null);

export function parseEInvoice(bytes: Uint8Array, limits: { maxBytes?: number } = {}): EInvoice {
  const doc = parseXmlSafely(bytes, limits);
  if (doc.CrossIndustryDocument) return readCii(node(doc.CrossIndustryDocument), 'ZUGFeRD 1 (CrossIndustryDocument)');
  if (doc.CrossIndustryInvoice) return readCii(node(doc.CrossIndustryInvoice), 'CII (CrossIndustryInvoice)');
  if (doc.Invoice) return readUbl(node(doc.Invoice), 'UBL Invoice');
  if (doc.CreditNote) return readUbl(node(doc.CreditNote), 'UBL CreditNote');
  const root = Object.keys(doc).find((k) => !k.startsWith('#') && !k.startsWith('@'));
  throw new PipelineError(
    'einvoice_unrecognised',
    `The XML is not an e-invoice: its root element is <${root ?? '(none)'}>, expected CrossIndustryInvoice (ZUGFeRD, Factur-X, XRechnung), CrossIndustryDocument (ZUGFeRD 1), or a UBL Invoice or CreditNote.`,
  );
}

function node(v: XmlValue): XmlNode {
  if (Array.isArray(v)) return node(v[0]!);
  return typeof v === 'object' ? v : { '#text': v };
}

// --- CII: ZUGFeRD 1.0 (CrossIndustryDocument) and 2.x / Factur-X / XRechnung (CrossIndustryInvoice). ---

function readCii(root: XmlNode, syntax: EInvoiceSyntax): EInvoice {
  const v1 = syntax.startsWith('ZUGFeRD 1');
  const header = first(root, v1 ? 'HeaderExchangedDocument' : 'ExchangedDocument');
  const tx = first(root, v1 ? 'SpecifiedSupplyChainTradeTransaction' : 'SupplyChainTradeTransaction');
  const agreement = first(tx, v1 ? 'ApplicableSupplyChainTradeAgreement' : 'ApplicableHeaderTradeAgreement');
  const settlement = first(tx, v1 ? 'ApplicableSupplyChainTradeSettlement' : 'ApplicableHeaderTradeSettlement');
  const sums = first(settlement, v1 ? 'SpecifiedTradeSettlementMonetarySummation' : 'SpecifiedTradeSettlementHeaderMonetarySummation');
  const currency = text(settlement, 'InvoiceCurrencyCode');
  // A tax total may be given twice: in the invoice currency and in the VAT accounting currency.
  const inCurrency = (name: string) => {
    const values = all(sums, name);
    const hit = values.find((x) => !attr(x, 'currencyID') || attr(x, 'currencyID') === currency) ?? values[0];
    return normaliseAmount(text(hit));
  };
  const typeCode = text(header, 'TypeCode');
  const terms = all(settlement, 'SpecifiedTradePaymentTerms');
  const lines = all(tx, 'IncludedSupplyChainTradeLineItem').filter(isInvoiceLine).map((li): EInvoiceLine => {
    const lineAgreement = first(li, v1 ? 'SpecifiedSupplyChainTradeAgreement' : 'SpecifiedLineTradeAgreement');
    const netPrice = first(lineAgreement, 'NetPriceProductTradePrice');
    const lineDelivery = first(li, v1 ? 'SpecifiedSupplyChainTradeDelivery' : 'SpecifiedLineTradeDelivery');
    const lineSettlement = first(li, v1 ? 'SpecifiedSupplyChainTradeSettlement' : 'SpecifiedLineTradeSettlement');
    const qty = first(lineDelivery, 'BilledQuantity');
    return {
      id: text(li, 'AssociatedDocumentLineDocument', 'LineID'),
      name: oneLine(text(li, 'SpecifiedTradeProduct', 'Name')) ?? '',
      quantity: text(qty),
      unitCode: attr(qty, 'unitCode'),
      netPrice: pricePerUnit(text(netPrice, 'ChargeAmount'), text(netPrice, 'BasisQuantity')),
      lineTotal: normaliseAmount(text(lineSettlement, v1 ? 'SpecifiedTradeSettlementMonetarySummation' : 'SpecifiedTradeSettlementLineMonetarySummation', 'LineTotalAmount')),
      taxCategory: text(lineSettlement, 'ApplicableTradeTax', 'CategoryCode'),
      taxRate: text(lineSettlement, 'ApplicableTradeTax', v1 ? 'ApplicablePercent' : 'RateApplicablePercent'),
    };
  })
    // ZUGFeRD 1 producers put free text in "lines" with neither product nor amount: notes, not lines.
    .filter((l) => l.name || l.lineTotal);
  const taxes = all(settlement, 'ApplicableTradeTax').map(
    (t): EInvoiceTax => ({
      category: text(t, 'CategoryCode'),
      rate: text(t, 'RateApplicablePercent') ?? text(t, 'ApplicablePercent'),
      basis: normaliseAmount(text(t, 'BasisAmount')),
      amount: normaliseAmount(text(t, 'CalculatedAmount')),
      exemptionReason: text(t, 'ExemptionReason') ?? text(t, 'ExemptionReasonCode'),
    }),
  );
  return {
    syntax,
    profile: text(root, v1 ? 'SpecifiedExchangedDocumentContext' : 'ExchangedDocumentContext', 'GuidelineSpecifiedDocumentContextParameter', 'ID'),
    typeCode,
    docType: docTypeOf(typeCode, syntax),
    number: text(header, 'ID'),
    issueDate: normaliseXmlDate(text(header, 'IssueDateTime', 'DateTimeString')),
    dueDate: normaliseXmlDate(text(terms, 'DueDateDateTime', 'DateTimeString')),
    currency,
    buyerReference: text(agreement, 'BuyerReference'),
    poNumber: v1 ? text(agreement, 'BuyerOrderReferencedDocument', 'ID') : text(agreement, 'BuyerOrderReferencedDocument', 'IssuerAssignedID'),
    seller: ciiParty(first(agreement, 'SellerTradeParty')),
    buyer: ciiParty(first(agreement, 'BuyerTradeParty')),
    ibans: unique(all(settlement, 'SpecifiedTradeSettlementPaymentMeans', 'PayeePartyCreditorFinancialAccount', 'IBANID').map((x) => text(x))),
    paymentTerms: terms.map((t) => text(t, 'Description')).filter(Boolean).join('\n') || null,
    notes: all(header, 'IncludedNote', 'Content').map((x) => text(x)).filter((x): x is string => !!x),
    lines,
    taxes,
    totals: {
      lineTotal: inCurrency('LineTotalAmount'),
      allowanceTotal: inCurrency('AllowanceTotalAmount'),
      chargeTotal: inCurrency('ChargeTotalAmount'),
      taxBasis: inCurrency('TaxBasisTotalAmount'),
      taxTotal: inCurrency('TaxTotalAmount'),
      grandTotal: inCurrency('GrandTotalAmount'),
      prepaid: inCurrency('TotalPrepaidAmount'),
      rounding: inCurrency('RoundingAmount'),
      payable: inCurrency('DuePayableAmount'),
    },
  };
}

/**
 * A line of the invoice proper (BG-25). Sub-lines (XRechnung extension, Factur-X EXTENDED DETAIL
 * lines) name a ParentLineID and are already counted in their parent's amount, and EXTENDED
 * INFORMATION lines count in no total: read as lines, they would add up to more than the invoice.
 */
function isInvoiceLine(li: XmlValue): boolean {
  const doc = first(li, 'AssociatedDocumentLineDocument');
  return !text(doc, 'ParentLineID') && text(doc, 'LineStatusReasonCode')?.toUpperCase() !== 'INFORMATION';
}

function ciiParty(p: XmlValue | undefined): EInvoiceParty {
  const a = first(p, 'PostalTradeAddress');
  const regs = all(p, 'SpecifiedTaxRegistration', 'ID');
  const reg = (scheme: string) => text(regs.find((r) => attr(r, 'schemeID') === scheme));
  const cityLine = [text(a, 'PostcodeCode'), text(a, 'CityName')].filter(Boolean).join(' ');
  const emails = [...all(p, 'URIUniversalCommunication', 'URIID').filter((u) => attr(u, 'schemeID') === 'EM'), ...all(p, 'DefinedTradeContact', 'EmailURIUniversalCommunication', 'URIID')];
  return {
    name: oneLine(text(p, 'Name')),
    addressLines: [text(a, 'LineOne'), text(a, 'LineTwo'), text(a, 'LineThree'), cityLine || null].filter((x): x is string => !!x).map((x) => oneLine(x)!),
    country: text(a, 'CountryID'),
    vatId: reg('VA'),
    taxNumber: reg('FC'),
    email: text(emails[0]),
  };
}

// --- UBL 2.1 Invoice and CreditNote (XRechnung UBL, Peppol BIS). ---

function readUbl(root: XmlNode, syntax: EInvoiceSyntax): EInvoice {
  const credit = syntax === 'UBL CreditNote';
  const currency = text(root, 'DocumentCurrencyCode');
  const sums = first(root, 'LegalMonetaryTotal');
  const amount = (v: XmlValue | undefined, ...path: string[]) => normaliseAmount(text(v, ...path));
  const taxTotals = all(root, 'TaxTotal');
  const taxTotal = taxTotals.map((t) => first(t, 'TaxAmount')).find((x) => x !== undefined && (!attr(x, 'currencyID') || attr(x, 'currencyID') === currency));
  const typeCode = text(root, credit ? 'CreditNoteTypeCode' : 'InvoiceTypeCode');
  const lines = all(root, credit ? 'CreditNoteLine' : 'InvoiceLine').map((li): EInvoiceLine => {
    const qty = first(li, credit ? 'CreditedQuantity' : 'InvoicedQuantity');
    return {
      id: text(li, 'ID'),
      name: oneLine(text(li, 'Item', 'Name')) ?? '',
      quantity: text(qty),
      unitCode: attr(qty, 'unitCode'),
      netPrice: pricePerUnit(text(li, 'Price', 'PriceAmount'), text(li, 'Price', 'BaseQuantity')),
      lineTotal: amount(li, 'LineExtensionAmount'),
      taxCategory: text(li, 'Item', 'ClassifiedTaxCategory', 'ID'),
      taxRate: text(li, 'Item', 'ClassifiedTaxCategory', 'Percent'),
    };
  });
  const taxes = taxTotals.flatMap((t) => all(t, 'TaxSubtotal')).map(
    (s): EInvoiceTax => ({
      category: text(s, 'TaxCategory', 'ID'),
      rate: text(s, 'TaxCategory', 'Percent'),
      basis: amount(s, 'TaxableAmount'),
      amount: amount(s, 'TaxAmount'),
      exemptionReason: text(s, 'TaxCategory', 'TaxExemptionReason') ?? text(s, 'TaxCategory', 'TaxExemptionReasonCode'),
    }),
  );
  return {
    syntax,
    profile: text(root, 'CustomizationID'),
    typeCode,
    docType: docTypeOf(typeCode, syntax),
    number: text(root, 'ID'),
    issueDate: normaliseXmlDate(text(root, 'IssueDate')),
    dueDate: normaliseXmlDate(text(root, 'DueDate') ?? text(root, 'PaymentMeans', 'PaymentDueDate')),
    currency,
    buyerReference: text(root, 'BuyerReference'),
    poNumber: text(root, 'OrderReference', 'ID'),
    seller: ublParty(first(root, 'AccountingSupplierParty', 'Party')),
    buyer: ublParty(first(root, 'AccountingCustomerParty', 'Party')),
    ibans: unique(all(root, 'PaymentMeans', 'PayeeFinancialAccount', 'ID').map((x) => text(x))).filter(isIbanShaped),
    paymentTerms: all(root, 'PaymentTerms', 'Note').map((x) => text(x)).filter(Boolean).join('\n') || null,
    notes: all(root, 'Note').map((x) => text(x)).filter((x): x is string => !!x),
    lines,
    taxes,
    totals: {
      lineTotal: amount(sums, 'LineExtensionAmount'),
      allowanceTotal: amount(sums, 'AllowanceTotalAmount'),
      chargeTotal: amount(sums, 'ChargeTotalAmount'),
      taxBasis: amount(sums, 'TaxExclusiveAmount'),
      taxTotal: normaliseAmount(text(taxTotal)),
      grandTotal: amount(sums, 'TaxInclusiveAmount'),
      prepaid: amount(sums, 'PrepaidAmount'),
      rounding: amount(sums, 'PayableRoundingAmount'),
      payable: amount(sums, 'PayableAmount'),
    },
  };
}

function ublParty(p: XmlValue | undefined): EInvoiceParty {
  const a = first(p, 'PostalAddress');
  const schemes = all(p, 'PartyTaxScheme');
  const vat = schemes.find((s) => (text(s, 'TaxScheme', 'ID') ?? 'VAT').toUpperCase() === 'VAT');
  const other = schemes.find((s) => s !== vat);
  const cityLine = [text(a, 'PostalZone'), text(a, 'CityName')].filter(Boolean).join(' ');
  return {
    // The legal name (BT-27 / BT-44), as CII's Name carries it; the trading name (BT-28) only when it is missing.
    name: oneLine(text(p, 'PartyLegalEntity', 'RegistrationName') ?? text(p, 'PartyName', 'Name')),
    addressLines: [text(a, 'StreetName'), text(a, 'AdditionalStreetName'), text(a, 'AddressLine', 'Line'), cityLine || null].filter((x): x is string => !!x).map((x) => oneLine(x)!),
    country: text(a, 'Country', 'IdentificationCode'),
    vatId: text(vat, 'CompanyID'),
    taxNumber: text(other, 'CompanyID'),
    email: text(p, 'Contact', 'ElectronicMail'),
  };
}

/**
 * UBL's payment account (BT-84) is an IBAN for SEPA transfers but may be any account number
 * (a Swedish bankgiro, a UK account); only IBAN-shaped ones are offered as the IBAN.
 */
const isIbanShaped = (account: string) => /^[A-Z]{2}\d{2}[A-Z0-9]{8,30}$/.test(account);

function unique(values: (string | null)[]): string[] {
  return [...new Set(values.filter((v): v is string => !!v).map((v) => v.replace(/\s+/g, '').toUpperCase()))];
}
