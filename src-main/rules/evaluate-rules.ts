/**
 * Runs a rule set over one document's extracted fields. Pure: the clock and the duplicate
 * lookup come in through the context. Every result says in plain words what was checked.
 */
import type { DocType, ExtractedField, FieldName, LineItem, RuleResult } from '../../src-shared/document-model.ts';
import { checkEInvoiceMatchesPage, checkEInvoiceValid, type EInvoiceRuleInput } from '../einvoice/einvoice-rules.ts';
import { checkIban, checkTaxId } from '../extract/identifiers.ts';
import { typeCues } from '../route/type-cues.ts';
import type { Rule, RuleSet } from './rule-set.ts';

export type RuleStatus = 'passed' | 'failed' | 'not_evaluated';

/** A RuleResult that also says whether the rule could be checked at all. */
export interface RuleOutcome extends RuleResult {
  status: RuleStatus;
  kind: Rule['kind'];
  severity: 'info' | 'warning' | 'error';
}

export interface DuplicateMatch {
  documentId: string;
  reason: string;
}

export interface RuleContext {
  now: Date;
  findDuplicates: (key: { vendor?: string; documentNumber?: string; sha256: string }) => DuplicateMatch[];
}

export interface RuleInput {
  docType: DocType;
  fields: Partial<Record<FieldName, ExtractedField>>;
  lineItems: LineItem[];
  sha256: string;
  /** The document's e-invoice XML, when it had one (the e-invoice rules apply only then). */
  einvoice?: EInvoiceRuleInput;
  /** The document's text (rules that look at the page itself, such as no_marks_of). */
  text?: string;
}

export { fieldWord, formatMoney } from '../../src-shared/field-words.ts';
import { fieldWord, formatMoney } from '../../src-shared/field-words.ts';

function cents(value: string | undefined): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? Math.round(n * 100) : null;
}

type Check = { status: RuleStatus; detail: string };

const DAY_MS = 86_400_000;

function dateOf(value: string | undefined): Date | null {
  if (!value || !/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  const d = new Date(`${value.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** A check returns null when it does not apply to the document at all (no result is recorded). */
const CHECKS: { [K in Rule['kind']]: (rule: Extract<Rule, { kind: K }>, input: RuleInput, ctx: RuleContext) => Check | null } = {
  totals_add_up(rule, { fields }) {
    const total = cents(fields.total?.value);
    const subtotal = cents(fields.subtotal?.value);
    const tax = cents(fields.tax?.value);
    const missing = [total === null && 'total', subtotal === null && 'subtotal', tax === null && 'tax'].filter(Boolean);
    if (missing.length) return { status: 'not_evaluated', detail: `Could not check that subtotal plus tax equals the total: no ${missing.join(' or ')} was found.` };
    const diff = Math.abs(subtotal! + tax! - total!);
    const tol = Math.round(rule.params.tolerance * 100);
    const sum = `Subtotal ${formatMoney(subtotal! / 100)} plus tax ${formatMoney(tax! / 100)} is ${formatMoney((subtotal! + tax!) / 100)}`;
    return diff <= tol
      ? { status: 'passed', detail: `${sum}, which matches the total ${formatMoney(total! / 100)}.` }
      : { status: 'failed', detail: `${sum}, but the total says ${formatMoney(total! / 100)} (off by ${formatMoney(diff / 100)}).` };
  },

  line_items_sum(rule, { fields, lineItems, einvoice }) {
    // An e-invoice's lines are checked exactly against its own sums (einvoice_valid, BR-CO-10); its
    // subtotal may differ from them by document-level allowances and charges.
    if (einvoice?.record.invoice) return null;
    if (lineItems.length === 0) return { status: 'not_evaluated', detail: 'Could not check the line items: none were found.' };
    // Line prices may be net (summing to the subtotal) or gross (summing to the total).
    const targets = (rule.params.compareTo === 'subtotal_or_total' ? (['subtotal', 'total'] as const) : ([rule.params.compareTo] as const)).filter(
      (t) => cents(fields[t]?.value) !== null,
    );
    if (targets.length === 0) {
      return { status: 'not_evaluated', detail: `Could not check the line items: no ${rule.params.compareTo.replace(/_/g, ' ')} was found.` };
    }
    const sum = lineItems.reduce((s, li) => s + (cents(li.amount) ?? 0), 0);
    const text = `The ${lineItems.length} line item(s) add up to ${formatMoney(sum / 100)}`;
    const tol = Math.round(rule.params.tolerance * 100);
    const hit = targets.find((t) => Math.abs(sum - cents(fields[t]!.value)!) <= tol);
    if (hit) return { status: 'passed', detail: `${text}, which matches the ${hit} ${formatMoney(cents(fields[hit]!.value)! / 100)}.` };
    const first = targets[0]!;
    const expected = cents(fields[first]!.value)!;
    const others = targets.slice(1).map((t) => ` or the ${t} ${formatMoney(cents(fields[t]!.value)! / 100)}`).join('');
    return { status: 'failed', detail: `${text}, but the ${first} is ${formatMoney(expected / 100)}${others} (off by ${formatMoney(Math.abs(sum - expected) / 100)}).` };
  },

  dates_plausible(rule, { fields }, ctx) {
    const issue = dateOf(fields.issueDate?.value);
    const due = dateOf(fields.dueDate?.value);
    if (!issue) return { status: 'not_evaluated', detail: 'Could not check the dates: no issue date was found.' };
    const problems: string[] = [];
    // Whole calendar days: a document dated today is never "in the future" because of the hour.
    const today = Date.UTC(ctx.now.getUTCFullYear(), ctx.now.getUTCMonth(), ctx.now.getUTCDate());
    const ahead = Math.round((issue.getTime() - today) / DAY_MS);
    if (ahead > rule.params.futureToleranceDays) problems.push(`the issue date ${fields.issueDate!.value} is ${ahead} day(s) in the future`);
    const age = Math.round((today - issue.getTime()) / DAY_MS);
    if (age > rule.params.maxAgeDays) problems.push(`the issue date ${fields.issueDate!.value} is ${Math.floor(age / 365)} year(s) old (limit ${Math.round(rule.params.maxAgeDays / 365)})`);
    if (due) {
      const term = Math.round((due.getTime() - issue.getTime()) / DAY_MS);
      if (term < 0) problems.push(`the due date ${fields.dueDate!.value} is before the issue date ${fields.issueDate!.value}`);
      else if (term > rule.params.maxPaymentTermDays) problems.push(`the due date is ${term} days after the issue date (limit ${rule.params.maxPaymentTermDays})`);
    }
    if (problems.length) return { status: 'failed', detail: `The dates look wrong: ${problems.join('; ')}.` };
    return { status: 'passed', detail: `The issue date ${fields.issueDate!.value}${due ? ` and due date ${fields.dueDate!.value}` : ''} ${due ? 'look' : 'looks'} plausible.` };
  },

  duplicate(_rule, { fields, sha256 }, ctx) {
    const matches = ctx.findDuplicates({ vendor: fields.vendor?.value, documentNumber: fields.documentNumber?.value, sha256 });
    if (matches.length === 0) {
      const what = fields.vendor && fields.documentNumber ? 'this vendor and number, or this exact file' : 'this exact file';
      return { status: 'passed', detail: `No earlier document with ${what} was found.` };
    }
    const list = matches.slice(0, 3).map((m) => `${m.documentId} (${m.reason})`).join(', ');
    return { status: 'failed', detail: `This looks like a duplicate of ${list}${matches.length > 3 ? ` and ${matches.length - 3} more` : ''}.` };
  },

  required_fields(rule, { docType, fields }) {
    const wanted = rule.params.fields[docType] ?? [];
    if (wanted.length === 0) return { status: 'passed', detail: `No fields are required for a ${docType}.` };
    const missing = wanted.filter((f) => !fields[f] || fields[f]!.value.trim() === '');
    return missing.length
      ? { status: 'failed', detail: `Required for a ${docType} but not found: ${missing.map(fieldWord).join(', ')}.` }
      : { status: 'passed', detail: `All fields required for a ${docType} are present (${wanted.map(fieldWord).join(', ')}).` };
  },

  iban_checksum(_rule, { fields }) {
    if (!fields.iban) return { status: 'not_evaluated', detail: 'Could not check the IBAN: none was found.' };
    const check = checkIban(fields.iban.value);
    return check.valid
      ? { status: 'passed', detail: `The IBAN ${check.iban} has valid check digits.` }
      : { status: 'failed', detail: `The IBAN ${check.iban} is not valid: ${check.reason}.` };
  },

  vat_id_format(rule, { fields }) {
    if (!fields.vendorTaxId) return { status: 'not_evaluated', detail: 'Could not check the VAT number: none was found.' };
    const value = fields.vendorTaxId.value;
    const check = checkTaxId(value);
    if (!check.valid) return { status: 'failed', detail: `The VAT number ${value} does not look right: ${check.reason}.` };
    if (rule.params.countries && !rule.params.countries.includes(check.country)) {
      return { status: 'failed', detail: `The VAT number ${value} is a ${check.label}, but only ${rule.params.countries.join(', ')} numbers are expected.` };
    }
    return { status: 'passed', detail: `The VAT number ${value} is a well-formed ${check.label}.` };
  },

  einvoice_matches_page(_rule, { einvoice }) {
    return checkEInvoiceMatchesPage(einvoice);
  },

  einvoice_valid(_rule, { einvoice }) {
    return checkEInvoiceValid(einvoice);
  },

  no_marks_of(rule, { text }) {
    const what = rule.params.docType.replace(/_/g, ' ');
    if (text === undefined) return { status: 'not_evaluated', detail: `Could not look for the marks of ${article(what)}: the text was not given.` };
    const found = typeCues(text, rule.params.docType);
    return found.length
      ? { status: 'failed', detail: `The text shows marks of ${article(what)} (${found.join(', ')}), so it may be ${article(what)} read as another type.` }
      : { status: 'passed', detail: `The text shows none of the marks of ${article(what)}.` };
  },

  vendor_allow_list(rule, { fields }) {
    if (!fields.vendor) return { status: 'not_evaluated', detail: 'Could not check the vendor against the approved list: no vendor was found.' };
    const key = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
    const v = key(fields.vendor.value);
    const hit = rule.params.vendors.find((a) => {
      const k = key(a);
      return k === v || (k.length >= 3 && v.includes(k));
    });
    return hit
      ? { status: 'passed', detail: `The vendor ${fields.vendor.value} is on the approved vendor list (as ${hit}).` }
      : { status: 'failed', detail: `The vendor ${fields.vendor.value} is not on the approved vendor list.` };
  },
};

const article = (word: string) => `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;

export function evaluateRules(input: RuleInput, ruleSet: RuleSet, ctx: RuleContext): RuleOutcome[] {
  const out: RuleOutcome[] = [];
  for (const rule of ruleSet.rules) {
    if (!rule.appliesTo.includes(input.docType)) continue;
    const check = (CHECKS[rule.kind] as (r: Rule, i: RuleInput, c: RuleContext) => Check | null)(rule, input, ctx);
    if (!check) continue;
    const failed = check.status === 'failed' || (check.status === 'not_evaluated' && rule.required);
    out.push({
      id: rule.id,
      kind: rule.kind,
      status: check.status,
      passed: !failed,
      detail: check.status === 'not_evaluated' && rule.required ? `${check.detail} This check is required.` : check.detail,
      severity: check.status === 'passed' ? 'info' : check.status === 'not_evaluated' && !rule.required ? 'info' : rule.severity,
    });
  }
  return out;
}

export { loadRuleSet, parseRuleSet, RuleSetError, type Rule, type RuleSet } from './rule-set.ts';
