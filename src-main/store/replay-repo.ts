import type { DocType, FieldName, TextSource } from '../../src-shared/document-model.ts';
import type { Db } from './database.ts';

/** A processed document as the engine concluded it, before any reviewer touched it, and what the reviewer then decided. */
export type RecordedConclusion = {
  id: number;
  docType: DocType;
  docTypeScore: number;
  textSource: TextSource | null;
  /** The engine's own readings (not reviewers'), oldest first. */
  fields: { field: FieldName; value: string; confidence: number; pageNo: number | null; note: string | null }[];
  rules: { id: string; passed: boolean; detail: string }[];
  /** The last decision that was neither undone nor superseded. */
  decision: 'approve' | 'correct' | 'reject' | null;
};

/** The SQL policy replay reads: every processed document's recorded conclusion, in the order they were added. */
export class ReplayRepo {
  constructor(private readonly db: Db) {}

  conclusions(): RecordedConclusion[] {
    const docs = this.db
      .prepare<[], { id: number; doc_type: DocType; doc_type_score: number; text_source: TextSource | null }>(
        `SELECT id, doc_type, doc_type_score, text_source FROM documents WHERE status = 'processed' AND doc_type IS NOT NULL ORDER BY id`,
      )
      .all();
    const fields = this.db.prepare<[number], { field: FieldName; value: string; confidence: number; page_no: number | null; note: string | null }>(
      `SELECT field, value, confidence, page_no, note FROM extractions WHERE document_id = ? AND source != 'reviewer' ORDER BY id`,
    );
    const rules = this.db.prepare<[number], { rule_id: string; passed: number; detail: string }>('SELECT rule_id, passed, detail FROM rule_results WHERE document_id = ? ORDER BY id');
    const decision = this.db.prepare<[number], { action: RecordedConclusion['decision'] }>(`SELECT action FROM decisions WHERE document_id = ? AND undone_at IS NULL AND superseded = 0 ORDER BY id DESC LIMIT 1`);
    return docs.map((d) => ({
      id: d.id,
      docType: d.doc_type,
      docTypeScore: d.doc_type_score,
      textSource: d.text_source,
      fields: fields.all(d.id).map((f) => ({ field: f.field, value: f.value, confidence: f.confidence, pageNo: f.page_no, note: f.note })),
      rules: rules.all(d.id).map((r) => ({ id: r.rule_id, passed: r.passed === 1, detail: r.detail })),
      decision: decision.get(d.id)?.action ?? null,
    }));
  }
}
