import type { Db } from './database.ts';

export type TombstoneKind = 'original' | 'text' | 'field_values' | 'redaction';

/** A document retention may look at: kept documents, not duplicates and not half processed. */
export type RetainedDocument = { id: number; sha256: string | null; docType: string | null; createdAt: string };

/** All SQL of retention and redaction: what a document holds, removing it, and the tombstones that prove what was removed. Callers own the transactions (the write door). */
export class RetentionRepo {
  constructor(private readonly db: Db) {}

  documents(): RetainedDocument[] {
    return this.db
      .prepare<[], { id: number; sha256: string | null; doc_type: string | null; created_at: string }>(`SELECT id, sha256, doc_type, created_at FROM documents WHERE status != 'duplicate' AND status != 'pending' ORDER BY id`)
      .all()
      .map((d) => ({ id: d.id, sha256: d.sha256, docType: d.doc_type, createdAt: d.created_at }));
  }

  document(id: number): { id: number; sha256: string | null } | undefined {
    return this.db.prepare<[number], { id: number; sha256: string | null }>('SELECT id, sha256 FROM documents WHERE id = ?').get(id);
  }

  hasTombstone(documentId: number, kind: TombstoneKind): boolean {
    return this.db.prepare<[number, string], { n: number }>('SELECT count(*) AS n FROM tombstones WHERE document_id = ? AND kind = ?').get(documentId, kind)!.n > 0;
  }

  addTombstone(t: { documentId: number; kind: TombstoneKind; sha256: string; at: string; reason: string }): void {
    this.db.prepare('INSERT INTO tombstones (document_id, kind, sha256, removed_at, reason) VALUES (?, ?, ?, ?, ?)').run(t.documentId, t.kind, t.sha256, t.at, t.reason);
  }

  /** The SHA-256 of every original whose tombstone is written (its file must be gone). */
  removedOriginals(): string[] {
    return this.db.prepare<[], { sha256: string }>(`SELECT sha256 FROM tombstones WHERE kind = 'original'`).all().map((t) => t.sha256);
  }

  /** The page text and OCR words of a document, as they are before removal (what the tombstone's hash covers). */
  text(documentId: number): { pages: unknown[]; words: unknown[] } {
    return {
      pages: this.db.prepare('SELECT page_no, text, alternate_json FROM pages WHERE document_id = ? ORDER BY page_no').all(documentId),
      words: this.db.prepare('SELECT page_no, idx, text FROM words WHERE document_id = ? ORDER BY page_no, idx').all(documentId),
    };
  }

  removeText(documentId: number): void {
    this.db.prepare('DELETE FROM words WHERE document_id = ?').run(documentId);
    this.db.prepare(`UPDATE pages SET text = '', alternate_json = NULL WHERE document_id = ?`).run(documentId);
  }

  /** Every field value (all versions) and line item of a document, as they are before removal. */
  fieldValues(documentId: number): { values: unknown[]; items: unknown[] } {
    return {
      values: this.db.prepare('SELECT id, field, value, raw_value FROM extractions WHERE document_id = ? ORDER BY id').all(documentId),
      items: this.db.prepare('SELECT * FROM line_items WHERE document_id = ? ORDER BY idx').all(documentId),
    };
  }

  removeFieldValues(documentId: number, placeholder: string): void {
    this.db.prepare(`UPDATE extractions SET value = ?, raw_value = NULL, box_json = NULL, note = NULL WHERE document_id = ?`).run(placeholder, documentId);
    this.db.prepare('DELETE FROM line_items WHERE document_id = ?').run(documentId);
  }

  /** Every version of one field's value, as it is before redaction. */
  fieldVersions(documentId: number, field: string): unknown[] {
    return this.db.prepare('SELECT id, value, raw_value FROM extractions WHERE document_id = ? AND field = ? ORDER BY id').all(documentId, field);
  }

  /** Replaces every version of a field's value; returns how many were replaced. */
  redactField(documentId: number, field: string, placeholder: string): number {
    return this.db.prepare(`UPDATE extractions SET value = ?, raw_value = NULL WHERE document_id = ? AND field = ?`).run(placeholder, documentId, field).changes;
  }

  /** The OCR words of a page whose box overlaps the region. */
  wordsIn(documentId: number, page: number, [x0, y0, x1, y1]: [number, number, number, number]): { idx: number; text: string }[] {
    return this.db
      .prepare<[number, number, number, number, number, number], { idx: number; text: string }>(
        'SELECT idx, text FROM words WHERE document_id = ? AND page_no = ? AND x1 > ? AND x0 < ? AND y1 > ? AND y0 < ? ORDER BY idx',
      )
      .all(documentId, page, x0, x1, y0, y1);
  }

  /** Removes the words and rebuilds the page text, line by line, from the words that are left. */
  removeWords(documentId: number, page: number, idxs: number[]): void {
    const del = this.db.prepare('DELETE FROM words WHERE document_id = ? AND page_no = ? AND idx = ?');
    for (const idx of idxs) del.run(documentId, page, idx);
    const left = this.db.prepare<[number, number], { text: string; line: number }>('SELECT text, line FROM words WHERE document_id = ? AND page_no = ? ORDER BY idx').all(documentId, page);
    const lines = new Map<number, string[]>();
    for (const w of left) lines.set(w.line, [...(lines.get(w.line) ?? []), w.text]);
    this.db.prepare('UPDATE pages SET text = ?, alternate_json = NULL WHERE document_id = ? AND page_no = ?').run([...lines.values()].map((l) => l.join(' ')).join('\n'), documentId, page);
  }
}
