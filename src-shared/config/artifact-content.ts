import type { z } from 'zod';
import { ModelAssignmentSchema } from '../model-package.ts';
import { describeIssue } from './describe-issue.ts';
import { PolicySchema } from './policy-schema.ts';
import { RuleSetSchema } from './rule-set-schema.ts';
import { VendorTemplateSchema } from './vendor-template-schema.ts';

/** The schema each kind of configuration artifact must satisfy: the ones the engine parses them with. */
const SCHEMAS: Record<string, z.ZodType | undefined> = {
  policy: PolicySchema,
  ruleSet: RuleSetSchema,
  template: VendorTemplateSchema,
  modelAssignment: ModelAssignmentSchema,
};

/**
 * Why an artifact's content would not load on a device, or null when it would (model assignments
 * load with the model service's schema).
 */
export function artifactContentProblem(kind: string, name: string, content: unknown): string | null {
  const schema = SCHEMAS[kind];
  if (!schema) return null;
  const r = schema.safeParse(content);
  return r.success ? null : describeIssue(r.error, `${kind} ${name}`);
}
