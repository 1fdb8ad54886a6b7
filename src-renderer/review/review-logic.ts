import type { DocumentDetail } from '../../src-shared/contract/documents.ts';
import type { Box, ExtractedField } from '../../src-shared/document-model.ts';

/** Below this confidence a field is in question (until the policy publishes per-field thresholds). */
export const DEFAULT_FIELD_THRESHOLD = 0.8;

/** The order fields are shown in; fields the engine found beyond these follow alphabetically. */
export const FIELD_ORDER = ['vendor', 'documentNumber', 'issueDate', 'dueDate', 'total', 'subtotal', 'tax', 'currency', 'poNumber', 'vendorAddress', 'vendorTaxId', 'iban'];

export const FIELD_LABELS: Record<string, string> = {
  vendor: 'Vendor',
  vendorAddress: 'Vendor address',
  documentNumber: 'Document number',
  issueDate: 'Issue date',
  dueDate: 'Due date',
  total: 'Total',
  subtotal: 'Subtotal',
  tax: 'Tax',
  currency: 'Currency',
  vendorTaxId: 'Vendor tax ID',
  iban: 'IBAN',
  poNumber: 'PO number',
};

export interface ReviewField {
  name: string;
  label: string;
  field: ExtractedField | null;
  /** Below its threshold, or named by a failing rule or a routing reason. */
  inQuestion: boolean;
  masked: boolean;
}

type Explained = Pick<DocumentDetail, 'fields' | 'rules' | 'route'> & { sensitiveFields?: readonly string[] };

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether a rule or reason speaks of a field: its name or its label as whole words ("total" is not "subtotal"). */
function mentions(text: string, name: string): boolean {
  const words = [name, FIELD_LABELS[name] ?? name, ...(name === 'vendorTaxId' ? ['tax id', 'vat'] : [])];
  return words.some((w) => new RegExp(`\\b${escape(w.toLowerCase())}\\b`).test(text.toLowerCase()));
}

/** What explains the routing: the failing rules' details and the policy's reasons. */
export function explanations(d: Explained, taskReasons: string[] = []): string[] {
  return [...d.rules.filter((r) => !r.passed).map((r) => `${r.id} ${r.detail}`), ...(d.route?.reasons ?? []), ...taskReasons];
}

/**
 * The fields to show, in order, each marked in question or masked. The policy's reasons and the
 * failing rules say which fields fell below their thresholds; only when they name none does a
 * field's own confidence below `threshold` put it in question.
 */
export function reviewFields(d: Explained, taskReasons: string[] = [], threshold = DEFAULT_FIELD_THRESHOLD): ReviewField[] {
  const texts = explanations(d, taskReasons);
  const names = [...FIELD_ORDER.filter((n) => d.fields[n]), ...Object.keys(d.fields).filter((n) => !FIELD_ORDER.includes(n)).sort()];
  const named = new Set(names.filter((n) => texts.some((t) => mentions(t, n))));
  return names.map((name) => {
    const field = d.fields[name] ?? null;
    // A sensitive field nobody asks about is not needed for the decision: masked, and never in question.
    const masked = (d.sensitiveFields ?? []).includes(name) && !named.has(name);
    const lowConfidence = !masked && field !== null && field.confidence < threshold;
    return { name, label: FIELD_LABELS[name] ?? name, field, inQuestion: named.has(name) || (named.size === 0 && lowConfidence), masked };
  });
}

/** Shows only the last four characters of a sensitive value (one rule with the exports). */
export { maskValue } from '../../src-shared/masking.ts';

/** The next field in question after `current` (wrapping), or null when none is. */
export function stepFocus(fields: ReviewField[], current: string | null, step: 1 | -1): string | null {
  const asked = fields.filter((f) => f.inQuestion).map((f) => f.name);
  if (!asked.length) return null;
  const i = current ? asked.indexOf(current) : -1;
  if (i < 0) return step === 1 ? asked[0]! : asked[asked.length - 1]!;
  return asked[(i + step + asked.length) % asked.length]!;
}

/**
 * The page region to show: the union of the boxes of the fields in question on one page, with a
 * margin; the whole page when none has a box.
 */
export function cropRegion(fields: ReviewField[], margin = 0.06): { page: number; box: Box | null } {
  const boxed = fields.filter((f) => f.inQuestion && f.field?.box);
  const anyBoxed = boxed.length ? boxed : fields.filter((f) => f.field?.box);
  if (!anyBoxed.length) return { page: 1, box: null };
  const page = anyBoxed[0]!.field!.page ?? 1;
  const onPage = anyBoxed.filter((f) => (f.field!.page ?? 1) === page).map((f) => f.field!.box!);
  // A full-width band: reviewers read the line a value sits on, not a box cut out of it.
  const y0 = Math.max(0, Math.min(...onPage.map((b) => b[1])) - margin);
  // A crop is at least a third of the page tall, so the context around the field stays legible.
  let y1 = Math.min(1, Math.max(...onPage.map((b) => b[3])) + margin);
  if (y1 - y0 < 0.33) y1 = Math.min(1, y0 + 0.33);
  return { page, box: [0, y0, 1, y1] };
}

/**
 * The region to show while one field has the focus: a band a third of the page tall around it, so
 * the crop follows the reviewer from field to field; the whole crop when the focus has no box there.
 */
export function focusRegion(fields: ReviewField[], focus: string | null, crop: { page: number; box: Box | null }, height = 0.33): Box | null {
  const f = fields.find((x) => x.name === focus)?.field;
  if (!f?.box || (f.page ?? 1) !== crop.page) return crop.box;
  const mid = (f.box[1] + f.box[3]) / 2;
  const h = Math.max(height, f.box[3] - f.box[1] + 0.1);
  const y0 = Math.min(Math.max(0, mid - h / 2), Math.max(0, 1 - h));
  return [0, y0, 1, Math.min(1, y0 + h)];
}

/** The words on a page that fall inside a field's box, to highlight them. */
export function wordsInBox(words: { text: string; box: Box }[], box: Box): { text: string; box: Box }[] {
  const pad = 0.004;
  return words.filter((w) => w.box[0] >= box[0] - pad && w.box[2] <= box[2] + pad && w.box[1] >= box[1] - pad && w.box[3] <= box[3] + pad);
}

/** Corrections to send: only fields whose edited value differs from what the engine recorded. */
export function corrections(fields: Record<string, ExtractedField>, edits: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(edits).filter(([name, value]) => value.trim() !== (fields[name]?.value ?? '')).map(([n, v]) => [n, v.trim()]));
}

export function formatAge(createdAt: string, now = Date.now()): string {
  const mins = Math.max(0, Math.round((now - Date.parse(createdAt)) / 60000));
  if (mins < 60) return `${mins} min`;
  if (mins < 48 * 60) return `${Math.round(mins / 60)} h`;
  return `${Math.round(mins / 1440)} d`;
}
