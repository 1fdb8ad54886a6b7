import { z } from 'zod';
import { DocTypeSchema } from './document-model.ts';

/**
 * A structured e-invoice (ZUGFeRD / Factur-X / XRechnung CII, or UBL) as read from its XML: the
 * business terms of EN 16931 that a clerk needs, syntax-neutral. Amounts are decimal strings as
 * the XML gives them (normalised to "1234.50"), dates ISO 8601.
 */
export const EInvoiceSyntaxSchema = z.enum(['ZUGFeRD 1 (CrossIndustryDocument)', 'CII (CrossIndustryInvoice)', 'UBL Invoice', 'UBL CreditNote']);
export type EInvoiceSyntax = z.infer<typeof EInvoiceSyntaxSchema>;

export const EInvoicePartySchema = z.object({
  name: z.string().nullable(),
  /** Street lines, then "postcode city", then the country code. */
  addressLines: z.array(z.string()),
  country: z.string().nullable(),
  vatId: z.string().nullable(),
  /** Other tax registrations (German Steuernummer, schemeID "FC"). */
  taxNumber: z.string().nullable(),
  email: z.string().nullable(),
});
export type EInvoiceParty = z.infer<typeof EInvoicePartySchema>;

export const EInvoiceLineSchema = z.object({
  id: z.string().nullable(),
  name: z.string(),
  quantity: z.string().nullable(),
  unitCode: z.string().nullable(),
  /** Net price of one unit: the item net price (BT-146) divided by its base quantity (BT-149). */
  netPrice: z.string().nullable(),
  /** Line net amount (BT-131). */
  lineTotal: z.string().nullable(),
  taxCategory: z.string().nullable(),
  taxRate: z.string().nullable(),
});
export type EInvoiceLine = z.infer<typeof EInvoiceLineSchema>;

export const EInvoiceTaxSchema = z.object({
  category: z.string().nullable(),
  rate: z.string().nullable(),
  basis: z.string().nullable(),
  amount: z.string().nullable(),
  exemptionReason: z.string().nullable(),
});
export type EInvoiceTax = z.infer<typeof EInvoiceTaxSchema>;

export const EInvoiceTotalsSchema = z.object({
  /** BT-106 sum of line net amounts. */
  lineTotal: z.string().nullable(),
  allowanceTotal: z.string().nullable(),
  chargeTotal: z.string().nullable(),
  /** BT-109 total without VAT. */
  taxBasis: z.string().nullable(),
  /** BT-110 VAT total. */
  taxTotal: z.string().nullable(),
  /** BT-112 total with VAT. */
  grandTotal: z.string().nullable(),
  prepaid: z.string().nullable(),
  rounding: z.string().nullable(),
  /** BT-115 amount due. */
  payable: z.string().nullable(),
});
export type EInvoiceTotals = z.infer<typeof EInvoiceTotalsSchema>;

export const EInvoiceSchema = z.object({
  syntax: EInvoiceSyntaxSchema,
  /** The specification identifier (BT-24), e.g. urn:cen.eu:en16931:2017#compliant#urn:xeinkasse.de:kosit:xrechnung_3.0. */
  profile: z.string().nullable(),
  typeCode: z.string().nullable(),
  docType: DocTypeSchema,
  number: z.string().nullable(),
  issueDate: z.string().nullable(),
  dueDate: z.string().nullable(),
  currency: z.string().nullable(),
  buyerReference: z.string().nullable(),
  poNumber: z.string().nullable(),
  seller: EInvoicePartySchema,
  buyer: EInvoicePartySchema,
  ibans: z.array(z.string()),
  paymentTerms: z.string().nullable(),
  notes: z.array(z.string()),
  lines: z.array(EInvoiceLineSchema),
  taxes: z.array(EInvoiceTaxSchema),
  totals: EInvoiceTotalsSchema,
});
export type EInvoice = z.infer<typeof EInvoiceSchema>;

/** What the pipeline recorded about a document's e-invoice XML: read, or refused with a reason. */
export const EInvoiceRecordSchema = z.object({
  /** The attachment's name inside a PDF, or null for a standalone XML file. */
  attachment: z.string().nullable(),
  invoice: EInvoiceSchema.nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type EInvoiceRecord = z.infer<typeof EInvoiceRecordSchema>;
