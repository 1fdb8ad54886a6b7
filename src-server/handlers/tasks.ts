import { ApiError } from '../../src-shared/contract/dispatch.ts';
import { canonicalJson } from '../../src-common/audit-chain/canonical-json.ts';
import { exportableFields } from './artifacts.ts';
import { isUniqueViolation, loadTask, nowIso, requireSameSite, requireSite, scopeSite, taskQuery, toTask, writeTx, type HubHandlerMap, type TaskRow } from './context.ts';

/** Fields a site may not export, named in a sentence; null when all may go. */
export function refusedFields(fields: Iterable<string>, allowed: Set<string>): string | null {
  const refused = [...fields].filter((f) => !allowed.has(f));
  return refused.length ? `The site policy keeps ${refused.join(', ')} on the device; allowed: ${[...allowed].join(', ')}` : null;
}

/** Review queues, the tasks on them (metadata only) and leases on tasks. */
export const queuesAndTasks = {
  'queues.create': async (a, { hub }) => {
    await requireSite(hub.store.db, a.siteId);
    try {
      const r = await hub.store.db.insertInto('hub_queues').values({ site_id: a.siteId, name: a.name, created_at: nowIso(hub) }).returningAll().executeTakeFirstOrThrow();
      return { id: r.id, siteId: r.site_id, name: r.name, createdAt: r.created_at };
    } catch (err) {
      if (isUniqueViolation(err)) throw new ApiError('conflict', `Site ${a.siteId} has a queue named ${a.name} already`);
      throw err;
    }
  },

  'queues.list': async (a, { hub, p }) => {
    const siteId = scopeSite(p, a.siteId);
    let q = hub.store.db.selectFrom('hub_queues').selectAll().orderBy('id');
    if (siteId !== undefined) q = q.where('site_id', '=', siteId);
    return { items: (await q.execute()).map((r) => ({ id: r.id, siteId: r.site_id, name: r.name, createdAt: r.created_at })) };
  },

  'tasks.create': async (a, { hub, p }) =>
    writeTx(hub, async (t, feed) => {
      const queueIds = [...new Set(a.tasks.map((x) => x.queueId))];
      const queues = new Map((await t.selectFrom('hub_queues').select(['id', 'site_id']).where('id', 'in', queueIds).execute()).map((q) => [q.id, q.site_id]));
      const allowedBySite = new Map<number, Set<string>>();
      for (const input of a.tasks) {
        const siteId = queues.get(input.queueId);
        if (siteId === undefined) throw new ApiError('not_found', `No queue ${input.queueId}`);
        if (p.role !== 'admin' && p.siteId !== siteId) throw new ApiError('forbidden', `Queue ${input.queueId} belongs to another site`);
        if (!allowedBySite.has(siteId)) allowedBySite.set(siteId, await exportableFields(t, siteId));
        const refused = refusedFields(Object.keys(input.fields), allowedBySite.get(siteId)!);
        if (refused) throw new ApiError('field_not_exportable', refused);
      }
      const now = nowIso(hub);
      const rows = await t
        .insertInto('hub_tasks')
        .values(
          a.tasks.map((x) => ({
            site_id: queues.get(x.queueId)!,
            queue_id: x.queueId,
            doc_ref: x.docRef,
            doc_sha256: x.docSha256,
            doc_type: x.docType,
            fields_json: canonicalJson(x.fields),
            priority: x.priority,
            due_at: x.dueAt,
            status: 'open' as const,
            created_at: now,
            updated_at: now,
          })),
        )
        .returningAll()
        .execute();
      rows.sort((x, y) => x.id - y.id);
      const items = rows.map((r) => toTask({ ...r, d_action: null, d_user: null, d_device: null, d_decided: null, d_received: null, l_device: null, l_user: null, l_expires: null }, now));
      for (const task of items) feed.push({ siteId: task.siteId, type: 'task', payload: { task } });
      return { items };
    }),

  'tasks.list': async (a, { hub, p }) => {
    const siteId = scopeSite(p, a.siteId);
    const db = hub.store.db;
    const count = db
      .selectFrom('hub_tasks as t')
      .select((e) => e.fn.countAll<number>().as('n'))
      .$if(siteId !== undefined, (q) => q.where('t.site_id', '=', siteId!))
      .$if(a.queueId !== undefined, (q) => q.where('t.queue_id', '=', a.queueId!))
      .$if(a.status !== undefined, (q) => q.where('t.status', '=', a.status!));
    const page = taskQuery(db)
      .$if(siteId !== undefined, (q) => q.where('t.site_id', '=', siteId!))
      .$if(a.queueId !== undefined, (q) => q.where('t.queue_id', '=', a.queueId!))
      .$if(a.status !== undefined, (q) => q.where('t.status', '=', a.status!));
    const total = Number((await count.executeTakeFirstOrThrow()).n);
    const rows = await page.orderBy('t.priority', 'desc').orderBy('t.id').limit(a.limit).offset(a.offset).execute();
    const now = nowIso(hub);
    return { items: rows.map((r) => toTask(r as TaskRow, now)), total };
  },

  'tasks.decisions': async (a, { hub, p }) => {
    const db = hub.store.db;
    const task = await db.selectFrom('hub_tasks').select('site_id').where('id', '=', a.taskId).executeTakeFirst();
    if (!task) throw new ApiError('not_found', `No task ${a.taskId}`);
    requireSameSite(p, task.site_id, `task ${a.taskId}`);
    const rows = await db.selectFrom('hub_decisions').selectAll().where('task_id', '=', a.taskId).orderBy('id').execute();
    return {
      items: rows.map((r) => ({
        id: r.id,
        taskId: r.task_id,
        deviceId: r.device_id,
        clientId: r.client_id,
        mutationId: r.mutation_id,
        user: r.user_name,
        userId: r.user_id,
        claimedActor: r.claimed_actor,
        action: r.action,
        reason: r.reason,
        status: r.status,
        decidedAt: r.decided_at,
        receivedAt: r.received_at,
      })),
    };
  },

  'leases.acquire': async (a, { hub, p }) =>
    writeTx(hub, async (t, feed) => {
      let q = t.selectFrom('hub_tasks').select(['site_id', 'status']).where('id', '=', a.taskId);
      if (hub.store.dialect === 'postgres') q = q.forUpdate();
      const task = await q.executeTakeFirst();
      if (!task || task.site_id !== p.siteId) throw new ApiError('not_found', `No task ${a.taskId} at your site`);
      if (task.status !== 'open') throw new ApiError('already_decided', `Task ${a.taskId} is ${task.status}`);
      const now = nowIso(hub);
      const lease = await t.selectFrom('hub_leases').selectAll().where('task_id', '=', a.taskId).executeTakeFirst();
      if (lease && lease.expires_at > now && (lease.device_id !== p.deviceId || lease.user_id !== p.userId)) {
        throw new ApiError('leased', `Task ${a.taskId} is leased to device ${lease.device_id} until ${lease.expires_at}`);
      }
      const expiresAt = new Date(hub.clock().getTime() + a.ttlSeconds * 1000).toISOString();
      await t
        .insertInto('hub_leases')
        .values({ task_id: a.taskId, device_id: p.deviceId!, user_id: p.userId, expires_at: expiresAt })
        .onConflict((oc) => oc.column('task_id').doUpdateSet((eb) => ({ device_id: eb.ref('excluded.device_id'), user_id: eb.ref('excluded.user_id'), expires_at: eb.ref('excluded.expires_at') })))
        .execute();
      await t.updateTable('hub_tasks').set({ updated_at: now }).where('id', '=', a.taskId).execute();
      feed.push({ siteId: task.site_id, type: 'task', payload: { task: await loadTask(t, a.taskId, now) } });
      return { taskId: a.taskId, deviceId: p.deviceId!, userId: p.userId, expiresAt };
    }),

  'leases.release': async (a, { hub, p }) =>
    writeTx(hub, async (t, feed) => {
      const r = await t.deleteFrom('hub_leases').where('task_id', '=', a.taskId).where('device_id', '=', p.deviceId!).executeTakeFirst();
      const released = Number(r.numDeletedRows) > 0;
      const task = await t.selectFrom('hub_tasks').select('site_id').where('id', '=', a.taskId).executeTakeFirst();
      if (released && task) {
        const now = nowIso(hub);
        await t.updateTable('hub_tasks').set({ updated_at: now }).where('id', '=', a.taskId).execute();
        feed.push({ siteId: task.site_id, type: 'task', payload: { task: await loadTask(t, a.taskId, now) } });
      }
      return { released };
    }),
} satisfies Partial<HubHandlerMap>;
