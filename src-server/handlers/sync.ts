import { sql } from 'kysely';
import { ApiError } from '../../src-shared/contract/dispatch.ts';
import type { Change, Mutation, MutationResult } from '../../src-shared/contract/hub.ts';
import type { Principal } from '../auth.ts';
import { FEED_WRITER_LOCK, type HubKysely } from '../store/database.ts';
import { exportableFields } from './artifacts.ts';
import { nowIso, toTask, writeTx, type FeedEntry, type HubContext, type HubHandlerMap, type TaskRow } from './context.ts';

/** A value the device replaced by a keyed hash because the field may not leave the site. */
export const HMAC_VALUE = /^hmac:[0-9a-f]{16,128}$/;

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

/**
 * Applies a push's decisions as sets: whichever of them find their task open (first by mutation id
 * within the push) win; the rest are kept as superseded; a task of another site, a live lease held
 * by someone else, or a refusal above leaves no decision row. PostgreSQL: one statement (UNNEST of
 * arrays, data-modifying CTEs, the change feed included); SQLite: a few statements over json_each, no
 * per-decision statement.
 */
async function applyDecisions(hub: HubContext, t: HubKysely, clientId: string, ms: Decide[], p: Principal, last: number): Promise<{ outcomes: Outcome[]; won: TaskRow[]; feedWritten: boolean }> {
  const now = nowIso(hub);
  // The policy matters only to corrections: most pushes carry none and skip the lookup.
  const allowed = ms.some((m) => m.args.corrections && Object.keys(m.args.corrections).length) ? await exportableFields(t, p.siteId!) : new Set<string>();
  const outcomes = new Map<number, Outcome>();
  const todo: Decide[] = [];
  for (const m of ms) {
    const refused = precheck(m, p, allowed);
    if (refused) outcomes.set(m.id, refused);
    else todo.push(m);
  }
  const cols = {
    mutation_id: todo.map((m) => m.id),
    task_id: todo.map((m) => m.args.taskId),
    action: todo.map((m) => m.args.action),
    reason: todo.map((m) => m.args.reason ?? null),
    changes_json: todo.map((m) => JSON.stringify(Object.entries(m.args.corrections ?? {}).map(([field, newValue]) => ({ field, newValue })))),
    time_spent_ms: todo.map((m) => m.args.timeSpentMs ?? null),
    decided_at: todo.map((m) => m.args.decidedAt),
    claimed_actor: todo.map((m) => m.args.actor),
  };
  type Row = TaskRow & { won_mutation: number | null; mutation_id: number; known: number | boolean; lease_device: number | null; lease_user: number | null; lease_expires: string | null };
  let rows: Row[] = [];
  if (todo.length && hub.store.dialect === 'postgres') {
    rows = (
      await sql<Row>`
      WITH m AS (
        SELECT * FROM unnest(${cols.mutation_id}::bigint[], ${cols.task_id}::bigint[], ${cols.action}::text[], ${cols.reason}::text[], ${cols.changes_json}::text[],
                             ${cols.time_spent_ms}::int[], ${cols.decided_at}::text[], ${cols.claimed_actor}::text[])
          AS m(mutation_id, task_id, action, reason, changes_json, time_spent_ms, decided_at, claimed_actor)
      ),
      tk AS (
        SELECT t.id, l.device_id AS lease_device, l.user_id AS lease_user, l.expires_at AS lease_expires,
               (l.expires_at > ${now} AND (l.device_id <> ${p.deviceId!} OR l.user_id <> ${p.userId})) AS blocked
        FROM hub_tasks t LEFT JOIN hub_leases l ON l.task_id = t.id
        WHERE t.id IN (SELECT task_id FROM m) AND t.site_id = ${p.siteId!}
      ),
      firsts AS (SELECT DISTINCT ON (m.task_id) m.task_id, m.mutation_id FROM m JOIN tk ON tk.id = m.task_id AND NOT coalesce(tk.blocked, false) ORDER BY m.task_id, m.mutation_id),
      won AS (
        UPDATE hub_tasks t SET status = 'decided', updated_at = ${now} FROM firsts f
        WHERE t.id = f.task_id AND t.site_id = ${p.siteId!} AND t.status = 'open'
        RETURNING t.*, f.mutation_id AS won_mutation
      ),
      ins AS (
        INSERT INTO hub_decisions (task_id, device_id, client_id, mutation_id, user_id, user_name, claimed_actor, action, reason, changes_json, time_spent_ms, decided_at, received_at, status)
        SELECT m.task_id, ${p.deviceId!}, ${clientId}, m.mutation_id, ${p.userId}, ${p.userName}, m.claimed_actor, m.action, m.reason, m.changes_json, m.time_spent_ms, m.decided_at, ${now},
               CASE WHEN w.won_mutation IS NULL THEN 'superseded' ELSE 'accepted' END
        FROM m JOIN tk ON tk.id = m.task_id AND NOT coalesce(tk.blocked, false) LEFT JOIN won w ON w.id = m.task_id AND w.won_mutation = m.mutation_id
        RETURNING mutation_id
      ),
      -- Data-modifying CTEs run to completion whether or not the query below reads them.
      gone AS (DELETE FROM hub_leases WHERE task_id IN (SELECT id FROM won)),
      client AS (UPDATE hub_clients SET last_mutation_id = ${last}, updated_at = ${now} WHERE client_id = ${clientId}),
      -- The change feed in the same statement: each decided task's new state, as toTask() writes it.
      feed AS (
        INSERT INTO hub_changes (site_id, type, payload_json, created_at)
        SELECT w.site_id, 'task', json_build_object('task', json_build_object(
                 'id', w.id, 'siteId', w.site_id, 'queueId', w.queue_id, 'docRef', w.doc_ref, 'docSha256', w.doc_sha256, 'docType', w.doc_type,
                 'fields', w.fields_json::json, 'priority', w.priority, 'dueAt', w.due_at, 'status', w.status,
                 'decision', json_build_object('action', m.action, 'user', ${p.userName}::text, 'deviceId', ${p.deviceId!}::bigint, 'decidedAt', m.decided_at, 'receivedAt', ${now}::text),
                 'lease', NULL, 'createdAt', w.created_at, 'updatedAt', w.updated_at))::text, ${now}
        FROM won w JOIN m ON m.mutation_id = w.won_mutation ORDER BY m.mutation_id
      )
      SELECT m.mutation_id, (tk.id IS NOT NULL) AS known, tk.lease_device, tk.lease_user, CASE WHEN tk.blocked THEN tk.lease_expires END AS lease_expires,
             w.id, w.site_id, w.queue_id, w.doc_ref, w.doc_sha256, w.doc_type, w.fields_json, w.priority, w.due_at, w.status, w.created_at, w.updated_at, w.won_mutation
      FROM m LEFT JOIN tk ON tk.id = m.task_id LEFT JOIN won w ON w.won_mutation = m.mutation_id
      ORDER BY m.mutation_id`.execute(t)
    ).rows;
  } else if (todo.length) {
    rows = await applySqlite(t, clientId, todo, p, now, last, cols);
  }
  if (!todo.length) await t.updateTable('hub_clients').set({ last_mutation_id: last, updated_at: now }).where('client_id', '=', clientId).execute();

  const won: TaskRow[] = [];
  const superseded: Decide[] = [];
  const byId = new Map(todo.map((m) => [m.id, m]));
  for (const r of rows) {
    const m = byId.get(Number(r.mutation_id))!;
    const taskId = m.args.taskId;
    if (!r.known || r.known === 0) {
      // A refused mutation still counts as processed: the client must not retry it forever.
      outcomes.set(m.id, { id: m.id, taskId, status: 'rejected', code: 'not_found', message: `No task ${taskId} at this device's site` });
    } else if (r.lease_expires) {
      outcomes.set(m.id, {
        id: m.id,
        taskId,
        status: 'rejected',
        code: 'leased',
        message: `Task ${taskId} is leased to another reviewer (user ${r.lease_user} on device ${r.lease_device}) until ${r.lease_expires}; this decision was refused and the task left as it was.`,
      });
    } else if (r.won_mutation !== null && r.won_mutation !== undefined) {
      won.push({ ...r, id: Number(r.id), d_action: m.args.action, d_user: p.userName, d_device: p.deviceId, d_decided: m.args.decidedAt, d_received: now, l_device: null, l_user: null, l_expires: null });
      outcomes.set(m.id, { id: m.id, taskId, status: 'applied', code: null, message: null });
    } else {
      superseded.push(m);
    }
  }
  if (superseded.length) {
    const winners = new Map(
      (
        await t
          .selectFrom('hub_decisions')
          .select(['task_id', 'user_name', 'device_id', 'received_at'])
          .where('status', '=', 'accepted')
          .where('task_id', 'in', [...new Set(superseded.map((m) => m.args.taskId))])
          .execute()
      ).map((w) => [w.task_id, w]),
    );
    for (const m of superseded) {
      const w = winners.get(m.args.taskId);
      const by = w ? `${w.user_name} on device ${w.device_id} (received ${w.received_at})` : 'another route (the task is no longer open)';
      outcomes.set(m.id, { id: m.id, taskId: m.args.taskId, status: 'superseded', code: 'already_decided', message: `Task ${m.args.taskId} was decided first by ${by}; this decision is kept as superseded.` });
    }
  }
  return { outcomes: ms.map((m) => outcomes.get(m.id)!), won, feedWritten: hub.store.dialect === 'postgres' };
}

/** SQLite has no data-modifying CTEs: the same sets, statement by statement, each over one JSON array. */
async function applySqlite(t: HubKysely, clientId: string, todo: Decide[], p: Principal, now: string, last: number, cols: Record<'claimed_actor' | 'action' | 'reason' | 'changes_json' | 'time_spent_ms' | 'decided_at' | 'task_id', unknown[]>) {
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
        await sql<TaskRow>`UPDATE hub_tasks SET status = 'decided', updated_at = ${now}
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
    return {
      ...(w ?? ({} as TaskRow)),
      mutation_id: m.id,
      known: k ? 1 : 0,
      lease_device: k?.lease_device ?? null,
      lease_user: k?.lease_user ?? null,
      lease_expires: k?.blocked ? k.lease_expires : null,
      won_mutation: w ? m.id : null,
    };
  });
}

/**
 * Replicache's rule: per client, mutation ids are applied in order, each exactly once, in the same
 * transaction that records the client's last applied id. A replay is acknowledged, a gap refused.
 */
async function push(hub: HubContext, clientId: string, mutations: Mutation[], p: Principal) {
  return writeTx(hub, async (t, feed: FeedEntry[]) => {
    const now = nowIso(hub);
    // One round trip: creates the client on its first push and, either way, locks its row to commit.
    const client = await t
      .insertInto('hub_clients')
      .values({ client_id: clientId, device_id: p.deviceId!, last_mutation_id: 0, updated_at: now })
      .onConflict((oc) => oc.column('client_id').doUpdateSet((eb) => ({ updated_at: eb.ref('excluded.updated_at') })))
      .returning(['device_id', 'last_mutation_id'])
      .executeTakeFirstOrThrow();
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
    const outcome = new Map(earlier.map((e) => [Number(e.mutation_id), e.status === 'accepted' ? ('applied' as const) : ('superseded' as const)]));
    const results: MutationResult[] = dups.map((m) => {
      const original = outcome.get(m.id) ?? 'rejected';
      return { id: m.id, status: 'duplicate', code: null, message: `Mutation ${m.id} was processed before (${original})`, original };
    });
    if (!fresh.length) return { lastMutationId: last, results };
    const { outcomes, won, feedWritten } = await applyDecisions(hub, t, clientId, fresh as Decide[], p, fresh.at(-1)!.id);
    if (!feedWritten) for (const r of won) feed.push({ siteId: r.site_id, type: 'task', payload: { task: toTask(r, now) } });
    for (const o of outcomes) results.push({ id: o.id, status: o.status, code: o.code, message: o.message, original: null });
    return { lastMutationId: fresh.at(-1)!.id, results };
  });
}

/** Sync: the change feed devices pull and the mutations they push. */
export const syncHandlers = {
  'sync.pull': async (a, { hub, p }) => pull(hub, a.cursor, a.limit, p),
  'sync.push': async (a, { hub, p }) => push(hub, a.clientId, a.mutations, p),
} satisfies Partial<HubHandlerMap>;
