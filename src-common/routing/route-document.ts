/**
 * Decides auto_approve / review / reject for one document under a policy, with every reason in
 * words a clerk understands. "Not sure" is a real answer: anything below its threshold goes to a
 * person rather than silently taking the most likely value.
 */
import type { DocType, ExtractedField, FieldName, Route, RouteAction, RuleResult } from '../../src-shared/document-model.ts';
import { fieldWord, formatMoney } from '../../src-shared/field-words.ts';
import type { Policy } from '../../src-shared/config/policy-schema.ts';

export interface RouteInput {
  docType: DocType;
  /** Calibrated classifier score for docType, 0..1. */
  docTypeScore: number;
  fields: Partial<Record<FieldName, ExtractedField>>;
  /** Rule results; only `passed: false` counts (a check that could not run fails only when required). */
  rules: (RuleResult & { status?: string })[];
  /** Documents from this vendor seen before this one. */
  vendorHistoryCount: number;
}

export interface RouteDecision extends Route {
  qaSampled: boolean;
  batchApprovable: boolean;
  /** Fields to mask in the reviewer UI. */
  sensitiveFields: FieldName[];
}

const ARTICLE: Partial<Record<DocType, string>> = { invoice: 'an invoice', receipt: 'a receipt', other: 'some other document', purchase_order: 'a purchase order' };
const PLURAL: Partial<Record<DocType, string>> = { invoice: 'invoices', receipt: 'receipts', credit_note: 'credit notes', purchase_order: 'purchase orders', bank_statement: 'bank statements' };

const docWord = (t: DocType) => ARTICLE[t] ?? `a ${t.replace(/_/g, ' ')}`;
const docPlural = (t: DocType) => PLURAL[t] ?? `${t.replace(/_/g, ' ')} documents`;
const pct = (r: number) => `${Math.round(r * 1000) / 10}%`;
const score2 = (n: number) => n.toFixed(2);

/**
 * The document's confidence for QA banding: the lowest of the class score and the confidences of
 * the fields the policy requires.
 */
export function documentConfidence(input: RouteInput, policy: Policy): number {
  const p = policy.docTypes[input.docType];
  let c = input.docTypeScore;
  for (const name of Object.keys(p?.requiredFields ?? {}) as FieldName[]) c = Math.min(c, input.fields[name]?.confidence ?? 0);
  return c;
}

/** The QA sampling rate for an auto-approved document and the stratum it came from. */
export function qaRate(input: RouteInput, policy: Policy): { rate: number; why: string } {
  const p = policy.docTypes[input.docType];
  if (!p) return { rate: 0, why: '' };
  const qa = p.qaSampling;
  const options: { rate: number; why: string }[] = [{ rate: qa.rate, why: `${pct(qa.rate)} of auto-approved ${docPlural(input.docType)}` }];
  const conf = documentConfidence(input, policy);
  const band = [...qa.confidenceBands].sort((a, b) => a.below - b.below).find((b) => conf < b.below);
  if (band) options.push({ rate: band.rate, why: `${pct(band.rate)} of those with confidence under ${score2(band.below)}` });
  if (qa.newVendor && input.vendorHistoryCount < qa.newVendor.fewerThan) {
    const seen = input.vendorHistoryCount === 0 ? 'a vendor not seen before' : `a vendor seen only ${input.vendorHistoryCount} time(s) before`;
    options.push({ rate: qa.newVendor.rate, why: `${pct(qa.newVendor.rate)} of those from ${seen}` });
  }
  return options.reduce((a, b) => (b.rate > a.rate ? b : a));
}

export function routeDocument(input: RouteInput, policy: Policy, rng: () => number): RouteDecision {
  const reasons: string[] = [];
  const base = { policyVersion: policy.version, sensitiveFields: policy.sensitiveFields };
  const p = policy.docTypes[input.docType];
  if (!p) {
    return {
      ...base,
      action: policy.otherDocTypes,
      reasons: [`There is no policy for ${docPlural(input.docType)}, so every one goes to ${policy.otherDocTypes === 'reject' ? 'rejection' : 'a reviewer'}.`],
      qaSampled: false,
      batchApprovable: false,
    };
  }
  let reject = false;
  let review = false;

  if (input.docTypeScore < p.classThreshold) {
    review = true;
    reasons.push(`Not sure this is ${docWord(input.docType)} (score ${score2(input.docTypeScore)}, needs ${score2(p.classThreshold)}).`);
  }

  for (const [name, threshold] of Object.entries(p.requiredFields) as [FieldName, number][]) {
    const f = input.fields[name];
    const word = fieldWord(name);
    if (!f || f.value.trim() === '') {
      review = true;
      reasons.push(`The ${word} was not found; someone needs to read it off the document.`);
    } else if (f.confidence < threshold) {
      review = true;
      reasons.push(`Not sure about the ${word} "${f.value}" (confidence ${score2(f.confidence)}, needs ${score2(threshold)}).`);
    }
  }

  for (const r of input.rules) {
    // The rules engine marks a check it could not run as passed unless the rule is required.
    if (r.passed) continue;
    const action = p.ruleActions[r.id] ?? p.severityActions[r.severity ?? 'error'];
    if (action === 'ignore') continue;
    if (action === 'reject') {
      reject = true;
      reasons.push(`Rejected: ${r.detail}`);
    } else {
      review = true;
      reasons.push(`Check failed: ${r.detail}`);
    }
  }

  const total = input.fields.total ? Number(input.fields.total.value) : undefined;
  const currency = input.fields.currency?.value ?? policy.currencyLabel;
  const money = (n: number) => (currency ? `${currency} ${formatMoney(n)}` : formatMoney(n));
  if (total !== undefined && Number.isFinite(total)) {
    if (p.rejectAbove !== undefined && total > p.rejectAbove) {
      reject = true;
      reasons.push(`Total ${money(total)} is over the ${formatMoney(p.rejectAbove)} limit for ${docPlural(input.docType)}, so it is rejected.`);
    } else if (p.reviewAbove !== undefined && total > p.reviewAbove) {
      review = true;
      reasons.push(`Total ${money(total)} is over the ${formatMoney(p.reviewAbove)} review limit for ${docPlural(input.docType)}.`);
    }
  }

  if (!p.autoApprove && !reject && !review) {
    review = true;
    reasons.push(`Auto-approval is switched off for ${docPlural(input.docType)}.`);
  }

  let action: RouteAction = reject ? 'reject' : review ? 'review' : 'auto_approve';
  let qaSampled = false;
  if (action === 'auto_approve') {
    const { rate, why } = qaRate(input, policy);
    // One draw per auto-approved document; replayPolicy pins it so two policies see the same luck.
    const draw = rng();
    if (draw < rate) {
      qaSampled = true;
      action = 'review';
      reasons.push(`Picked at random for a quality check (${why}); it would otherwise be approved automatically.`);
    } else {
      reasons.push(`All checks passed under policy ${policy.version}; approved automatically.`);
    }
  }

  const underBatchLimit = p.batchApprove.maxTotal === undefined || (total !== undefined && total <= p.batchApprove.maxTotal);
  const batchApprovable = p.batchApprove.enabled && underBatchLimit && (action === 'auto_approve' || (action === 'review' && qaSampled));
  return { ...base, action, reasons, qaSampled, batchApprovable };
}
