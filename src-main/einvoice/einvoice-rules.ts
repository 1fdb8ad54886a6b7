/**
 * The two e-invoice checks of the rule set: the XML agrees with the printed page, and the XML
 * holds what EN 16931 requires. Both are "not applicable" (null) for a document without XML.
 */
import type { EInvoiceRecord } from '../../src-shared/einvoice.ts';
import { comparedFieldWord, disagreementSentence, type FieldComparison } from './compare-with-page.ts';
import { validateEn16931 } from './validate-en16931.ts';

export interface EInvoiceRuleInput {
  record: EInvoiceRecord;
  /** Null for a standalone XML invoice: there is no printed page to compare. */
  comparisons: FieldComparison[] | null;
}

type Check = { status: 'passed' | 'failed' | 'not_evaluated'; detail: string };

const list = (words: string[]) => (words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`);

export function checkEInvoiceMatchesPage(input: EInvoiceRuleInput | undefined): Check | null {
  if (!input?.record.invoice || !input.comparisons) return null;
  const c = input.comparisons;
  const bad = c.filter((x) => x.status === 'disagrees');
  if (bad.length) return { status: 'failed', detail: bad.map((b) => `${disagreementSentence(b)}.`).join(' ') };
  const agreed = c.filter((x) => x.status === 'agrees').map((x) => comparedFieldWord(x.field));
  const missing = c.filter((x) => x.status === 'not_printed').map((x) => comparedFieldWord(x.field));
  if (agreed.length === 0) return { status: 'not_evaluated', detail: 'Could not compare the e-invoice data with the printed invoice: none of its total, number, IBAN, dates or seller is printed.' };
  return {
    status: 'passed',
    detail: `The printed invoice shows the same ${list(agreed)} as the e-invoice data${missing.length ? ` (not printed: ${list(missing)})` : ''}.`,
  };
}

export function checkEInvoiceValid(input: EInvoiceRuleInput | undefined): Check | null {
  if (!input) return null;
  const { record } = input;
  if (!record.invoice) {
    const where = record.attachment ? `The PDF carries an e-invoice (${record.attachment}), but its XML was not used` : 'The e-invoice XML was not used';
    return { status: 'failed', detail: `${where}: ${record.error?.message ?? 'it could not be read'} [${record.error?.code ?? 'unknown'}]. The fields were read from the printed page instead.` };
  }
  const violations = validateEn16931(record.invoice);
  if (violations.length === 0) return { status: 'passed', detail: 'The e-invoice holds every business term EN 16931 requires checked here, and its totals add up.' };
  return { status: 'failed', detail: `The e-invoice breaks EN 16931: ${violations.map((v) => `${v.message} (${v.rule})`).join('; ')}.` };
}
