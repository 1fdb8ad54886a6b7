/**
 * What EN 16931 requires of an invoice's content, checked on the parsed XML: the mandatory
 * business terms and the arithmetic between totals (rule ids as the standard numbers them).
 * Schematron covers far more; these are the checks that catch a wrong amount or a missing party.
 */
import type { EInvoice } from '../../src-shared/einvoice.ts';

export interface Violation {
  /** The EN 16931 business rule, e.g. "BR-CO-15". */
  rule: string;
  message: string;
}

const toCents = (v: string | null): number | null => {
  if (v === null) return null;
  const n = Number(v);
  return Number.isFinite(n) ? Math.round(n * 100) : null;
};
const money = (c: number) => (c / 100).toFixed(2);

/** Profiles that carry no invoice lines by design (Factur-X MINIMUM and BASIC WL). */
const HEADER_ONLY = /minimum|basicwl/i;
/**
 * Factur-X / ZUGFeRD MINIMUM has no place for the sum of lines (BT-106), the amount paid in
 * advance (BT-113) or the VAT breakdown (BG-23): their absence, and an amount due below the total,
 * are what a valid MINIMUM invoice looks like.
 */
const MINIMUM = /minimum/i;

export function validateEn16931(inv: EInvoice): Violation[] {
  const out: Violation[] = [];
  const need = (rule: string, value: unknown, what: string) => {
    if (value === null || value === undefined || value === '') out.push({ rule, message: `${what} is missing` });
  };
  need('BR-02', inv.number, 'the invoice number (BT-1)');
  need('BR-03', inv.issueDate, 'the issue date (BT-2)');
  need('BR-04', inv.typeCode, 'the invoice type code (BT-3)');
  need('BR-05', inv.currency, 'the invoice currency code (BT-5)');
  need('BR-06', inv.seller.name, "the seller's name (BT-27)");
  need('BR-07', inv.buyer.name, "the buyer's name (BT-44)");
  const t = inv.totals;
  const minimum = MINIMUM.test(inv.profile ?? '');
  if (!minimum) need('BR-12', t.lineTotal, 'the sum of invoice line net amounts (BT-106)');
  need('BR-13', t.taxBasis, 'the invoice total without VAT (BT-109)');
  need('BR-14', t.grandTotal, 'the invoice total with VAT (BT-112)');
  // ZUGFeRD 1.0 predates EN 16931 and made the amount due optional.
  if (!inv.syntax.startsWith('ZUGFeRD 1')) need('BR-15', t.payable, 'the amount due for payment (BT-115)');
  if (inv.issueDate && !/^\d{4}-\d{2}-\d{2}$/.test(inv.issueDate)) out.push({ rule: 'BR-03', message: `the issue date "${inv.issueDate}" is not a date` });
  if (inv.lines.length === 0 && !HEADER_ONLY.test(inv.profile ?? '')) out.push({ rule: 'BR-16', message: 'the invoice has no lines' });

  const c = {
    lineTotal: toCents(t.lineTotal),
    allowance: toCents(t.allowanceTotal) ?? 0,
    charge: toCents(t.chargeTotal) ?? 0,
    taxBasis: toCents(t.taxBasis),
    taxTotal: toCents(t.taxTotal),
    grand: toCents(t.grandTotal),
    prepaid: toCents(t.prepaid) ?? 0,
    rounding: toCents(t.rounding) ?? 0,
    payable: toCents(t.payable),
  };
  const lineCents = inv.lines.map((l) => toCents(l.lineTotal));
  if (c.lineTotal !== null && inv.lines.length > 0 && lineCents.every((x) => x !== null)) {
    const sum = lineCents.reduce((a, b) => a! + b!, 0)!;
    if (sum !== c.lineTotal) out.push({ rule: 'BR-CO-10', message: `the ${inv.lines.length} line net amounts add up to ${money(sum)}, but the sum of lines (BT-106) says ${money(c.lineTotal)}` });
  }
  if (c.lineTotal !== null && c.taxBasis !== null && c.lineTotal - c.allowance + c.charge !== c.taxBasis) {
    out.push({
      rule: 'BR-CO-13',
      message: `the sum of lines ${money(c.lineTotal)} minus allowances ${money(c.allowance)} plus charges ${money(c.charge)} is ${money(c.lineTotal - c.allowance + c.charge)}, but the total without VAT (BT-109) says ${money(c.taxBasis)}`,
    });
  }
  const taxCents = inv.taxes.map((x) => toCents(x.amount));
  if (c.taxTotal !== null && inv.taxes.length > 0 && taxCents.every((x) => x !== null)) {
    const sum = taxCents.reduce((a, b) => a! + b!, 0)!;
    if (sum !== c.taxTotal) out.push({ rule: 'BR-CO-14', message: `the VAT of the ${inv.taxes.length} rate(s) adds up to ${money(sum)}, but the VAT total (BT-110) says ${money(c.taxTotal)}` });
  }
  if (c.taxBasis !== null && c.grand !== null && c.taxBasis + (c.taxTotal ?? 0) !== c.grand) {
    out.push({ rule: 'BR-CO-15', message: `the total without VAT ${money(c.taxBasis)} plus VAT ${money(c.taxTotal ?? 0)} is ${money(c.taxBasis + (c.taxTotal ?? 0))}, but the total with VAT (BT-112) says ${money(c.grand)}` });
  }
  if (!minimum && c.grand !== null && c.payable !== null && c.grand - c.prepaid + c.rounding !== c.payable) {
    out.push({ rule: 'BR-CO-16', message: `the total ${money(c.grand)} minus the prepaid ${money(c.prepaid)} is ${money(c.grand - c.prepaid + c.rounding)}, but the amount due (BT-115) says ${money(c.payable)}` });
  }
  for (const x of inv.taxes) {
    const basis = toCents(x.basis);
    const amount = toCents(x.amount);
    const rate = x.rate === null ? null : Number(x.rate);
    if (basis === null || amount === null || rate === null || !Number.isFinite(rate)) continue;
    const expected = Math.round((basis * rate) / 100);
    // To the cent: the standard rounds the product to two decimals.
    if (Math.abs(expected - amount) > 1) {
      out.push({ rule: 'BR-CO-17', message: `VAT at ${rate}% of ${money(basis)} is ${money(expected)}, but the invoice says ${money(amount)}` });
    }
  }
  if (inv.taxes.length === 0 && !minimum) out.push({ rule: 'BR-CO-18', message: 'the invoice has no VAT breakdown' });
  return out;
}
