/**
 * Routing policy as versioned data: per doc type, when a document may be auto-approved, when it
 * goes to a reviewer and when it is rejected; how many auto-approved ones are still sampled for
 * review; which fields are sensitive.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describeIssue } from '../../src-shared/config/describe-issue.ts';

export { PolicySchema, type DocTypePolicy, type Policy } from '../../src-shared/config/policy-schema.ts';
import { PolicySchema, type Policy } from '../../src-shared/config/policy-schema.ts';

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
