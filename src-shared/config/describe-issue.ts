import type { z } from 'zod';

/** Formats the first zod issue as "where: what", naming the bad key. */
export function describeIssue(error: z.ZodError, source: string): string {
  const issue = error.issues[0]!;
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(top level)';
  const keys = issue.code === 'unrecognized_keys' ? ` unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}:` : '';
  return `${source}: ${path}:${keys} ${issue.message}`;
}
