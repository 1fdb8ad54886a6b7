import type { ExtractedField, FieldName } from '../../src-shared/document-model.ts';
import type { Policy } from '../route/policy.ts';
import { replayPolicy, type RecordedDocument, type RecordedOutcome, type ReplayCalibrations, type ReplayReport } from '../route/replay-policy.ts';
import type { Db } from '../store/database.ts';
import { ReplayRepo } from '../store/replay-repo.ts';

/**
 * What the engine concluded for each processed document, as it was before any reviewer touched it,
 * plus what the reviewer then decided: the input policy replay needs.
 */
export function recordedDocuments(db: Db): RecordedDocument[] {
  const vendorSeen = new Map<string, number>();
  return new ReplayRepo(db).conclusions().map((d) => {
    const fields: Partial<Record<FieldName, ExtractedField>> = {};
    // The note keeps the raw confidence of a calibrated field, so replay can calibrate it again.
    for (const f of d.fields) fields[f.field] = { value: f.value, confidence: f.confidence, ...(f.pageNo ? { page: f.pageNo } : {}), ...(f.note ? { note: f.note } : {}) };
    const vendor = fields.vendor?.value.toLowerCase();
    const seen = vendor ? (vendorSeen.get(vendor) ?? 0) : 0;
    if (vendor) vendorSeen.set(vendor, seen + 1);
    const outcome: RecordedOutcome | undefined = d.decision === 'approve' ? 'approved_unchanged' : d.decision === 'correct' ? 'corrected' : d.decision === 'reject' ? 'rejected' : undefined;
    return {
      documentId: String(d.id),
      ...(d.textSource ? { textSource: d.textSource } : {}),
      docType: d.docType,
      docTypeScore: d.docTypeScore,
      fields,
      rules: d.rules,
      vendorHistoryCount: seen,
      ...(outcome ? { outcome } : {}),
    };
  });
}

export function replayRecorded(db: Db, candidate: Policy, current: Policy, rng: () => number, calibrations: ReplayCalibrations = {}): ReplayReport {
  return replayPolicy(recordedDocuments(db), candidate, current, rng, calibrations);
}

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
