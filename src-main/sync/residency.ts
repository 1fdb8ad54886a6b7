import { createHmac } from 'node:crypto';
import type { AuditEntry } from '../../src-shared/contract/audit.ts';
import type { Mutation } from '../../src-shared/contract/hub.ts';
import { residencyFromPolicy, type ResidencyPolicy } from '../../src-shared/data-residency.ts';
import { entryHash } from '../../src-common/audit-chain/entry-hash.ts';
import type { Db } from '../store/database.ts';

/** Values shorter than this are not searched for inside sentences (a "1" would match everywhere). */
const MIN_SCRUB_LENGTH = 3;

/** The residency settings of the site policy the hub assigned, or the defaults before one arrives. */
export function siteResidency(db: Db): ResidencyPolicy {
  const row = db.prepare<[], { content_json: string }>(`SELECT content_json FROM sync_artifacts WHERE kind = 'policy' ORDER BY received_at DESC, version DESC LIMIT 1`).get();
  return residencyFromPolicy(row ? (JSON.parse(row.content_json) as Record<string, unknown>) : null);
}

/**
 * What the device sends the hub, cut down to what the site policy lets leave. A field value the
 * policy keeps on site becomes a keyed hash (HMAC-SHA256 with the site key, which never leaves the
 * site): the hub can count equal values without learning them. Sentences (route reasons, error
 * messages, a rejection reason) have every such value of the document replaced by its hash.
 */
export class ResidencyFilter {
  private readonly exportable: Set<string>;

  constructor(
    private readonly key: Buffer,
    readonly policy: ResidencyPolicy,
    /** The document's values that must not leave (field values, raw text, file name and path). */
    private readonly documentSecrets: (ref: { documentId?: number; sha256?: string | null }) => string[] = () => [],
    /** Kept-on-site values of any local document that occur in a free text (a reviewer's reason may quote another document). */
    private readonly secretsIn: (text: string) => string[] = () => [],
  ) {
    if (key.length < 32) throw new Error('The site key must be at least 32 bytes');
    this.exportable = new Set(policy.exportableFields);
  }

  token(value: string): string {
    return `hmac:${createHmac('sha256', this.key).update(value.trim()).digest('hex')}`;
  }

  mayLeave(field: string): boolean {
    return this.exportable.has(field);
  }

  fieldValue(field: string, value: string): string {
    return this.mayLeave(field) ? value : this.token(value);
  }

  /** The audit entry as the hub receives it; its hash covers what is sent and links to the previous sent entry. */
  auditEntry(e: AuditEntry, prevHash: string): AuditEntry {
    const secrets = new Set<string>(this.documentSecrets({ ...(typeof e.data.documentId === 'number' ? { documentId: e.data.documentId } : {}), sha256: e.documentSha256 }));
    collectSecrets(e.data, this, secrets);
    const data = this.project(e.data, sortSecrets(secrets)) as Record<string, unknown>;
    const base = { seq: e.seq, ts: e.ts, actor: e.actor, event: e.event, documentSha256: e.documentSha256, data, model: e.model, policyVersion: e.policyVersion, prevHash };
    return { ...base, hash: entryHash(base) };
  }

  /** A decision pushed to the hub; `sha256` names the document it is about, when this device holds it. */
  mutation(m: Mutation, sha256: string | null = null): Mutation {
    const secrets = new Set<string>(sha256 ? this.documentSecrets({ sha256 }) : []);
    collectSecrets(m.args, this, secrets);
    return { ...m, args: this.project(m.args, sortSecrets(secrets)) as Mutation['args'] };
  }

  /** Structure-aware: `fields`, `corrections`, `changes` and `fileName` by the policy; every other string scrubbed. */
  private project(value: unknown, secrets: string[], key?: string): unknown {
    if (typeof value === 'string') return this.scrub(value, key === 'reason' ? sortSecrets([...secrets, ...this.secretsIn(value)]) : secrets);
    if (Array.isArray(value)) {
      if (key === 'changes') return value.map((c) => this.change(c, secrets));
      return value.map((v) => this.project(v, secrets));
    }
    if (value === null || typeof value !== 'object') return value;
    const obj = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      if (k === 'fileName' && typeof v === 'string') {
        if (this.policy.fileNames === 'keep') out[k] = v;
        else if (this.policy.fileNames === 'hash') out[k] = this.token(v);
        continue;
      }
      if ((k === 'fields' || k === 'corrections') && v && typeof v === 'object' && !Array.isArray(v)) {
        out[k] = Object.fromEntries(
          Object.entries(v as Record<string, unknown>).map(([field, fv]) => {
            if (typeof fv === 'string') return [field, this.mayLeave(field) ? this.scrub(fv, secrets) : this.token(fv)];
            if (fv && typeof fv === 'object' && typeof (fv as { value?: unknown }).value === 'string') {
              const f = fv as { value: string };
              return [field, { ...(this.project(fv, secrets) as object), value: this.mayLeave(field) ? this.scrub(f.value, secrets) : this.token(f.value) }];
            }
            return [field, this.project(fv, secrets)];
          }),
        );
        continue;
      }
      out[k] = this.project(v, secrets, k);
    }
    return out;
  }

  private change(c: unknown, secrets: string[]): unknown {
    if (!c || typeof c !== 'object') return this.project(c, secrets);
    const ch = c as { field?: unknown; oldValue?: unknown; newValue?: unknown };
    const field = String(ch.field);
    const v = (x: unknown) => (typeof x === 'string' ? (this.mayLeave(field) ? this.scrub(x, secrets) : this.token(x)) : x);
    return { ...(this.project(c, secrets) as object), oldValue: v(ch.oldValue), newValue: v(ch.newValue) };
  }

  /** Replaces every kept-on-site value inside a sentence with its keyed hash, longest first. */
  scrub(s: string, secrets: string[]): string {
    let out = s;
    for (const secret of secrets) {
      if (secret.length < MIN_SCRUB_LENGTH || !out.toLowerCase().includes(secret.toLowerCase())) continue;
      out = out.replace(new RegExp(escapeRegExp(secret), 'gi'), this.token(secret));
    }
    return out;
  }
}

/** A value and the spellings it shows up in inside sentences: as is, spaces collapsed, spaces removed. */
export function spellings(value: string): string[] {
  const v = value.trim();
  return [...new Set([v, v.replace(/\s+/g, ' '), v.replace(/\s+/g, '')])];
}

/** The values of kept-on-site fields named inside the data itself (corrections, changes, field maps), longest first later. */
function collectSecrets(data: unknown, f: ResidencyFilter, into: Set<string>): void {
  if (Array.isArray(data)) return data.forEach((d) => collectSecrets(d, f, into));
  if (!data || typeof data !== 'object') return;
  const obj = data as Record<string, unknown>;
  if (typeof obj.fileName === 'string' && f.policy.fileNames !== 'keep') into.add(obj.fileName);
  if (typeof obj.field === 'string' && !f.mayLeave(obj.field)) {
    for (const k of ['oldValue', 'newValue', 'value']) if (typeof obj[k] === 'string') spellings(obj[k]).forEach((s) => into.add(s));
  }
  for (const k of ['fields', 'corrections']) {
    const m = obj[k];
    if (!m || typeof m !== 'object' || Array.isArray(m)) continue;
    for (const [field, fv] of Object.entries(m as Record<string, unknown>)) {
      if (f.mayLeave(field)) continue;
      const v = typeof fv === 'string' ? fv : typeof (fv as { value?: unknown })?.value === 'string' ? (fv as { value: string }).value : null;
      if (v) spellings(v).forEach((s) => into.add(s));
    }
  }
  for (const v of Object.values(obj)) collectSecrets(v, f, into);
}

/** Sorted longest first, so a value is replaced before any shorter value inside it. */
export function sortSecrets(values: Iterable<string>): string[] {
  return [...new Set(values)].filter((v) => v.length >= MIN_SCRUB_LENGTH).sort((a, b) => b.length - a.length);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The secrets of a local document: values and raw text of its kept-on-site fields, and (unless kept) its file name and path. */
export function documentSecretsFrom(db: Db, policy: ResidencyPolicy): (ref: { documentId?: number; sha256?: string | null }) => string[] {
  const exportable = new Set(policy.exportableFields);
  const byId = db.prepare<[number], { id: number; file_name: string; source_path: string | null }>('SELECT id, file_name, source_path FROM documents WHERE id = ?');
  const bySha = db.prepare<[string], { id: number; file_name: string; source_path: string | null }>('SELECT id, file_name, source_path FROM documents WHERE sha256 = ?');
  const values = db.prepare<[number], { field: string; value: string; raw_value: string | null }>('SELECT field, value, raw_value FROM extractions WHERE document_id = ?');
  return (ref) => {
    const docs = [...(ref.documentId !== undefined ? [byId.get(ref.documentId)] : []), ...(ref.sha256 ? bySha.all(ref.sha256) : [])].filter((d) => d !== undefined);
    const out: string[] = [];
    for (const d of docs) {
      if (policy.fileNames !== 'keep') {
        out.push(d.file_name);
        if (d.source_path) out.push(d.source_path);
      }
      for (const v of values.all(d.id)) {
        if (exportable.has(v.field)) continue;
        out.push(...spellings(v.value));
        if (v.raw_value) out.push(...spellings(v.raw_value));
      }
    }
    return out;
  };
}

/** Every kept-on-site value (and, unless file names are kept, file name) of any local document that occurs in `text`. */
export function secretsInTextFrom(db: Db, policy: ResidencyPolicy): (text: string) => string[] {
  const exportable = new Set(policy.exportableFields);
  const values = db.prepare<{ t: string }, { field: string; value: string; raw_value: string | null }>(
    `SELECT DISTINCT field, value, raw_value FROM extractions WHERE (length(value) >= ${MIN_SCRUB_LENGTH} AND instr(lower(@t), lower(value)) > 0)
       OR (length(raw_value) >= ${MIN_SCRUB_LENGTH} AND instr(lower(@t), lower(raw_value)) > 0)`,
  );
  const names = db.prepare<[string], { file_name: string }>(`SELECT DISTINCT file_name FROM documents WHERE length(file_name) >= ${MIN_SCRUB_LENGTH} AND instr(?, file_name) > 0`);
  return (text) => {
    const compact = text.replace(/\s+/g, '');
    const out: string[] = [];
    for (const t of [text, compact]) {
      for (const v of values.all({ t })) if (!exportable.has(v.field)) out.push(...spellings(v.value), ...(v.raw_value ? spellings(v.raw_value) : []));
    }
    if (policy.fileNames !== 'keep') out.push(...names.all(text).map((n) => n.file_name));
    return out;
  };
}
