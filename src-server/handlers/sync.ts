import { sql, type Selectable } from 'kysely';
import { ApiError } from '../../src-shared/contract/dispatch.ts';
import type { Change, Mutation, MutationResult } from '../../src-shared/contract/hub.ts';
import type { Principal } from '../auth.ts';
import { FEED_WRITER_LOCK, type HubKysely } from '../store/database.ts';
import type { HubSchema } from '../store/schema.ts';
import { exportableFields } from './artifacts.ts';
import { nowIso, toTask, writeTx, type FeedEntry, type HubContext, type HubHandlerMap, type TaskRow } from './context.ts';

/** A value the device replaced by a keyed hash because the field may not leave the site. */
export const HMAC_VALUE = /^hmac:[0-9a-f]{16,128}$/;

const UNAUTHENTICATED = 'A valid, unrevoked, unexpired credential is needed (Authorization: Bearer …)';

/** Who may decide a task: the roles that review. Clerks put tasks on queues; they do not decide them. */
const DECIDING_ROLES = new Set(['reviewer', 'admin']);

type Decide = Mutation & { name: 'task.decide' };
type Outcome = { id: number; status: 'applied' | 'superseded' | 'rejected'; code: string | null; message: string | null; taskId: number };

/**
 * The cursor is opaque to devices: `<tx>.<seq>` of the last row returned. On PostgreSQL several
 * writers commit in any order, so a row with a lower seq can appear after a higher one; reading in
 * (tx, seq) order and only rows of transactions older than the oldest feed writer still running at
 * this statement's snapshot means no row can later appear behind the cursor. A writer still running
 * is one in the snapshot's in-progress list that holds FEED_WRITER_LOCK, or that has finished since
 * (counted, to be safe); transactions of other applications never hold the pull back.
 */
async function pull(hub: HubContext, cursor: string, limit: number, p: Principal) {
  const [tx, seq] = cursor.split('.').map(Number) as [number, number];
  const horizon =
    hub.store.dialect === 'postgres'
      ? sql`AND c.tx < coalesce((
             SELECT min(x::text::bigint) FROM pg_snapshot_xip(pg_current_snapshot()) AS x
             WHERE xid(x)::text IN (
                     SELECT a.backend_xid::text FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                     WHERE l.locktype = 'advisory' AND l.classid = ${sql.lit(FEED_WRITER_LOCK)} AND l.objsubid = 2
                       AND l.objid::text::bigint = (hashtext(current_schema())::bigint & 4294967295) AND a.backend_xid IS NOT NULL)
                OR xid(x)::text NOT IN (SELECT backend_xid::text FROM pg_stat_activity WHERE backend_xid IS NOT NULL)
           ), 9223372036854775807)`
      : sql``;
  const rows = (
    await sql<{ seq: number; tx: number; type: 'task' | 'artifact'; payload_json: string }>`
      SELECT c.seq, c.tx, c.type, c.payload_json FROM hub_changes c
      WHERE c.site_id = ${p.siteId!} AND (c.tx > ${tx} OR (c.tx = ${tx} AND c.seq > ${seq})) ${horizon} ORDER BY c.tx, c.seq LIMIT ${limit + 1}`.execute(hub.store.db)
  ).rows;
  const page = rows.slice(0, limit);
  const changes = page.map((r) => ({ seq: Number(r.seq), type: r.type, ...(JSON.parse(r.payload_json) as object) })) as Change[];
  const last = page.at(-1);
  return { changes, cursor: last ? `${last.tx}.${last.seq}` : cursor, hasMore: rows.length > limit };
}

/** Refusals decided before the database is asked: the caller's role and the fields the site keeps. */
function precheck(m: Decide, p: Principal, allowed: Set<string>): Outcome | null {
  const a = m.args;
  if (!DECIDING_ROLES.has(p.role)) {
    return { id: m.id, taskId: a.taskId, status: 'rejected', code: 'forbidden', message: `The ${p.role} role may not decide tasks; task ${a.taskId} was left as it was.` };
  }
  const kept = Object.entries(a.corrections ?? {}).filter(([f, v]) => !allowed.has(f) && !HMAC_VALUE.test(v));
  if (kept.length) {
    return {
      id: m.id,
      taskId: a.taskId,
      status: 'rejected',
      code: 'field_not_exportable',
      message: `The site policy keeps ${kept.map(([f]) => f).join(', ')} on the device; send those values as hmac:<hex> or not at all. Task ${a.taskId} was left as it was.`,
    };
  }
  return null;
}

/** The prechecks of a push's decisions: those refused, and those left to apply (in mutation order). */
async function prechecks(t: HubKysely, ms: Decide[], p: Principal) {
  // The policy matters only to corrections: most pushes carry none and skip the lookup.
  const allowed = ms.some((m) => m.args.corrections && Object.keys(m.args.corrections).length) ? await exportableFields(t, p.siteId!) : new Set<string>();
  const refused = new Map<number, Outcome>();
  const todo: Decide[] = [];
  for (const m of ms) {
    const r = precheck(m, p, allowed);
    if (r) refused.set(m.id, r);
    else todo.push(m);
  }
  return { refused, todo };
}

/** The decisions to apply as columns (what both dialects' set statements read). */
const decisionColumns = (todo: Decide[]) => ({
  mutation_id: todo.map((m) => m.id),
  task_id: todo.map((m) => m.args.taskId),
  action: todo.map((m) => m.args.action),
  reason: todo.map((m) => m.args.reason ?? null),
  changes_json: todo.map((m) => JSON.stringify(Object.entries(m.args.corrections ?? {}).map(([field, newValue]) => ({ field, newValue })))),
  time_spent_ms: todo.map((m) => m.args.timeSpentMs ?? null),
  decided_at: todo.map((m) => m.args.decidedAt),
  claimed_actor: todo.map((m) => m.args.actor),
});

/** What the database found for one decision it was asked to apply. */
type Applied = { known: boolean; leaseDevice: number | null; leaseUser: number | null; leaseExpires: string | null; won: boolean };
type Winner = { task_id: number; user_name: string; device_id: number | null; received_at: string };

function outcomeOf(m: Decide, r: Applied, winners: Map<number, Winner>): Outcome {
  const taskId = m.args.taskId;
  // A refused mutation still counts as processed: the client must not retry it forever.
  if (!r.known) return { id: m.id, taskId, status: 'rejected', code: 'not_found', message: `No task ${taskId} at this device's site` };
  if (r.leaseExpires) {
    return {
      id: m.id,
      taskId,
      status: 'rejected',
      code: 'leased',
      message: `Task ${taskId} is leased to another reviewer (user ${r.leaseUser} on device ${r.leaseDevice}) until ${r.leaseExpires}; this decision was refused and the task left as it was.`,
    };
  }
  if (r.won) return { id: m.id, taskId, status: 'applied', code: null, message: null };
  const w = winners.get(taskId);
  const by = w ? `${w.user_name} on device ${w.device_id} (received ${w.received_at})` : 'another route (the task is no longer open)';
  return { id: m.id, taskId, status: 'superseded', code: 'already_decided', message: `Task ${taskId} was decided first by ${by}; this decision is kept as superseded.` };
}

const duplicateOf = (m: Mutation, stored: string | undefined): MutationResult => {
  const original = stored === undefined ? 'rejected' : stored === 'accepted' ? 'applied' : 'superseded';
  return { id: m.id, status: 'duplicate', code: null, message: `Mutation ${m.id} was processed before (${original})`, original };
};

const resultOf = (o: Outcome): MutationResult => ({ id: o.id, status: o.status, code: o.code, message: o.message, original: null });

/**
 * SQLite: applies a push's decisions as sets, a few statements over json_each, no per-decision statement:
 * whichever of them find their task open (first by mutation id within the push) win; the rest are kept
 * as superseded; a task of another site, a live lease held by someone else, or a refusal above leaves no
 * decision row.
 */
async function applyDecisions(hub: HubContext, t: HubKysely, clientId: string, ms: Decide[], p: Principal, last: number): Promise<{ outcomes: Outcome[]; won: TaskRow[] }> {
  const now = nowIso(hub);
  const { refused, todo } = await prechecks(t, ms, p);
  const rows = todo.length ? await applySqlite(t, clientId, todo, p, now, last, decisionColumns(todo)) : [];
  if (!todo.length) await t.updateTable('hub_clients').set({ last_mutation_id: last, updated_at: now }).where('client_id', '=', clientId).execute();
  const superseded = rows.filter((r) => r.known && !r.leaseExpires && !r.won);
  const winners = superseded.length
    ? await t
        .selectFrom('hub_decisions')
        .select(['task_id', 'user_name', 'device_id', 'received_at'])
        // A literal, not a parameter: with a bound value SQLite re-prepares the statement on every run to see
        // whether the partial index (WHERE status = 'accepted') applies.
        .where('status', '=', sql.lit('accepted'))
        .where('task_id', 'in', [...new Set(superseded.map((r) => r.m.args.taskId))])
        .execute()
    : [];
  const byTask = new Map(winners.map((w) => [w.task_id, w]));
  const outcomes = new Map(rows.map((r) => [r.m.id, outcomeOf(r.m, r, byTask)]));
  const won = rows.flatMap((r) => (r.won && r.task ? [{ ...r.task, d_action: r.m.args.action, d_user: p.userName, d_device: p.deviceId, d_decided: r.m.args.decidedAt, d_received: now, l_device: null, l_user: null, l_expires: null }] : []));
  return { outcomes: ms.map((m) => refused.get(m.id) ?? outcomes.get(m.id)!), won };
}

/** SQLite has no data-modifying CTEs: the same sets, statement by statement, each over one JSON array. */
async function applySqlite(t: HubKysely, clientId: string, todo: Decide[], p: Principal, now: string, last: number, cols: ReturnType<typeof decisionColumns>) {
  const ids = JSON.stringify([...new Set(cols.task_id)]);
  const tk = (
    await sql<{ id: number; lease_device: number | null; lease_user: number | null; lease_expires: string | null }>`
      SELECT t.id, l.device_id AS lease_device, l.user_id AS lease_user, l.expires_at AS lease_expires
      FROM json_each(${ids}) AS j CROSS JOIN hub_tasks t ON t.id = j.value LEFT JOIN hub_leases l ON l.task_id = t.id
      WHERE t.site_id = ${p.siteId!}`.execute(t)
  ).rows;
  const known = new Map(tk.map((r) => [r.id, { ...r, blocked: r.lease_expires !== null && r.lease_expires > now && (r.lease_device !== p.deviceId || r.lease_user !== p.userId) }]));
  const firsts = new Map<number, number>();
  for (const m of todo) if (known.has(m.args.taskId) && !known.get(m.args.taskId)!.blocked && !firsts.has(m.args.taskId)) firsts.set(m.args.taskId, m.id);
  const wonRows = firsts.size
    ? (
        await sql<Selectable<HubSchema['hub_tasks']>>`UPDATE hub_tasks SET status = 'decided', updated_at = ${now}
          WHERE site_id = ${p.siteId!} AND status = 'open' AND id IN (SELECT value FROM json_each(${JSON.stringify([...firsts.keys()])})) RETURNING *`.execute(t)
      ).rows
    : [];
  const wonBy = new Map(wonRows.map((r) => [firsts.get(r.id)!, r]));
  const insert = todo
    .map((m, i) => ({ m, i }))
    .filter(({ m }) => known.has(m.args.taskId) && !known.get(m.args.taskId)!.blocked)
    .map(({ m, i }) => [m.args.taskId, m.id, cols.claimed_actor[i], cols.action[i], cols.reason[i], cols.changes_json[i], cols.time_spent_ms[i], cols.decided_at[i], wonBy.has(m.id) ? 'accepted' : 'superseded']);
  if (insert.length) {
    await sql`INSERT INTO hub_decisions (task_id, device_id, client_id, mutation_id, user_id, user_name, claimed_actor, action, reason, changes_json, time_spent_ms, decided_at, received_at, status)
      SELECT value ->> 0, ${p.deviceId!}, ${clientId}, value ->> 1, ${p.userId}, ${p.userName}, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, ${now}, value ->> 8
      FROM json_each(${JSON.stringify(insert)}) ORDER BY key`.execute(t);
  }
  // Only tasks that had a lease row (live or expired) need one deleted: most decisions come without.
  const leased = wonRows.filter((r) => known.get(r.id)?.lease_device != null);
  if (leased.length) await sql`DELETE FROM hub_leases WHERE task_id IN (SELECT value FROM json_each(${JSON.stringify(leased.map((r) => r.id))}))`.execute(t);
  await sql`UPDATE hub_clients SET last_mutation_id = ${last}, updated_at = ${now} WHERE client_id = ${clientId}`.execute(t);
  return todo.map((m) => {
    const k = known.get(m.args.taskId);
    const w = wonBy.get(m.id);
    return { m, task: w, known: !!k, leaseDevice: k?.lease_device ?? null, leaseUser: k?.lease_user ?? null, leaseExpires: k?.blocked ? k.lease_expires : null, won: !!w };
  });
}

/**
 * Replicache's rule: per client, mutation ids are applied in order, each exactly once, in the same
 * transaction that records the client's last applied id. A replay is acknowledged, a gap refused.
 */
async function pushSqlite(hub: HubContext, clientId: string, mutations: Mutation[], p: Principal) {
  return writeTx(hub, async (t, feed: FeedEntry[]) => {
    const now = nowIso(hub);
    // One statement: checks the device credential once more (the caller may have remembered it), creates the
    // client on its first push and, either way, takes its row. No row back: the credential is no longer good.
    const client = (
      await sql<{ device_id: number; last_mutation_id: number }>`INSERT INTO hub_clients (client_id, device_id, last_mutation_id, updated_at)
        SELECT ${clientId}, ${p.deviceId!}, 0, ${now}
        WHERE ${p.credentialHash ?? null} IS NULL OR EXISTS (
          SELECT 1 FROM hub_credentials c JOIN hub_users u ON u.id = c.user_id JOIN hub_devices d ON d.id = c.device_id
          WHERE c.token_hash = ${p.credentialHash ?? null} AND c.device_id = ${p.deviceId!} AND c.revoked_at IS NULL AND u.revoked_at IS NULL AND d.revoked_at IS NULL
            AND (c.expires_at IS NULL OR c.expires_at > ${now}))
        ON CONFLICT (client_id) DO UPDATE SET updated_at = excluded.updated_at RETURNING device_id, last_mutation_id`.execute(t)
    ).rows[0];
    if (!client) throw new ApiError('unauthenticated', UNAUTHENTICATED);
    if (client.device_id !== p.deviceId) throw new ApiError('forbidden', `Client ${clientId} belongs to another device`);
    const last = Number(client.last_mutation_id);
    const fresh = mutations.filter((m) => m.id > last);
    fresh.forEach((m, i) => {
      if (m.id !== last + 1 + i) {
        throw new ApiError('mutation_out_of_order', `Mutation ids must follow ${last} without a gap: expected ${last + 1 + i}, got ${m.id}. Nothing in this push was applied; resend from ${last + 1}.`);
      }
    });
    const dups = mutations.filter((m) => m.id <= last);
    const earlier = dups.length
      ? await t.selectFrom('hub_decisions').select(['mutation_id', 'status']).where('client_id', '=', clientId).where('mutation_id', 'in', dups.map((m) => m.id)).execute()
      : [];
    const stored = new Map(earlier.map((e) => [Number(e.mutation_id), e.status]));
    const results = dups.map((m) => duplicateOf(m, stored.get(m.id)));
    if (!fresh.length) return { lastMutationId: last, results };
    const { outcomes, won } = await applyDecisions(hub, t, clientId, fresh as Decide[], p, fresh.at(-1)!.id);
    for (const r of won) feed.push({ siteId: r.site_id, type: 'task', payload: { task: toTask(r, now) } });
    results.push(...outcomes.map(resultOf));
    return { lastMutationId: fresh.at(-1)!.id, results };
  });
}

type PushReply = {
  last: number;
  earlier: { mutation_id: number; status: string }[] | null;
  outcomes?: { mutation_id: number; task_id: number; known: boolean; lease_device: number | null; lease_user: number | null; lease_expires: string | null; won: boolean }[] | null;
  winners?: Winner[] | null;
};

/** PostgreSQL: the same rules in one statement, `hub_push` (store/push-function.ts): one round trip, one commit. */
async function pushPostgres(hub: HubContext, clientId: string, mutations: Mutation[], p: Principal) {
  // The prechecks for every mutation (replays are answered from what was stored, whatever these say).
  const { refused, todo } = await prechecks(hub.store.db, mutations as Decide[], p);
  const c = decisionColumns(todo);
  let reply: PushReply;
  try {
    reply = (
      await sql<{ r: PushReply }>`SELECT hub_push(${p.credentialHash ?? null}, ${clientId}, ${p.deviceId!}, ${p.userId}, ${p.userName}, ${p.siteId!}, ${nowIso(hub)}, ${mutations.map((m) => m.id)}::bigint[],
        ${c.mutation_id}::bigint[], ${c.task_id}::bigint[], ${c.action}::text[], ${c.reason}::text[], ${c.changes_json}::text[], ${c.time_spent_ms}::int[], ${c.decided_at}::text[],
        ${c.claimed_actor}::text[]) AS r`.execute(hub.store.db)
    ).rows[0]!.r;
  } catch (err) {
    const e = err as { code?: string; detail?: string; message: string };
    if (e.code === 'P0001' && (e.detail === 'unauthenticated' || e.detail === 'forbidden' || e.detail === 'mutation_out_of_order')) throw new ApiError(e.detail, e.message);
    throw err;
  }
  const stored = new Map((reply.earlier ?? []).map((e) => [Number(e.mutation_id), e.status]));
  const results = mutations.filter((m) => m.id <= reply.last).map((m) => duplicateOf(m, stored.get(m.id)));
  const fresh = mutations.filter((m) => m.id > reply.last) as Decide[];
  if (!fresh.length) return { lastMutationId: reply.last, results };
  const applied = new Map((reply.outcomes ?? []).map((o) => [Number(o.mutation_id), o]));
  const winners = new Map((reply.winners ?? []).map((w) => [Number(w.task_id), w]));
  for (const m of fresh) {
    const o = applied.get(m.id);
    const refusal = refused.get(m.id);
    results.push(resultOf(refusal ?? outcomeOf(m, { known: !!o?.known, leaseDevice: o?.lease_device ?? null, leaseUser: o?.lease_user ?? null, leaseExpires: o?.lease_expires ?? null, won: !!o?.won }, winners)));
  }
  return { lastMutationId: fresh.at(-1)!.id, results };
}

const push = (hub: HubContext, clientId: string, mutations: Mutation[], p: Principal) =>
  hub.store.dialect === 'postgres' ? pushPostgres(hub, clientId, mutations, p) : pushSqlite(hub, clientId, mutations, p);

/** Sync: the change feed devices pull and the mutations they push. */
export const syncHandlers = {
  'sync.pull': async (a, { hub, p }) => pull(hub, a.cursor, a.limit, p),
  'sync.push': async (a, { hub, p }) => push(hub, a.clientId, a.mutations, p),
} satisfies Partial<HubHandlerMap>;
