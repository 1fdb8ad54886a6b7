/**
 * Judging rules of the corpus README as pure functions: field equality per field kind,
 * doc-type accuracy and macro-F1, expected calibration error, character error rate and the
 * auto-approved error rate. No I/O; the eval runner feeds them.
 */
import type { FieldName } from '../../src-shared/document-model.ts';

export type FieldKind = 'amount' | 'date' | 'id' | 'vendor' | 'text';

const FIELD_KINDS: Record<FieldName, FieldKind> = {
  total: 'amount',
  subtotal: 'amount',
  tax: 'amount',
  issueDate: 'date',
  dueDate: 'date',
  documentNumber: 'id',
  vendorTaxId: 'id',
  iban: 'id',
  poNumber: 'id',
  vendor: 'vendor',
  vendorAddress: 'text',
  currency: 'id',
};

export function fieldKind(field: FieldName): FieldKind {
  return FIELD_KINDS[field];
}

/** Parses a normalised or loosely written amount into integer cents; null when it is not a number. */
export function amountToCents(value: string): number | null {
  const cleaned = value.replace(/[^\d.,-]/g, '');
  if (!/\d/.test(cleaned)) return null;
  const n = Number(cleaned.replace(/,(?=\d{3}\b)/g, '').replace(',', '.'));
  return Number.isFinite(n) ? Math.round(n * 100) : null;
}

/** A date as yyyy-mm-dd, whatever time part follows; null when it is not a valid calendar date. */
export function dateKey(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value.trim());
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return Number.isNaN(d.getTime()) || d.getUTCDate() !== Number(m[3]) ? null : `${m[1]}-${m[2]}-${m[3]}`;
}

/** Identifier comparison key: spaces and punctuation removed, case folded. */
export function idKey(value: string): string {
  return value.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]/gu, '');
}

/** Vendor comparison key: case folded, punctuation removed, whitespace collapsed. */
export function vendorKey(value: string): string {
  return value
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Whether a predicted field value matches the label under the README's rules.
 * Vendors also match when one contains the other (labels sometimes give only the brand); the
 * contained side must have at least 3 characters so an empty or one-letter guess never matches.
 */
export function fieldMatches(field: FieldName, predicted: string | undefined | null, expected: string): boolean {
  if (predicted === undefined || predicted === null) return false;
  switch (FIELD_KINDS[field]) {
    case 'amount': {
      // The corpus judges credit notes by magnitude: a page may print -8.79 where the label says 8.79, or the reverse.
      const p = amountToCents(predicted);
      const e = amountToCents(expected);
      return p !== null && e !== null && Math.abs(p) === Math.abs(e);
    }
    case 'date': {
      const p = dateKey(predicted);
      return p !== null && p === dateKey(expected);
    }
    case 'id': {
      const p = idKey(predicted);
      return p.length > 0 && p === idKey(expected);
    }
    case 'vendor': {
      const p = vendorKey(predicted);
      const e = vendorKey(expected);
      if (p.length === 0 || e.length === 0) return false;
      if (p === e) return true;
      const pc = p.replace(/ /g, '');
      const ec = e.replace(/ /g, '');
      if (pc === ec) return true;
      return (pc.length >= 3 && ec.includes(pc)) || (ec.length >= 3 && pc.includes(ec));
    }
    case 'text':
      return vendorKey(predicted).replace(/ /g, '') === vendorKey(expected).replace(/ /g, '');
  }
}

export interface FieldScore {
  field: FieldName;
  /** Documents whose label has this field. */
  labelled: number;
  matched: number;
  /** Labelled documents where the engine gave no value. */
  missing: number;
  exactMatch: number;
}

/** Per-field exact match over documents; only fields the label has are counted. */
export function scoreFields(
  docs: { predicted: Partial<Record<FieldName, string>>; expected: Partial<Record<FieldName, string>> }[],
): FieldScore[] {
  const scores = new Map<FieldName, FieldScore>();
  for (const doc of docs) {
    for (const [name, expected] of Object.entries(doc.expected) as [FieldName, string][]) {
      const s = scores.get(name) ?? { field: name, labelled: 0, matched: 0, missing: 0, exactMatch: 0 };
      s.labelled++;
      const predicted = doc.predicted[name];
      if (predicted === undefined) s.missing++;
      else if (fieldMatches(name, predicted, expected)) s.matched++;
      scores.set(name, s);
    }
  }
  return [...scores.values()].map((s) => ({ ...s, exactMatch: s.labelled ? s.matched / s.labelled : 0 }));
}

export interface ClassificationScore {
  accuracy: number;
  macroF1: number;
  perClass: Record<string, { precision: number; recall: number; f1: number; support: number }>;
}

/** Doc-type accuracy and macro-F1 over the classes that occur in labels or predictions. */
export function classificationScore(pairs: { predicted: string; expected: string }[]): ClassificationScore {
  const classes = new Set<string>();
  for (const p of pairs) {
    classes.add(p.predicted);
    classes.add(p.expected);
  }
  const perClass: ClassificationScore['perClass'] = {};
  let f1Sum = 0;
  for (const c of classes) {
    const tp = pairs.filter((p) => p.predicted === c && p.expected === c).length;
    const fp = pairs.filter((p) => p.predicted === c && p.expected !== c).length;
    const fn = pairs.filter((p) => p.predicted !== c && p.expected === c).length;
    const precision = tp + fp ? tp / (tp + fp) : 0;
    const recall = tp + fn ? tp / (tp + fn) : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perClass[c] = { precision, recall, f1, support: tp + fn };
    f1Sum += f1;
  }
  const correct = pairs.filter((p) => p.predicted === p.expected).length;
  return {
    accuracy: pairs.length ? correct / pairs.length : 0,
    macroF1: classes.size ? f1Sum / classes.size : 0,
    perClass,
  };
}

/**
 * Expected calibration error with equal-width confidence bins (10 by default): the
 * sample-weighted mean gap between mean confidence and accuracy in each bin.
 */
export function expectedCalibrationError(samples: { confidence: number; correct: boolean }[], bins = 10): number {
  if (samples.length === 0) return 0;
  const count = new Array<number>(bins).fill(0);
  const confSum = new Array<number>(bins).fill(0);
  const correctSum = new Array<number>(bins).fill(0);
  for (const s of samples) {
    const c = Math.min(1, Math.max(0, s.confidence));
    const b = Math.min(bins - 1, Math.floor(c * bins));
    count[b]!++;
    confSum[b]! += c;
    correctSum[b]! += s.correct ? 1 : 0;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    const n = count[b]!;
    if (n === 0) continue;
    ece += (n / samples.length) * Math.abs(confSum[b]! / n - correctSum[b]! / n);
  }
  return ece;
}

/** Levenshtein distance over code points, two rows of memory: O(n·m) time, O(min(n, m)) space. */
export function levenshtein(a: string, b: string): number {
  let s = [...a];
  let t = [...b];
  if (s.length < t.length) [s, t] = [t, s];
  if (t.length === 0) return s.length;
  let prev = new Uint32Array(t.length + 1);
  let curr = new Uint32Array(t.length + 1);
  for (let j = 0; j <= t.length; j++) prev[j] = j;
  for (let i = 1; i <= s.length; i++) {
    curr[0] = i;
    const si = s[i - 1];
    for (let j = 1; j <= t.length; j++) {
      const cost = si === t[j - 1] ? 0 : 1;
      const del = prev[j]! + 1;
      const ins = curr[j - 1]! + 1;
      const sub = prev[j - 1]! + cost;
      curr[j] = del < ins ? (del < sub ? del : sub) : ins < sub ? ins : sub;
    }
    [prev, curr] = [curr, prev];
  }
  return prev[t.length]!;
}

export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Character error rate: edit distance over the reference length, after collapsing whitespace. */
export function characterErrorRate(predicted: string, reference: string): number {
  const p = collapseWhitespace(predicted);
  const r = collapseWhitespace(reference);
  if (r.length === 0) return p.length === 0 ? 0 : 1;
  return levenshtein(p, r) / [...r].length;
}

export interface AutoApprovedOutcome {
  action: 'auto_approve' | 'review' | 'reject';
  predictedDocType: string;
  expectedDocType?: string;
  predictedTotal?: string;
  expectedTotal?: string;
}

/**
 * Share of auto-approved documents that were wrong: wrong doc type, or a labelled total the
 * engine got wrong. Returns the counts too, since a rate over three documents means little.
 */
export function autoApprovedErrorRate(outcomes: AutoApprovedOutcome[]): {
  autoApproved: number;
  wrong: number;
  rate: number;
} {
  const approved = outcomes.filter((o) => o.action === 'auto_approve');
  const wrong = approved.filter((o) => {
    if (o.expectedDocType !== undefined && o.predictedDocType !== o.expectedDocType) return true;
    if (o.expectedTotal !== undefined && !fieldMatches('total', o.predictedTotal, o.expectedTotal)) return true;
    return false;
  }).length;
  return { autoApproved: approved.length, wrong, rate: approved.length ? wrong / approved.length : 0 };
}

export interface ReliabilityBin {
  /** Bin bounds on confidence, [from, to). */
  from: number;
  to: number;
  count: number;
  meanConfidence: number;
  /** Share of the bin's samples that were right. */
  accuracy: number;
}

/** The reliability diagram as a table: equal-width bins (10 by default), empty bins left out. */
export function reliabilityBins(samples: { confidence: number; correct: boolean }[], bins = 10): ReliabilityBin[] {
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const inBin = samples.filter((s) => Math.min(bins - 1, Math.floor(Math.min(1, Math.max(0, s.confidence)) * bins)) === b);
    if (!inBin.length) continue;
    out.push({
      from: b / bins,
      to: (b + 1) / bins,
      count: inBin.length,
      meanConfidence: inBin.reduce((a, s) => a + s.confidence, 0) / inBin.length,
      accuracy: inBin.filter((s) => s.correct).length / inBin.length,
    });
  }
  return out;
}
