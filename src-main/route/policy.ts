/**
 * Routing policy as versioned data: per doc type, when a document may be auto-approved, when it
 * goes to a reviewer and when it is rejected; how many auto-approved ones are still sampled for
 * review; which fields are sensitive.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DocTypeSchema, FieldNameSchema } from '../../src-shared/document-model.ts';
import { DEFAULT_DRIFT_POLICY, DriftPolicySchema } from '../../src-shared/insights.ts';
import { describeIssue } from '../rules/rule-set.ts';
import { RetentionPolicySchema } from '../retention/retention.ts';

const rate = z.number().min(0).max(1);
const RuleActionSchema = z.enum(['review', 'reject', 'ignore']);

const QaSamplingSchema = z.strictObject({
  /** Rate by the document's confidence (the lowest of class score and required-field confidences). */
  confidenceBands: z
    .array(z.strictObject({ below: z.number().min(0).max(1.000001), rate }))
    .default([]),
  /** Base rate for this doc type. */
  rate: rate.default(0),
  /** Vendors seen fewer than `fewerThan` times before get this rate. */
  newVendor: z.strictObject({ fewerThan: z.number().int().min(1), rate }).optional(),
});

const DocTypePolicySchema = z.strictObject({
  /** Classifier score needed to trust the doc type. */
  classThreshold: rate,
  /** Fields that must be present, with the confidence each needs. */
  requiredFields: z.partialRecord(FieldNameSchema, rate).default({}),
  /** Totals over this go to review. */
  reviewAbove: z.number().positive().optional(),
  /** Totals over this are rejected outright. */
  rejectAbove: z.number().positive().optional(),
  /** What a failed rule does, by rule id; unlisted rules follow their severity. */
  ruleActions: z.record(z.string(), RuleActionSchema).default({}),
  /** Unlisted failed rules: by severity. */
  severityActions: z
    .strictObject({ error: RuleActionSchema.default('review'), warning: RuleActionSchema.default('review'), info: RuleActionSchema.default('ignore') })
    .default({ error: 'review', warning: 'review', info: 'ignore' }),
  /** Whether reviewers may approve these in a batch, and up to which total. */
  batchApprove: z.strictObject({ enabled: z.boolean(), maxTotal: z.number().positive().optional() }).default({ enabled: false }),
  qaSampling: QaSamplingSchema.default({ confidenceBands: [], rate: 0 }),
  /** Auto-approval can be switched off for a doc type. */
  autoApprove: z.boolean().default(true),
});
export type DocTypePolicy = z.infer<typeof DocTypePolicySchema>;

export const PolicySchema = z.strictObject({
  version: z.union([z.string(), z.number()]).transform(String),
  description: z.string().optional(),
  /** Fields masked in the reviewer UI unless the reviewer asks to see them. */
  sensitiveFields: z.array(FieldNameSchema).default([]),
  docTypes: z.partialRecord(DocTypeSchema, DocTypePolicySchema),
  /** Doc types without their own policy: always a reviewer. */
  otherDocTypes: z.enum(['review', 'reject']).default('review'),
  /** Amounts in reasons are written with this currency code when the document has none. */
  currencyLabel: z.string().optional(),
  /**
   * Field calibration file, relative to the policy file (src-main/calibrate): the thresholds above
   * compare against calibrated confidences, so the two are set and versioned together.
   */
  calibration: z.string().optional(),
  /** How long originals, text and field values are kept, per doc type (`countersign retention apply`). */
  retention: RetentionPolicySchema,
  /** Drift alert thresholds (src-main/insights): class and confidence PSI against the model reference, rising rates, QA error rate. */
  drift: DriftPolicySchema.default(DEFAULT_DRIFT_POLICY),
});
export type Policy = z.infer<typeof PolicySchema>;

export class PolicyError extends Error {
  override name = 'PolicyError';
}

export function parsePolicy(data: unknown, source = 'policy'): Policy {
  const result = PolicySchema.safeParse(data);
  if (!result.success) throw new PolicyError(describeIssue(result.error, source));
  return result.data;
}

export function loadPolicy(file: string): Policy {
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new PolicyError(`${file}: cannot read the policy: ${(err as Error).message}`);
  }
  return parsePolicy(data, file);
}
