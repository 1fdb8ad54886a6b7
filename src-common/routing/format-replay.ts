import type { ReplayReport } from './replay-policy.ts';

/** A replay report as a clerk reads it: shares before and after, per doc type, and the route changes. */
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function formatReplay(r: ReplayReport): string {
  const lines = [`Policy replay: current ${r.currentVersion} → candidate ${r.candidateVersion}`, ''];
  const row = (name: string, g: ReplayReport['overall']) => {
    const err = (e: typeof g.currentError) => (e.estimatedErrorRate === null ? 'n/a' : `${pct(e.estimatedErrorRate)} (${e.errors}/${e.withOutcome} reviewed)`);
    return `${name.padEnd(16)} ${String(g.current.documents).padStart(5)}  auto ${pct(g.current.shares.auto_approve).padStart(6)} → ${pct(g.candidate.shares.auto_approve).padStart(6)}  review ${pct(g.current.shares.review).padStart(6)} → ${pct(g.candidate.shares.review).padStart(6)}  reject ${pct(g.current.shares.reject).padStart(6)} → ${pct(g.candidate.shares.reject).padStart(6)}  changed ${String(g.changed).padStart(4)}  est. error among auto-approved ${err(g.currentError)} → ${err(g.candidateError)}`;
  };
  lines.push(row('all', r.overall));
  for (const [t, g] of Object.entries(r.byDocType)) lines.push(row(t, g!));
  if (r.transitions.length) {
    lines.push('', 'Route changes:');
    for (const t of r.transitions) lines.push(`  ${t.from} → ${t.to}: ${t.count}`);
  } else lines.push('', 'No document would be routed differently.');
  return `${lines.join('\n')}\n`;
}
