import type { Db } from './database.ts';

export interface ReviewedDocument {
  documentId: number;
  sha256: string;
  modelLabel: string | null;
  /** The reviewer's `docType` correction, else the model's label they confirmed. */
  docType: string;
  source: 'correction' | 'confirmed';
  action: 'approve' | 'correct';
  pages: { pageNo: number; text: string; width: number; height: number }[];
  words: { pageNo: number; text: string; box: [number, number, number, number] }[];
  /** Every field's current value (a reviewer's correction replaces what was read), with its raw reading. */
  fields: { field: string; value: string; raw: string | null; source: string }[];
  model: { name: string; version: string } | null;
  policyVersion: string | null;
  decidedAt: string;
}

/** The SQL behind `countersign dataset export`: documents a reviewer approved or corrected, with their text, words and fields. */
export class DatasetRepo {
  constructor(private readonly db: Db) {}

  *reviewed(): Generator<ReviewedDocument> {
    const docs = this.db
      .prepare<[], { id: number; sha256: string; doc_type: string | null; model_json: string | null; policy_version: string | null; action: 'approve' | 'correct'; changes_json: string; created_at: string }>(
        `SELECT d.id, d.sha256, d.doc_type, dc.model_json, dc.policy_version, dc.action, dc.changes_json, dc.created_at FROM documents d
         JOIN decisions dc ON dc.id = (SELECT max(x.id) FROM decisions x WHERE x.document_id = d.id AND x.undone_at IS NULL)
         WHERE d.status = 'processed' AND dc.action IN ('approve','correct') ORDER BY d.id`,
      )
      .all();
    const pages = this.db.prepare<[number], { page_no: number; text: string; width: number; height: number }>('SELECT page_no, text, width, height FROM pages WHERE document_id = ? ORDER BY page_no');
    const words = this.db.prepare<[number], { page_no: number; text: string; x0: number; y0: number; x1: number; y1: number }>('SELECT page_no, text, x0, y0, x1, y1 FROM words WHERE document_id = ? ORDER BY page_no, idx');
    const fields = this.db.prepare<[number], { field: string; value: string; raw_value: string | null; source: string }>(
      'SELECT field, value, raw_value, source FROM extractions WHERE document_id = ? AND superseded_by IS NULL ORDER BY field, id',
    );
    for (const d of docs) {
      const corrected = (JSON.parse(d.changes_json) as { field: string; newValue: string }[]).find((c) => c.field === 'docType')?.newValue;
      const model = d.model_json ? (JSON.parse(d.model_json) as { name: string; version: string }) : null;
      yield {
        documentId: d.id,
        sha256: d.sha256,
        modelLabel: d.doc_type,
        docType: corrected ?? d.doc_type ?? 'other',
        source: corrected && corrected !== d.doc_type ? 'correction' : 'confirmed',
        action: d.action,
        pages: pages.all(d.id).map((p) => ({ pageNo: p.page_no, text: p.text, width: p.width, height: p.height })),
        words: words.all(d.id).map((w) => ({ pageNo: w.page_no, text: w.text, box: [w.x0, w.y0, w.x1, w.y1] })),
        fields: fields.all(d.id).filter((f) => f.field !== 'docType').map((f) => ({ field: f.field, value: f.value, raw: f.raw_value, source: f.source })),
        model: model ? { name: model.name, version: model.version } : null,
        policyVersion: d.policy_version,
        decidedAt: d.created_at,
      };
    }
  }
}
