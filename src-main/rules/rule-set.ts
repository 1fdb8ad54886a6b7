/**
 * Rule sets as versioned data: each rule has an id, a kind with its own params, a severity, the
 * doc types it applies to, and whether "could not check" counts as a failure.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

export { RuleSchema, RuleSetSchema, type Rule, type RuleKind, type RuleSet } from '../../src-shared/config/rule-set-schema.ts';
export { describeIssue } from '../../src-shared/config/describe-issue.ts';
import { RuleSetSchema, type RuleSet } from '../../src-shared/config/rule-set-schema.ts';
import { describeIssue } from '../../src-shared/config/describe-issue.ts';

export class RuleSetError extends Error {
  override name = 'RuleSetError';
}

export function parseRuleSet(data: unknown, source = 'rule set'): RuleSet {
  const result = RuleSetSchema.safeParse(data);
  if (!result.success) throw new RuleSetError(describeIssue(result.error, source));
  return result.data;
}

export function loadRuleSet(file: string): RuleSet {
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new RuleSetError(`${file}: cannot read the rule set: ${(err as Error).message}`);
  }
  return parseRuleSet(data, file);
}
