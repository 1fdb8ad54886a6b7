import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { AuditLog } from '../audit/audit-log.ts';
import { canonicalJson } from '../../src-common/audit-chain/canonical-json.ts';
import type { BlobStore } from '../blob/blob-store.ts';
import type { Db } from '../store/database.ts';

export { RetentionRuleSchema, RetentionPolicySchema, type RetentionRule, type RetentionPolicy } from '../../src-shared/config/retention-schema.ts';
import type { RetentionPolicy } from '../../src-shared/config/retention-schema.ts';

export type TombstoneKind = 'original' | 'text' | 'field_values' | 'redaction';

export const REMOVED = '[removed]';
export const REDACTED = '[redacted]';

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const DAY_MS = 86_400_000;

interface Deps {
  db: Db;
  audit: AuditLog;
  blobs: BlobStore;
  clock?: () => Date;
}

/**
 * Deletes what the retention policy no longer keeps, document by document. Each removal leaves a
 * tombstone holding the SHA-256 of what was removed (so anyone holding a copy can still prove what
 * it was) and an audit entry in the same transaction; the audit chain itself is not rewritten and
 * still verifies. Documents, decisions and the chain stay.
 */
export function applyRetention(d: Deps, policy: RetentionPolicy, actor = 'retention'): { documents: number; originals: number; text: number; fieldValues: number } {
  const now = (d.clock ?? (() => new Date()))();
  const report = { documents: 0, originals: 0, text: 0, fieldValues: 0 };
  const docs = d.db
    .prepare<[], { id: number; sha256: string | null; doc_type: string | null; created_at: string }>(`SELECT id, sha256, doc_type, created_at FROM documents WHERE status != 'duplicate' AND status != 'pending' ORDER BY id`)
    .all();
  const has = d.db.prepare<[number, string], { n: number }>('SELECT count(*) AS n FROM tombstones WHERE document_id = ? AND kind = ?');
  for (const doc of docs) {
    const rule = policy[(doc.doc_type ?? 'default') as keyof RetentionPolicy] ?? policy.default;
    if (!rule) continue;
    const ageDays = (now.getTime() - Date.parse(doc.created_at)) / DAY_MS;
    const due = (days: number | undefined) => days !== undefined && ageDays >= days;
    const removed: { kind: TombstoneKind; sha256: string }[] = [];
    d.db.transaction(() => {
      if (due(rule.textDays) && has.get(doc.id, 'text')!.n === 0) {
        const pages = d.db.prepare('SELECT page_no, text, alternate_json FROM pages WHERE document_id = ? ORDER BY page_no').all(doc.id);
        const words = d.db.prepare('SELECT page_no, idx, text FROM words WHERE document_id = ? ORDER BY page_no, idx').all(doc.id);
        if (pages.length || words.length) {
          removed.push({ kind: 'text', sha256: sha(canonicalJson({ pages, words })) });
          d.db.prepare('DELETE FROM words WHERE document_id = ?').run(doc.id);
          d.db.prepare(`UPDATE pages SET text = '', alternate_json = NULL WHERE document_id = ?`).run(doc.id);
          report.text += 1;
        }
      }
      if (due(rule.fieldValuesDays) && has.get(doc.id, 'field_values')!.n === 0) {
        const values = d.db.prepare('SELECT id, field, value, raw_value FROM extractions WHERE document_id = ? ORDER BY id').all(doc.id);
        const items = d.db.prepare('SELECT * FROM line_items WHERE document_id = ? ORDER BY idx').all(doc.id);
        if (values.length || items.length) {
          removed.push({ kind: 'field_values', sha256: sha(canonicalJson({ values, items })) });
          d.db.prepare(`UPDATE extractions SET value = ?, raw_value = NULL, box_json = NULL, note = NULL WHERE document_id = ?`).run(REMOVED, doc.id);
          d.db.prepare('DELETE FROM line_items WHERE document_id = ?').run(doc.id);
          report.fieldValues += 1;
        }
      }
      if (due(rule.originalsDays) && doc.sha256 && has.get(doc.id, 'original')!.n === 0 && d.blobs.has(doc.sha256)) {
        removed.push({ kind: 'original', sha256: doc.sha256 });
        report.originals += 1;
      }
      if (!removed.length) return;
      const at = now.toISOString();
      for (const r of removed) d.db.prepare('INSERT INTO tombstones (document_id, kind, sha256, removed_at, reason) VALUES (?, ?, ?, ?, ?)').run(doc.id, r.kind, r.sha256, at, 'retention');
      d.audit.append({ actor, event: 'retention.applied', documentSha256: doc.sha256, data: { documentId: doc.id, removed: removed.map((r) => ({ kind: r.kind, sha256: r.sha256 })), ageDays: Math.floor(ageDays) } });
    })();
    // The file goes after its tombstone is committed: a crash in between leaves a tombstone for a
    // file that is still there, and the next run finds nothing left to do but delete it.
    if (removed.some((r) => r.kind === 'original') && doc.sha256) fs.rmSync(d.blobs.pathFor(doc.sha256), { force: true });
    if (removed.length) report.documents += 1;
  }
  // Originals whose tombstone is written but whose file survived a crash.
  for (const t of d.db.prepare<[], { sha256: string }>(`SELECT sha256 FROM tombstones WHERE kind = 'original'`).all()) fs.rmSync(d.blobs.pathFor(t.sha256), { force: true });
  return report;
}

/**
 * Redaction on request: a field's values (every version, corrections included), or the words inside
 * a region of a page and their text. Leaves a tombstone with the hash of what was removed and an
 * audit entry naming who asked and why. The original file still holds the content unless it is
 * removed too (`originalAlso`).
 */
export function redact(
  d: Deps,
  r: { documentId: number; actor: string; reason: string; field?: string; region?: { page: number; box: [number, number, number, number] }; originalAlso?: boolean },
): { sha256: string; removed: number } {
  if (!r.reason.trim()) throw new Error('A redaction needs a reason');
  if (!r.field && !r.region) throw new Error('Name a field or a region to redact');
  const doc = d.db.prepare<[number], { id: number; sha256: string | null }>('SELECT id, sha256 FROM documents WHERE id = ?').get(r.documentId);
  if (!doc) throw new Error(`No document ${r.documentId}`);
  const at = (d.clock ?? (() => new Date()))().toISOString();
  const out = d.db.transaction(() => {
    let removedContent: unknown;
    let removed = 0;
    if (r.field) {
      const values = d.db.prepare('SELECT id, value, raw_value FROM extractions WHERE document_id = ? AND field = ? ORDER BY id').all(doc.id, r.field);
      removedContent = { field: r.field, values };
      removed = d.db.prepare(`UPDATE extractions SET value = ?, raw_value = NULL WHERE document_id = ? AND field = ?`).run(REDACTED, doc.id, r.field).changes;
    } else {
      const [x0, y0, x1, y1] = r.region!.box;
      const words = d.db
        .prepare<[number, number, number, number, number, number], { idx: number; text: string }>(
          'SELECT idx, text FROM words WHERE document_id = ? AND page_no = ? AND x1 > ? AND x0 < ? AND y1 > ? AND y0 < ? ORDER BY idx',
        )
        .all(doc.id, r.region!.page, x0, x1, y0, y1);
      removedContent = { page: r.region!.page, box: r.region!.box, words };
      const del = d.db.prepare('DELETE FROM words WHERE document_id = ? AND page_no = ? AND idx = ?');
      for (const w of words) del.run(doc.id, r.region!.page, w.idx);
      // The page text is rebuilt from the words that are left, line by line.
      const left = d.db.prepare<[number, number], { text: string; line: number }>('SELECT text, line FROM words WHERE document_id = ? AND page_no = ? ORDER BY idx').all(doc.id, r.region!.page);
      const lines = new Map<number, string[]>();
      for (const w of left) lines.set(w.line, [...(lines.get(w.line) ?? []), w.text]);
      d.db.prepare('UPDATE pages SET text = ?, alternate_json = NULL WHERE document_id = ? AND page_no = ?').run([...lines.values()].map((l) => l.join(' ')).join('\n'), doc.id, r.region!.page);
      removed = words.length;
    }
    const hash = sha(canonicalJson(removedContent));
    d.db.prepare('INSERT INTO tombstones (document_id, kind, sha256, removed_at, reason) VALUES (?, ?, ?, ?, ?)').run(doc.id, 'redaction', hash, at, r.reason);
    if (r.originalAlso && doc.sha256) d.db.prepare('INSERT INTO tombstones (document_id, kind, sha256, removed_at, reason) VALUES (?, ?, ?, ?, ?)').run(doc.id, 'original', doc.sha256, at, r.reason);
    d.audit.append({
      actor: r.actor,
      event: 'document.redacted',
      documentSha256: doc.sha256,
      data: { documentId: doc.id, ...(r.field ? { field: r.field } : { region: r.region }), removed, sha256: hash, reason: r.reason, originalRemoved: r.originalAlso === true },
    });
    return { sha256: hash, removed };
  })();
  if (r.originalAlso && doc.sha256) fs.rmSync(d.blobs.pathFor(doc.sha256), { force: true });
  return out;
}
