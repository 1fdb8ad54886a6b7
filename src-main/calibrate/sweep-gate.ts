/**
 * Chooses auto-approve thresholds from an eval report (`countersign eval --half training --json`):
 * re-applies a calibration to each document's raw field confidences, re-routes it under the policy
 * with candidate thresholds for one doc type, and counts what would be approved and how much of
 * that was wrong (wrong type or wrong total, as the eval counts it). No engine runs.
 * Run: npx tsx src-main/calibrate/sweep-gate.ts REPORT.json [--policy FILE] [--type receipt]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DocType, ExtractedField, FieldName } from '../../src-shared/document-model.ts';
import { clopperPearsonUpper } from '../eval/binomial.ts';
import { fieldMatches } from '../eval/metrics.ts';
import type { DocumentOutcome } from '../eval/run-eval.ts';
import { loadPolicy, type Policy } from '../route/policy.ts';
import { routeDocument } from '../../src-common/routing/route-document.ts';
import { calibrateFields, loadPolicyCalibration, type Calibration } from '../../src-common/routing/field-calibration.ts';

export interface GateResult {
  thresholds: Partial<Record<FieldName, number>>;
  classThreshold: number;
  documents: number;
  approved: number;
  wrong: number;
  upper95: number;
}

/** Routes every document of `docType` under the policy with the given thresholds (QA sampling off). */
export function gateOutcome(docs: DocumentOutcome[], policy: Policy, calibration: Calibration | null, docType: DocType, thresholds: Partial<Record<FieldName, number>>, classThreshold?: number): GateResult {
  const base = policy.docTypes[docType];
  if (!base) throw new Error(`The policy has no ${docType} section`);
  const p: Policy = {
    ...policy,
    docTypes: { ...policy.docTypes, [docType]: { ...base, requiredFields: { ...base.requiredFields, ...thresholds }, classThreshold: classThreshold ?? base.classThreshold } },
  };
  let documents = 0;
  let approved = 0;
  let wrong = 0;
  for (const d of docs) {
    if (d.docType?.label !== docType || d.status !== 'processed') continue;
    documents++;
    const raw = Object.fromEntries(Object.entries(d.fields).map(([k, f]) => [k, { value: f.value, confidence: f.rawConfidence }])) as Partial<Record<FieldName, ExtractedField>>;
    const fields = calibration ? calibrateFields(raw, calibration, d.textSource) : raw;
    // Rules as recorded, except required-fields, which the thresholds do not change.
    const route = routeDocument({ docType, docTypeScore: d.docType.score, fields, rules: d.rules, vendorHistoryCount: 0 }, p, () => 0.999);
    if (route.action !== 'auto_approve') continue;
    approved++;
    const expectedTotal = d.expected.fields?.total;
    if ((d.expected.docType && d.expected.docType !== docType) || (expectedTotal !== undefined && !fieldMatches('total', fields.total?.value, expectedTotal))) wrong++;
  }
  return { thresholds, classThreshold: p.docTypes[docType]!.classThreshold, documents, approved, wrong, upper95: clopperPearsonUpper(wrong, approved) };
}

function main(): void {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const file = process.argv[2];
  if (!file) throw new Error('Usage: sweep-gate.ts REPORT.json [--policy FILE] [--type receipt]');
  const policyFile = resolve(arg('--policy') ?? resolve(import.meta.dirname, '../../resources/policies/default.yaml'));
  const policy = loadPolicy(policyFile);
  const calibration = loadPolicyCalibration(policyFile, policy);
  const docType = (arg('--type') ?? 'receipt') as DocType;
  const docs = (JSON.parse(readFileSync(file, 'utf8')) as { documents: DocumentOutcome[] }).documents;
  const grid = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.96, 0.97, 0.98];
  console.log(`${docType}: calibration ${calibration?.version ?? 'none'}, policy ${policy.version}`);
  console.log('total   issueDate vendor  class | docs approved wrong  upper95');
  for (const total of grid) {
    for (const issueDate of [0, 0.5, 0.8, 0.9]) {
      for (const vendor of [0, 0.5, 0.8, 0.9]) {
        const r = gateOutcome(docs, policy, calibration, docType, { total, issueDate, vendor });
        console.log(`${total.toFixed(2).padEnd(7)} ${issueDate.toFixed(2).padEnd(9)} ${vendor.toFixed(2).padEnd(7)} ${r.classThreshold.toFixed(2)} | ${String(r.documents).padStart(4)} ${String(r.approved).padStart(8)} ${String(r.wrong).padStart(5)}  ${(r.upper95 * 100).toFixed(1)}%`);
      }
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) main();
