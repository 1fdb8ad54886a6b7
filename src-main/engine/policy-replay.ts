import type { ExtractedField, FieldName } from '../../src-shared/document-model.ts';
import type { Policy } from '../route/policy.ts';
import { replayPolicy, type RecordedDocument, type RecordedOutcome, type ReplayCalibrations, type ReplayReport } from '../../src-common/routing/replay-policy.ts';
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
      ...(d.sha256 ? { sha256: d.sha256 } : {}),
      ...(d.route ? { recorded: d.route } : {}),
      ...(d.textSource ? { textSource: d.textSource } : {}),
      docType: d.docType,
      docTypeScore: d.docTypeScore,
      fields,
      // The severity decides what a failed rule does under a policy: a failed warning stays a warning.
      rules: d.rules,
      vendorHistoryCount: seen,
      ...(outcome ? { outcome } : {}),
    };
  });
}

export function replayRecorded(db: Db, candidate: Policy, current: Policy, rng: () => number, calibrations: ReplayCalibrations = {}): ReplayReport {
  return replayPolicy(recordedDocuments(db), candidate, current, rng, calibrations);
}

export { formatReplay } from '../../src-common/routing/format-replay.ts';
