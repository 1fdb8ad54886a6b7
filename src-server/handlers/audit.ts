import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { AuditEntry } from '../../src-shared/contract/audit.ts';
import { ApiError } from '../../src-shared/contract/dispatch.ts';
import type { AuditBatch } from '../../src-shared/contract/hub.ts';
import { rowToEntry, type AuditRow } from '../../src-common/audit-chain/audit-row.ts';
import { auditBatchBytes, verifyAuditBatchSignature } from '../../src-common/audit-chain/batch-signature.ts';
import { canonicalJson } from '../../src-common/audit-chain/canonical-json.ts';
import { ChainWalk, type ChainBreak } from '../../src-common/audit-chain/chain-walk.ts';
import { GENESIS_HASH } from '../../src-common/audit-chain/entry-hash.ts';
import type { Principal } from '../auth.ts';
import type { HubKysely } from '../store/database.ts';
import { exportableFields } from './artifacts.ts';
import { deviceSite, nowIso, requireSameSite, type HubContext, type HubHandlerMap } from './context.ts';
import { HMAC_VALUE } from './sync.ts';

/**
 * The field values an audit entry carries, wherever the engine puts them: `fields` (name → value or
 * {value}), `changes` ([{field, oldValue, newValue}]) and `corrections` (name → value).
 */
function fieldValues(data: unknown): [string, unknown][] {
  if (!data || typeof data !== 'object') return [];
  const d = data as { fields?: unknown; changes?: unknown; corrections?: unknown };
  const out: [string, unknown][] = [];
  const record = (r: unknown) => {
    if (r && typeof r === 'object' && !Array.isArray(r)) for (const [k, v] of Object.entries(r)) out.push([k, v && typeof v === 'object' && 'value' in v ? (v as { value: unknown }).value : v]);
  };
  record(d.fields);
  record(d.corrections);
  if (Array.isArray(d.changes)) {
    for (const c of d.changes as { field?: unknown; oldValue?: unknown; newValue?: unknown }[]) {
      if (typeof c?.field === 'string') out.push([c.field, c.oldValue ?? null], [c.field, c.newValue ?? null]);
    }
  }
  return out;
}

/** A non-exportable field may appear only without a value or with its value replaced by `hmac:<hex>`. */
function refusedAuditField(entries: AuditEntry[], allowed: Set<string>): string | null {
  for (const e of entries) {
    const kept = fieldValues(e.data).filter(([f, v]) => !allowed.has(f) && v !== null && v !== undefined && !(typeof v === 'string' && HMAC_VALUE.test(v)));
    if (kept.length) return `Entry ${e.seq} carries ${[...new Set(kept.map(([f]) => f))].join(', ')}, which the site policy keeps on the device (send hmac:<hex> instead); nothing was stored.`;
  }
  return null;
}

/** The error an upload gets for each way a batch can break the chain. */
function batchBreakError(b: ChainBreak): ApiError {
  const nothing = 'nothing was stored.';
  if (b.kind === 'edited') return new ApiError('audit_bad_hash', `Entry ${b.seq} does not match its hash: it was altered; ${nothing}`);
  if (b.kind === 'unlinked') return new ApiError('audit_fork', `Entry ${b.seq} does not link to entry ${b.seq - 1}; ${nothing}`);
  return new ApiError('audit_gap', `The batch skips from entry ${b.expectedSeq - 1} to ${b.seq}; ${nothing}`);
}

/**
 * Verifies the signature (device key from enrollment), each entry's hash and the links between
 * entries, and that the batch continues the chain the hub holds. Entries the hub holds already must
 * be identical (a repeat is fine, a different entry is a fork). The signed bytes and the signature are
 * kept with the entries, so the hub's copy proves on its own what the device sent.
 */
async function upload(hub: HubContext, batch: AuditBatch, signature: string, p: Principal) {
  if (batch.deviceId !== p.deviceId) throw new ApiError('forbidden', `This credential is for device ${p.deviceId}, not ${batch.deviceId}`);
  const db = hub.store.db;
  const device = await db.selectFrom('hub_devices').select(['public_key', 'site_id']).where('id', '=', p.deviceId).executeTakeFirstOrThrow();
  const bytes = auditBatchBytes(batch);
  if (!verifyAuditBatchSignature(device.public_key, bytes, signature)) {
    throw new ApiError('bad_signature', `The batch signature does not verify with the key device ${p.deviceId} enrolled with; nothing was stored.`);
  }
  const entries = batch.entries;
  // The batch on its own: each entry the next number, linked to the one before, matching its hash.
  const walk = ChainWalk.from(entries[0]!);
  for (const e of entries) {
    const broken = walk.step(e);
    if (broken) throw batchBreakError(broken);
  }
  const refused = refusedAuditField(entries, await exportableFields(db, device.site_id));
  if (refused) throw new ApiError('field_not_exportable', refused);
  return hub.store.tx(async (t) => {
    // One upload per device at a time: lock the device row.
    let lock = t.selectFrom('hub_devices').select('id').where('id', '=', p.deviceId!);
    if (hub.store.dialect === 'postgres') lock = lock.forUpdate();
    await lock.execute();
    const head = await t.selectFrom('hub_audit').select(['seq', 'hash']).where('device_id', '=', p.deviceId!).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    const headSeq = Number(head?.seq ?? 0);
    const first = entries[0]!;
    if (first.seq > headSeq + 1) throw new ApiError('audit_gap', `The hub holds entries up to ${headSeq}; this batch starts at ${first.seq}. Upload from ${headSeq + 1}.`);
    let duplicates = 0;
    const overlap = entries.filter((e) => e.seq <= headSeq);
    if (overlap.length) {
      const held = await t.selectFrom('hub_audit').select(['seq', 'hash']).where('device_id', '=', p.deviceId!).where('seq', '>=', overlap[0]!.seq).where('seq', '<=', overlap.at(-1)!.seq).execute();
      const heldHash = new Map(held.map((h) => [Number(h.seq), h.hash]));
      for (const e of overlap) {
        if (heldHash.get(e.seq) !== e.hash) throw new ApiError('audit_fork', `Entry ${e.seq} differs from the entry ${e.seq} the hub holds: the device chain forked; nothing was stored.`);
        duplicates += 1;
      }
    }
    const fresh = entries.filter((e) => e.seq > headSeq);
    if (fresh.length) {
      const expectedPrev = head?.hash ?? GENESIS_HASH;
      if (fresh[0]!.prevHash !== expectedPrev) throw new ApiError('audit_fork', `Entry ${fresh[0]!.seq} does not link to entry ${headSeq} the hub holds: the device chain forked; nothing was stored.`);
      const now = nowIso(hub);
      for (let i = 0; i < fresh.length; i += 500) await insertAudit(t, p.deviceId!, fresh.slice(i, i + 500), now);
      await t
        .insertInto('hub_audit_batches')
        .values({ device_id: p.deviceId!, first_seq: first.seq, last_seq: entries.at(-1)!.seq, signed_bytes: bytes.toString('utf8'), signature, received_at: now })
        .execute();
    }
    return { ackSeq: Math.max(headSeq, entries.at(-1)!.seq), stored: fresh.length, duplicates };
  });
}

/** Many rows per statement: an upload of a day offline is thousands of entries. */
async function insertAudit(t: HubKysely, deviceId: number, es: AuditEntry[], receivedAt: string): Promise<void> {
  await t
    .insertInto('hub_audit')
    .values(
      es.map((e) => ({
        device_id: deviceId,
        seq: e.seq,
        ts: e.ts,
        actor: e.actor,
        event: e.event,
        document_sha256: e.documentSha256,
        data_json: canonicalJson(e.data),
        model_json: e.model ? canonicalJson(e.model) : null,
        policy_version: e.policyVersion,
        prev_hash: e.prevHash,
        hash: e.hash,
        received_at: receivedAt,
      })),
    )
    .execute();
}

/**
 * Re-walks the stored chain (links and hashes) and every signed batch: each signature must verify with
 * the device's enrolled key over the stored bytes, each entry in a batch must be the entry stored at
 * its seq, and every stored entry must lie in some signed batch.
 */
export async function verify(hub: HubContext, deviceId: number) {
  const db = hub.store.db;
  const device = await db.selectFrom('hub_devices').select('public_key').where('id', '=', deviceId).executeTakeFirst();
  if (!device) throw new ApiError('not_found', `No device ${deviceId}`);
  const walk = new ChainWalk();
  const hashes: string[] = [];
  const result = (firstBad: { seq: number; problem: string } | null, batches: number) => ({ ok: firstBad === null, entries: walk.entries, batches, headHash: walk.head, firstBad });
  for (let from = 1; ; ) {
    const rows = await db.selectFrom('hub_audit').selectAll().where('device_id', '=', deviceId).where('seq', '>=', from).orderBy('seq').limit(2000).execute();
    for (const r of rows) {
      const e = rowToEntry(r as unknown as AuditRow);
      const broken = walk.step(e);
      if (broken) return result({ seq: broken.seq, problem: broken.problem }, 0);
      hashes.push(e.hash);
    }
    if (rows.length < 2000) break;
    from = walk.entries + 1;
  }
  let covered = 0; // entries 1..covered lie in signed batches
  let batches = 0;
  for (let after = 0; ; ) {
    const page = await db.selectFrom('hub_audit_batches').selectAll().where('device_id', '=', deviceId).where('id', '>', after).orderBy('id').limit(50).execute();
    for (const b of page) {
      batches += 1;
      if (!verifyAuditBatchSignature(device.public_key, Buffer.from(b.signed_bytes, 'utf8'), b.signature)) {
        return result({ seq: Number(b.first_seq), problem: `the signature of the batch of entries ${b.first_seq}–${b.last_seq} does not verify with the device's key` }, batches);
      }
      const signed = JSON.parse(b.signed_bytes) as AuditBatch;
      for (const e of signed.entries) {
        if (hashes[e.seq - 1] !== e.hash) return result({ seq: e.seq, problem: `entry ${e.seq} differs from what the device signed in the batch of entries ${b.first_seq}–${b.last_seq}` }, batches);
        if (e.seq === covered + 1) covered = e.seq;
      }
      after = Number(b.id);
    }
    if (page.length < 50) break;
  }
  if (covered < walk.entries) return result({ seq: covered + 1, problem: `entries ${covered + 1}–${walk.entries} lie in no signed batch the hub holds (uploaded before the hub kept signatures)` }, batches);
  return result(null, batches);
}

async function scopedDevice(hub: HubContext, p: Principal, deviceId: number): Promise<number> {
  if (p.kind === 'device' && p.deviceId !== deviceId && p.role !== 'admin') throw new ApiError('forbidden', 'A device may only read its own audit head');
  requireSameSite(p, await deviceSite(hub.store.db, deviceId), `device ${deviceId}`);
  return deviceId;
}

/**
 * The batches the hub keeps for the calling device, as hashes, for the device to compare with what it
 * sent. Its own only, whatever its user's role: an admin's device is still one device.
 */
async function heldBatches(hub: HubContext, p: Principal, a: { deviceId: number; afterId: number; limit: number }) {
  if (p.deviceId !== a.deviceId) throw new ApiError('forbidden', 'A device may only read its own audit batches');
  const db = hub.store.db;
  requireSameSite(p, await deviceSite(db, a.deviceId), `device ${a.deviceId}`);
  const rows = await db.selectFrom('hub_audit_batches').selectAll().where('device_id', '=', a.deviceId).where('id', '>', a.afterId).orderBy('id').limit(a.limit).execute();
  const batches = [];
  for (const b of rows) {
    let signed: { seq: number; hash: string }[] = [];
    try {
      signed = (JSON.parse(b.signed_bytes) as AuditBatch).entries.map((e) => ({ seq: e.seq, hash: e.hash }));
    } catch {
      // Unreadable stored bytes: no entries, and a digest that matches nothing the device sent.
    }
    const stored = await db.selectFrom('hub_audit').select(['seq', 'hash']).where('device_id', '=', a.deviceId).where('seq', '>=', b.first_seq).where('seq', '<=', b.last_seq).orderBy('seq').execute();
    batches.push({
      id: Number(b.id),
      firstSeq: Number(b.first_seq),
      lastSeq: Number(b.last_seq),
      signature: b.signature,
      signedSha256: createHash('sha256').update(b.signed_bytes, 'utf8').digest('hex'),
      signed,
      stored: stored.map((r) => ({ seq: Number(r.seq), hash: r.hash })),
    });
  }
  return { batches };
}

/** Audit trails: devices upload signed batches; auditors read and verify them. */
export const auditHandlers = {
  'audit.upload': async (a, { hub, p }) => upload(hub, a.batch, a.signature, p),
  'audit.head': async (a, { hub, p }) => {
    const deviceId = await scopedDevice(hub, p, a.deviceId);
    const head = await hub.store.db.selectFrom('hub_audit').select(['seq', 'hash']).where('device_id', '=', deviceId).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    return { ackSeq: Number(head?.seq ?? 0), headHash: head?.hash ?? null };
  },
  'audit.entries': async (a, { hub, p }) => {
    const deviceId = await scopedDevice(hub, p, a.deviceId);
    const rows = await sql<AuditRow>`SELECT * FROM hub_audit WHERE device_id = ${deviceId} AND seq >= ${a.fromSeq} ORDER BY seq LIMIT ${a.limit}`.execute(hub.store.db);
    return { entries: rows.rows.map(rowToEntry) };
  },
  'audit.verify': async (a, { hub, p }) => verify(hub, await scopedDevice(hub, p, a.deviceId)),
  'audit.batches': async (a, { hub, p }) => heldBatches(hub, p, a),
} satisfies Partial<HubHandlerMap>;
