import { sql, type Selectable } from 'kysely';
import { ApiError } from '../../src-shared/contract/dispatch.ts';
import type { OutputOf, ParsedInputOf } from '../../src-shared/contract/define.ts';
import type { HubCallName, HubContract, HubTask } from '../../src-shared/contract/hub.ts';
import type { Principal } from '../auth.ts';
import type { SigningKey } from '../../src-common/signing/ed25519.ts';
import type { HubDatabase, HubKysely } from '../store/database.ts';
import type { HubSchema } from '../store/schema.ts';
import type { HubBlobStore } from '../blob-store.ts';

/** What every handler gets besides its argument: the database, the hub clock and the caller. */
export interface HubContext {
  store: HubDatabase;
  clock: () => Date;
  /** Signs every artifact devices pull; its public key is handed out at enrollment. */
  signingKey: SigningKey;
  /** Model package files (issue 12); absent, the model calls answer `not_configured`. */
  blobs?: HubBlobStore;
}
export interface Call {
  hub: HubContext;
  p: Principal;
}

export type HubHandler<K extends HubCallName> = (arg: ParsedInputOf<HubContract, K>, call: Call) => Promise<OutputOf<HubContract, K>>;
/** One handler per contract entry; each area's map satisfies a part of it, the join all of it. */
export type HubHandlerMap = { [K in HubCallName]: HubHandler<K> };

export const nowIso = (hub: HubContext): string => hub.clock().toISOString();

export const isUniqueViolation = (err: unknown): boolean => {
  const e = err as { code?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
};

// ---- site scope: every read and write is confined to the caller's site -------------------------------

/** Hub-wide callers (admins, auditors without a site) may name any site; everyone else only their own. */
export function scopeSite(p: Principal, requested: number | undefined): number | undefined {
  if (p.role === 'admin' || p.siteId === null) return requested;
  if (requested !== undefined && requested !== p.siteId) throw new ApiError('forbidden', `Your credential is for site ${p.siteId}, not site ${requested}`);
  return p.siteId;
}

/** A thing that belongs to a site (a task, a device) may be seen only from that site or hub-wide. */
export function requireSameSite(p: Principal, siteId: number, what: string): void {
  // Same answer as for a thing that does not exist: another site's ids are not to be probed.
  if (p.role !== 'admin' && p.siteId !== null && p.siteId !== siteId) throw new ApiError('not_found', `No ${what} at your site`);
}

export async function requireSite(t: HubKysely, siteId: number): Promise<void> {
  if (!(await t.selectFrom('hub_sites').select('id').where('id', '=', siteId).executeTakeFirst())) throw new ApiError('not_found', `No site ${siteId}`);
}

export async function deviceSite(t: HubKysely, deviceId: number): Promise<number> {
  const d = await t.selectFrom('hub_devices').select('site_id').where('id', '=', deviceId).executeTakeFirst();
  if (!d) throw new ApiError('not_found', `No device ${deviceId}`);
  return d.site_id;
}

// ---- tasks as the feed and the API show them ------------------------------------------------------------

export type TaskRow = Selectable<HubSchema['hub_tasks']> & {
  d_action: NonNullable<HubTask['decision']>['action'] | null;
  d_user: string | null;
  d_device: number | null;
  d_decided: string | null;
  d_received: string | null;
  l_device: number | null;
  l_user: number | null;
  l_expires: string | null;
};

/** Tasks with their winning decision and lease ('accepted' a literal, so the partial index applies to a prepared statement). */
export const taskQuery = (t: HubKysely) =>
  t
    .selectFrom('hub_tasks as t')
    .leftJoin('hub_decisions as d', (j) => j.onRef('d.task_id', '=', 't.id').on('d.status', '=', sql.lit('accepted')))
    .leftJoin('hub_leases as l', 'l.task_id', 't.id')
    .selectAll('t')
    .select([
      'd.action as d_action',
      'd.user_name as d_user',
      'd.device_id as d_device',
      'd.decided_at as d_decided',
      'd.received_at as d_received',
      'l.device_id as l_device',
      'l.user_id as l_user',
      'l.expires_at as l_expires',
    ]);

export function toTask(r: TaskRow, now: string): HubTask {
  const leaseLive = r.l_expires !== null && r.l_expires > now;
  return {
    id: r.id,
    siteId: r.site_id,
    queueId: r.queue_id,
    docRef: r.doc_ref,
    docSha256: r.doc_sha256,
    docType: r.doc_type as HubTask['docType'],
    fields: JSON.parse(r.fields_json) as Record<string, string>,
    priority: r.priority,
    dueAt: r.due_at,
    status: r.status,
    decision: r.d_action ? { action: r.d_action, user: r.d_user!, deviceId: r.d_device, decidedAt: r.d_decided!, receivedAt: r.d_received! } : null,
    // An expired lease is no lease: the task is back in the queue.
    lease: leaseLive && r.status === 'open' ? { taskId: r.id, deviceId: r.l_device!, userId: r.l_user!, expiresAt: r.l_expires! } : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function loadTask(t: HubKysely, id: number, now: string): Promise<HubTask> {
  const row = await taskQuery(t).where('t.id', '=', id).executeTakeFirst();
  if (!row) throw new ApiError('not_found', `No task ${id}`);
  return toTask(row as TaskRow, now);
}

// ---- the write door: a transaction whose change-feed rows go in with it ----------------------------------

export interface FeedEntry {
  siteId: number;
  type: 'task' | 'artifact';
  payload: Record<string, unknown>;
}

/**
 * One transaction; what `fn` adds to `feed` is written in the same transaction, in one statement
 * (UNNEST of arrays on PostgreSQL, json_each on SQLite: texts that never depend on the count).
 */
export function writeTx<T>(hub: HubContext, fn: (t: HubKysely, feed: FeedEntry[]) => Promise<T>): Promise<T> {
  return hub.store.tx(async (t) => {
    const feed: FeedEntry[] = [];
    const result = await fn(t, feed);
    await insertFeed(hub, t, feed);
    return result;
  });
}

export async function insertFeed(hub: HubContext, t: HubKysely, feed: FeedEntry[]): Promise<void> {
  if (!feed.length) return;
  const now = nowIso(hub);
  if (hub.store.dialect === 'postgres') {
    await sql`INSERT INTO hub_changes (site_id, type, payload_json, created_at)
      SELECT s, ty, p, ${now} FROM unnest(${feed.map((f) => f.siteId)}::bigint[], ${feed.map((f) => f.type)}::text[], ${feed.map((f) => JSON.stringify(f.payload))}::text[]) AS x(s, ty, p)`.execute(t);
    return;
  }
  // SQLite: one statement text for any count, over one JSON array (prepared once).
  await sql`INSERT INTO hub_changes (site_id, type, payload_json, created_at)
    SELECT value ->> 0, value ->> 1, value ->> 2, ${now} FROM json_each(${JSON.stringify(feed.map((f) => [f.siteId, f.type, JSON.stringify(f.payload)]))}) ORDER BY key`.execute(t);
}
