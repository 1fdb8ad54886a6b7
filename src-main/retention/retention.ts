import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { canonicalJson } from '../../src-common/audit-chain/canonical-json.ts';
import type { BlobStore } from '../blob/blob-store.ts';
import type { WriteDoor } from '../store/mutate.ts';
import type { RetentionRepo, TombstoneKind } from '../store/retention-repo.ts';

export { RetentionRuleSchema, RetentionPolicySchema, type RetentionRule, type RetentionPolicy } from '../../src-shared/config/retention-schema.ts';
import type { RetentionPolicy } from '../../src-shared/config/retention-schema.ts';

export type { TombstoneKind } from '../store/retention-repo.ts';

export const REMOVED = '[removed]';
export const REDACTED = '[redacted]';

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const DAY_MS = 86_400_000;

interface Deps {
  repo: RetentionRepo;
  door: WriteDoor;
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
  const docs = d.repo.documents();
  for (const doc of docs) {
    const rule = policy[(doc.docType ?? 'default') as keyof RetentionPolicy] ?? policy.default;
    if (!rule) continue;
    const ageDays = (now.getTime() - Date.parse(doc.createdAt)) / DAY_MS;
    const due = (days: number | undefined) => days !== undefined && ageDays >= days;
    // What is due and still there, with the hash of it: looked at first, then again inside the change that removes it.
    const plan = (): { kind: TombstoneKind; sha256: string }[] => {
      const out: { kind: TombstoneKind; sha256: string }[] = [];
      if (due(rule.textDays) && !d.repo.hasTombstone(doc.id, 'text')) {
        const text = d.repo.text(doc.id);
        if (text.pages.length || text.words.length) out.push({ kind: 'text', sha256: sha(canonicalJson(text)) });
      }
      if (due(rule.fieldValuesDays) && !d.repo.hasTombstone(doc.id, 'field_values')) {
        const values = d.repo.fieldValues(doc.id);
        if (values.values.length || values.items.length) out.push({ kind: 'field_values', sha256: sha(canonicalJson(values)) });
      }
      if (due(rule.originalsDays) && doc.sha256 && !d.repo.hasTombstone(doc.id, 'original') && d.blobs.has(doc.sha256)) out.push({ kind: 'original', sha256: doc.sha256 });
      return out;
    };
    if (!plan().length) continue;
    const removed = d.door.mutate('retention.apply', (audit) => {
      const at = now.toISOString();
      const found = plan();
      for (const r of found) {
        if (r.kind === 'text') d.repo.removeText(doc.id);
        if (r.kind === 'field_values') d.repo.removeFieldValues(doc.id, REMOVED);
        d.repo.addTombstone({ documentId: doc.id, kind: r.kind, sha256: r.sha256, at, reason: 'retention' });
      }
      audit({ actor, event: 'retention.applied', documentSha256: doc.sha256, data: { documentId: doc.id, removed: found.map((r) => ({ kind: r.kind, sha256: r.sha256 })), ageDays: Math.floor(ageDays) } });
      return found;
    });
    for (const r of removed) report[r.kind === 'text' ? 'text' : r.kind === 'field_values' ? 'fieldValues' : 'originals'] += 1;
    // The file goes after its tombstone is committed: a crash in between leaves a tombstone for a
    // file that is still there, and the next run finds nothing left to do but delete it.
    if (removed.some((r) => r.kind === 'original') && doc.sha256) fs.rmSync(d.blobs.pathFor(doc.sha256), { force: true });
    if (removed.length) report.documents += 1;
  }
  // Originals whose tombstone is written but whose file survived a crash.
  for (const removedSha of d.repo.removedOriginals()) fs.rmSync(d.blobs.pathFor(removedSha), { force: true });
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
  const doc = d.repo.document(r.documentId);
  if (!doc) throw new Error(`No document ${r.documentId}`);
  const at = (d.clock ?? (() => new Date()))().toISOString();
  const out = d.door.mutate('documents.redact', (audit) => {
    let removedContent: unknown;
    let removed = 0;
    if (r.field) {
      removedContent = { field: r.field, values: d.repo.fieldVersions(doc.id, r.field) };
      removed = d.repo.redactField(doc.id, r.field, REDACTED);
    } else {
      const words = d.repo.wordsIn(doc.id, r.region!.page, r.region!.box);
      removedContent = { page: r.region!.page, box: r.region!.box, words };
      d.repo.removeWords(doc.id, r.region!.page, words.map((w) => w.idx));
      removed = words.length;
    }
    const hash = sha(canonicalJson(removedContent));
    d.repo.addTombstone({ documentId: doc.id, kind: 'redaction', sha256: hash, at, reason: r.reason });
    if (r.originalAlso && doc.sha256) d.repo.addTombstone({ documentId: doc.id, kind: 'original', sha256: doc.sha256, at, reason: r.reason });
    audit({
      actor: r.actor,
      event: 'document.redacted',
      documentSha256: doc.sha256,
      data: { documentId: doc.id, ...(r.field ? { field: r.field } : { region: r.region }), removed, sha256: hash, reason: r.reason, originalRemoved: r.originalAlso === true },
    });
    return { sha256: hash, removed };
  });
  if (r.originalAlso && doc.sha256) fs.rmSync(d.blobs.pathFor(doc.sha256), { force: true });
  return out;
}
