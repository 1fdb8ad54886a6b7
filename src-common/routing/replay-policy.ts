/**
 * Policy replay: routes recorded documents under the current and a candidate policy and reports
 * how the shares of auto-approve / review / reject move, how many routes change, and the
 * estimated error among auto-approved documents from what reviewers later decided.
 */
import type { DocType, ExtractedField, FieldName, RouteAction, RuleResult, TextSource } from '../../src-shared/document-model.ts';
import { calibrateFields, rawConfidenceOf, type Calibration } from './field-calibration.ts';
import type { Policy } from '../../src-shared/config/policy-schema.ts';
import { rngForDocument } from './seeded-rng.ts';
import { routeDocument } from './route-document.ts';

/** What a reviewer (or later events) said about the document; absent when nobody looked. */
export type RecordedOutcome = 'approved_unchanged' | 'corrected' | 'rejected';

export interface RecordedDocument {
  documentId: string;
  /** Given, the candidate draws QA samples as live routing does: a stream seeded by the document and the policy version. */
  sha256?: string;
  /** The route taken when the document was processed: "current" is what happened, not a recomputation. */
  recorded?: { action: RouteAction; policyVersion: string };
  /** Where the text came from: a calibration applies to its own source only. */
  textSource?: TextSource;
  docType: DocType;
  docTypeScore: number;
  fields: Partial<Record<FieldName, ExtractedField>>;
  rules: (RuleResult & { status?: string })[];
  vendorHistoryCount: number;
  outcome?: RecordedOutcome;
}

export interface RouteShares {
  documents: number;
  auto_approve: number;
  review: number;
  reject: number;
  /** Shares 0..1 of the three actions. */
  shares: Record<RouteAction, number>;
}

export interface AutoApproveError {
  autoApproved: number;
  /** Auto-approved documents whose outcome is known. */
  withOutcome: number;
  /** Of those, corrected or rejected by a reviewer. */
  errors: number;
  /** errors / withOutcome; null when no outcome is known. */
  estimatedErrorRate: number | null;
}

export interface ReplayGroup {
  current: RouteShares;
  candidate: RouteShares;
  changed: number;
  currentError: AutoApproveError;
  candidateError: AutoApproveError;
}

export interface ReplayReport {
  currentVersion: string;
  candidateVersion: string;
  overall: ReplayGroup;
  byDocType: Partial<Record<DocType, ReplayGroup>>;
  /** Counts of route changes, e.g. { from: 'review', to: 'auto_approve', count: 12 }. */
  transitions: { from: RouteAction; to: RouteAction; count: number }[];
}

function emptyShares(): RouteShares {
  return { documents: 0, auto_approve: 0, review: 0, reject: 0, shares: { auto_approve: 0, review: 0, reject: 0 } };
}
function emptyError(): AutoApproveError {
  return { autoApproved: 0, withOutcome: 0, errors: 0, estimatedErrorRate: null };
}
function emptyGroup(): ReplayGroup {
  return { current: emptyShares(), candidate: emptyShares(), changed: 0, currentError: emptyError(), candidateError: emptyError() };
}

function count(s: RouteShares, action: RouteAction): void {
  s.documents++;
  s[action]++;
}
function countError(e: AutoApproveError, action: RouteAction, outcome: RecordedOutcome | undefined): void {
  if (action !== 'auto_approve') return;
  e.autoApproved++;
  if (!outcome) return;
  e.withOutcome++;
  if (outcome !== 'approved_unchanged') e.errors++;
}
function finish(g: ReplayGroup): void {
  for (const s of [g.current, g.candidate]) {
    for (const a of ['auto_approve', 'review', 'reject'] as const) s.shares[a] = s.documents ? s[a] / s.documents : 0;
  }
  for (const e of [g.currentError, g.candidateError]) e.estimatedErrorRate = e.withOutcome ? e.errors / e.withOutcome : null;
}

/** Each policy's calibration: given, the recorded fields are re-calibrated from their raw confidences before routing. */
export interface ReplayCalibrations {
  current?: Calibration | null;
  candidate?: Calibration | null;
}

function fieldsUnder(doc: RecordedDocument, calibration: Calibration | null | undefined): RecordedDocument {
  if (calibration === undefined) return doc;
  const raw = Object.fromEntries(Object.entries(doc.fields).map(([k, f]) => [k, { ...f, confidence: rawConfidenceOf(f) }])) as RecordedDocument['fields'];
  return { ...doc, fields: calibration ? calibrateFields(raw, calibration, doc.textSource) : raw };
}

export function replayPolicy(records: RecordedDocument[], candidate: Policy, current: Policy, rng: () => number, calibrations: ReplayCalibrations = {}): ReplayReport {
  const overall = emptyGroup();
  const byDocType: Partial<Record<DocType, ReplayGroup>> = {};
  const transitions = new Map<string, number>();
  const recordedVersions = new Set<string>();
  for (const doc of records) {
    // Without the document's hash: one random draw per document, shared by both policies, so QA
    // sampling differences come from the policies and not from luck.
    const draw = rng();
    const fixed = () => draw;
    if (doc.recorded) recordedVersions.add(doc.recorded.policyVersion);
    const before = doc.recorded?.action ?? routeDocument(fieldsUnder(doc, calibrations.current), current, fixed).action;
    const after = routeDocument(fieldsUnder(doc, calibrations.candidate), candidate, doc.sha256 ? rngForDocument(doc.sha256, candidate.version) : fixed).action;
    const group = (byDocType[doc.docType] ??= emptyGroup());
    for (const g of [overall, group]) {
      count(g.current, before);
      count(g.candidate, after);
      if (before !== after) g.changed++;
      countError(g.currentError, before, doc.outcome);
      countError(g.candidateError, after, doc.outcome);
    }
    if (before !== after) transitions.set(`${before}>${after}`, (transitions.get(`${before}>${after}`) ?? 0) + 1);
  }
  finish(overall);
  for (const g of Object.values(byDocType)) finish(g!);
  return {
    currentVersion: recordedVersions.size ? [...recordedVersions].sort().join(', ') : current.version,
    candidateVersion: candidate.version,
    overall,
    byDocType,
    transitions: [...transitions.entries()]
      .map(([k, n]) => {
        const [from, to] = k.split('>') as [RouteAction, RouteAction];
        return { from, to, count: n };
      })
      .sort((a, b) => b.count - a.count),
  };
}
