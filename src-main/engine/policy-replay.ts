import type { DocType, ExtractedField, FieldName, RouteAction, RuleResult, TextSource } from '../../src-shared/document-model.ts';

type RuleSeverity = NonNullable<RuleResult['severity']>;
import type { Policy } from '../route/policy.ts';
import { replayPolicy, type RecordedDocument, type RecordedOutcome, type ReplayCalibrations, type ReplayReport } from '../../src-common/routing/replay-policy.ts';
import type { Db } from '../store/database.ts';

/**
 * What the engine concluded for each processed document, as it was before any reviewer touched it,
 * plus what the reviewer then decided: the input policy replay needs.
 */
export function recordedDocuments(db: Db): RecordedDocument[] {
  const docs = db
    .prepare<[], { id: number; sha256: string | null; doc_type: DocType; doc_type_score: number; text_source: TextSource | null; route_action: RouteAction | null; policy_version: string | null }>(
      `SELECT id, sha256, doc_type, doc_type_score, text_source, route_action, policy_version FROM documents WHERE status = 'processed' AND doc_type IS NOT NULL ORDER BY id`,
    )
    .all();
  const fieldsStmt = db.prepare<[number], { field: FieldName; value: string; confidence: number; page_no: number | null; note: string | null }>(
    `SELECT field, value, confidence, page_no, note FROM extractions WHERE document_id = ? AND source != 'reviewer' ORDER BY id`,
  );
  const rulesStmt = db.prepare<[number], { rule_id: string; passed: number; severity: RuleSeverity | null; detail: string }>('SELECT rule_id, passed, severity, detail FROM rule_results WHERE document_id = ? ORDER BY id');
  const outcomeStmt = db.prepare<[number], { action: string }>(`SELECT action FROM decisions WHERE document_id = ? AND undone_at IS NULL AND superseded = 0 ORDER BY id DESC LIMIT 1`);
  const vendorSeen = new Map<string, number>();
  return docs.map((d) => {
    const fields: Partial<Record<FieldName, ExtractedField>> = {};
    // The note keeps the raw confidence of a calibrated field, so replay can calibrate it again.
    for (const f of fieldsStmt.all(d.id)) fields[f.field] = { value: f.value, confidence: f.confidence, ...(f.page_no ? { page: f.page_no } : {}), ...(f.note ? { note: f.note } : {}) };
    const vendor = fields.vendor?.value.toLowerCase();
    const seen = vendor ? (vendorSeen.get(vendor) ?? 0) : 0;
    if (vendor) vendorSeen.set(vendor, seen + 1);
    const action = outcomeStmt.get(d.id)?.action;
    const outcome: RecordedOutcome | undefined = action === 'approve' ? 'approved_unchanged' : action === 'correct' ? 'corrected' : action === 'reject' ? 'rejected' : undefined;
    return {
      documentId: String(d.id),
      ...(d.sha256 ? { sha256: d.sha256 } : {}),
      ...(d.route_action ? { recorded: { action: d.route_action, policyVersion: d.policy_version ?? '' } } : {}),
      ...(d.text_source ? { textSource: d.text_source } : {}),
      docType: d.doc_type,
      docTypeScore: d.doc_type_score,
      fields,
      // The severity decides what a failed rule does under a policy: a failed warning stays a warning.
      rules: rulesStmt.all(d.id).map((r) => ({ id: r.rule_id, passed: r.passed === 1, detail: r.detail, ...(r.severity ? { severity: r.severity } : {}) })),
      vendorHistoryCount: seen,
      ...(outcome ? { outcome } : {}),
    };
  });
}

export function replayRecorded(db: Db, candidate: Policy, current: Policy, rng: () => number, calibrations: ReplayCalibrations = {}): ReplayReport {
  return replayPolicy(recordedDocuments(db), candidate, current, rng, calibrations);
}

export { formatReplay } from '../../src-common/routing/format-replay.ts';
