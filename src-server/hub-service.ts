import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import type { z } from 'zod';
import type { AuditEntry } from '../src-shared/contract/audit.ts';
import { ApiError } from '../src-shared/contract/dispatch.ts';
import type { Artifact, ArtifactKind, AuditBatch, HubContract, HubHandlers, HubRole, HubTask, Mutation, MutationResult } from '../src-shared/contract/hub.ts';
import type { ParsedInputOf } from '../src-shared/contract/define.ts';
import { entryHash, GENESIS_HASH, rowToEntry, type AuditRow } from '../src-main/audit/audit-log.ts';
import { canonicalJson } from '../src-main/audit/canonical-json.ts';
import { DEFAULT_EXPORTABLE_FIELDS } from '../src-shared/data-residency.ts';
import { hashSecret, newSecret, type Principal } from './auth.ts';
import { FEED_WRITER_LOCK, forUpdate, type Sql, type SqlDb } from './store/sql.ts';

type Arg<K extends keyof HubContract> = ParsedInputOf<HubContract, K>;

type TaskRow = {
  id: number; site_id: number; queue_id: number; doc_ref: string; doc_sha256: string; doc_type: HubTask['docType']; fields_json: string;
  priority: number; due_at: string | null; status: HubTask['status']; created_at: string; updated_at: string;
  d_action: NonNullable<HubTask['decision']>['action'] | null; d_user: string | null; d_device: number | null; d_decided: string | null; d_received: string | null;
  l_device: number | null; l_user: number | null; l_expires: string | null;
};
const TASK_SELECT = `
  SELECT t.*, d.action AS d_action, d.user_name AS d_user, d.device_id AS d_device, d.decided_at AS d_decided, d.received_at AS d_received,
         l.device_id AS l_device, l.user_id AS l_user, l.expires_at AS l_expires
  FROM hub_tasks t
  LEFT JOIN hub_decisions d ON d.task_id = t.id AND d.status = 'accepted'
  LEFT JOIN hub_leases l ON l.task_id = t.id`;

/** Fields a task may carry off the device when the site's policy names none: one list, shared with the device. */
export { DEFAULT_EXPORTABLE_FIELDS };

/** The bytes a device signs: the canonical JSON of the batch. */
export const auditBatchBytes = (batch: AuditBatch): Buffer => Buffer.from(canonicalJson(batch), 'utf8');

const isUniqueViolation = (err: unknown): boolean => {
  const e = err as { code?: string; message?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
};

/**
 * The hub's handlers. Stateless: everything lives in the database, so any number of hub processes
 * can serve one PostgreSQL. Each handler gets the authenticated principal; roles were checked already.
 */
export class HubService {
  private readonly pendingFeed = new WeakMap<Sql, { siteId: number; type: 'task' | 'artifact'; payload: string }[]>();

  constructor(
    private readonly db: SqlDb,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private now(): string {
    return this.clock().toISOString();
  }

  /** The handlers for one request, bound to its principal (what `dispatch` calls). */
  bind(p: Principal): HubHandlers {
    const h: { [K in keyof HubContract]: (arg: Arg<K>, p: Principal) => Promise<z.output<HubContract[K]['output']>> } = {
      'hub.whoami': async () => ({ kind: p.kind === 'device' ? 'device' : 'user', userId: p.userId, userName: p.userName, role: p.role as HubRole, siteId: p.siteId, deviceId: p.deviceId }),
      'sites.create': (a) => this.createSite(a.name),
      'sites.list': async () => ({ items: (await this.db.all<{ id: number; name: string; created_at: string }>('SELECT * FROM hub_sites ORDER BY id')).map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at })) }),
      'users.create': (a) => this.createUser(a),
      'users.list': async () => ({ items: (await this.db.all<UserRow>('SELECT * FROM hub_users ORDER BY id')).map(toUser) }),
      'users.revoke': (a) => this.revokeUser(a.userId),
      'devices.createEnrollmentCode': (a) => this.createEnrollmentCode(a),
      'devices.list': (a) => this.listDevices(a.siteId),
      'devices.revoke': (a) => this.revokeDevice(a.deviceId),
      'device.enroll': (a, pr) => this.enroll(a, pr),
      'artifacts.publish': (a) => this.publishArtifact(a),
      'artifacts.assign': (a) => this.assignArtifact(a),
      'artifacts.list': (a) => this.listArtifacts(a.siteId),
      'queues.create': (a) => this.createQueue(a),
      'queues.list': (a, pr) => this.listQueues(this.scopeSite(pr, a.siteId)),
      'tasks.create': (a, pr) => this.createTasks(a.tasks, pr),
      'tasks.list': (a, pr) => this.listTasks({ ...a, siteId: this.scopeSite(pr, a.siteId) }),
      'tasks.decisions': (a, pr) => this.taskDecisions(a.taskId, pr),
      'leases.acquire': (a, pr) => this.acquireLease(a.taskId, a.ttlSeconds, pr),
      'leases.release': (a, pr) => this.releaseLease(a.taskId, pr),
      'sync.pull': (a, pr) => this.pull(a.cursor, a.limit, pr),
      'sync.push': (a, pr) => this.push(a.clientId, a.mutations, pr),
      'audit.upload': (a, pr) => this.uploadAudit(a.batch, a.signature, pr),
      'audit.head': (a, pr) => this.auditHead(this.scopeDevice(pr, a.deviceId)),
      'audit.entries': (a) => this.auditEntries(a.deviceId, a.fromSeq, a.limit),
      'audit.verify': (a) => this.verifyAudit(a.deviceId),
    };
    return Object.fromEntries(Object.entries(h).map(([k, fn]) => [k, (arg: never) => (fn as (a: unknown, p: Principal) => Promise<unknown>)(arg, p)])) as HubHandlers;
  }

  /** Anyone tied to a site sees only that site; admins and hub-wide auditors may pick one. */
  private scopeSite(p: Principal, requested: number | undefined): number | undefined {
    if (p.role === 'admin' || p.siteId === null) return requested;
    if (requested !== undefined && requested !== p.siteId) throw new ApiError('forbidden', `Your credential is for site ${p.siteId}, not site ${requested}`);
    return p.siteId;
  }

  private scopeDevice(p: Principal, deviceId: number): number {
    if (p.kind === 'device' && p.deviceId !== deviceId && p.role !== 'admin') throw new ApiError('forbidden', 'A device may only read its own audit head');
    return deviceId;
  }

  // ---- sites, users, devices --------------------------------------------------------------

  async createSite(name: string) {
    try {
      const r = await this.db.get<{ id: number }>('INSERT INTO hub_sites (name, created_at) VALUES (?, ?) RETURNING id', [name, this.now()]);
      const row = (await this.db.get<{ id: number; name: string; created_at: string }>('SELECT * FROM hub_sites WHERE id = ?', [r!.id]))!;
      return { id: row.id, name: row.name, createdAt: row.created_at };
    } catch (err) {
      if (isUniqueViolation(err)) throw new ApiError('conflict', `A site named ${name} exists already`);
      throw err;
    }
  }

  async createUser(a: Arg<'users.create'>) {
    if (a.siteId !== null) await this.requireSite(this.db, a.siteId);
    const token = newSecret('user');
    try {
      const user = await this.tx(async (t) => {
        const r = await t.get<{ id: number }>('INSERT INTO hub_users (name, role, site_id, created_at) VALUES (?, ?, ?, ?) RETURNING id', [a.name, a.role, a.siteId, this.now()]);
        await t.run('INSERT INTO hub_credentials (token_hash, user_id, device_id, created_at) VALUES (?, ?, NULL, ?)', [hashSecret(token), r!.id, this.now()]);
        return (await t.get<UserRow>('SELECT * FROM hub_users WHERE id = ?', [r!.id]))!;
      });
      return { user: toUser(user), token };
    } catch (err) {
      if (isUniqueViolation(err)) throw new ApiError('conflict', `A user named ${a.name} exists already`);
      throw err;
    }
  }

  async revokeUser(userId: number) {
    await this.db.run('UPDATE hub_users SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [this.now(), userId]);
    const row = await this.db.get<UserRow>('SELECT * FROM hub_users WHERE id = ?', [userId]);
    if (!row) throw new ApiError('not_found', `No user ${userId}`);
    return toUser(row);
  }

  async createEnrollmentCode(a: Arg<'devices.createEnrollmentCode'>) {
    await this.requireSite(this.db, a.siteId);
    const user = await this.db.get<UserRow>('SELECT * FROM hub_users WHERE id = ?', [a.userId]);
    if (!user) throw new ApiError('not_found', `No user ${a.userId}`);
    if (user.revoked_at) throw new ApiError('revoked', `User ${user.name} is revoked`);
    if (user.role === 'auditor') throw new ApiError('invalid_argument', 'Devices enroll for reviewers, clerks or admins, not auditors');
    const code = newSecret('enrollment');
    const expiresAt = new Date(this.clock().getTime() + a.ttlMinutes * 60_000).toISOString();
    await this.db.run('INSERT INTO hub_enrollment_codes (code_hash, site_id, user_id, expires_at) VALUES (?, ?, ?, ?)', [hashSecret(code), a.siteId, a.userId, expiresAt]);
    return { code, expiresAt };
  }

  async enroll(a: Arg<'device.enroll'>, p: Principal) {
    try {
      const key = createPublicKey({ key: Buffer.from(a.publicKey, 'base64'), format: 'der', type: 'spki' });
      if (key.asymmetricKeyType !== 'ed25519') throw new Error('not Ed25519');
    } catch {
      throw new ApiError('invalid_argument', 'publicKey must be an Ed25519 public key (SPKI DER, base64)');
    }
    const credential = newSecret('device');
    return this.tx(async (t) => {
      // Claim the code inside the transaction: a code used twice at once enrolls one device.
      const claimed = await t.run('UPDATE hub_enrollment_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL', [this.now(), p.codeHash!]);
      if (claimed.changes !== 1) throw new ApiError('unauthenticated', 'This enrollment code was used already');
      const d = await t.get<{ id: number }>('INSERT INTO hub_devices (site_id, user_id, name, public_key, enrolled_at) VALUES (?, ?, ?, ?, ?) RETURNING id', [p.siteId!, p.userId, a.name, a.publicKey, this.now()]);
      await t.run('UPDATE hub_enrollment_codes SET device_id = ? WHERE code_hash = ?', [d!.id, p.codeHash!]);
      await t.run('INSERT INTO hub_credentials (token_hash, user_id, device_id, created_at) VALUES (?, ?, ?, ?)', [hashSecret(credential), p.userId, d!.id, this.now()]);
      return { deviceId: d!.id, siteId: p.siteId!, userId: p.userId, credential };
    });
  }

  async listDevices(siteId?: number) {
    const rows = await this.db.all<DeviceRow>(
      `SELECT d.*, (SELECT max(seq) FROM hub_audit a WHERE a.device_id = d.id) AS ack FROM hub_devices d ${siteId ? 'WHERE d.site_id = ?' : ''} ORDER BY d.id`,
      siteId ? [siteId] : [],
    );
    return { items: rows.map(toDevice) };
  }

  async revokeDevice(deviceId: number) {
    await this.db.run('UPDATE hub_devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [this.now(), deviceId]);
    const row = await this.db.get<DeviceRow>('SELECT d.*, (SELECT max(seq) FROM hub_audit a WHERE a.device_id = d.id) AS ack FROM hub_devices d WHERE d.id = ?', [deviceId]);
    if (!row) throw new ApiError('not_found', `No device ${deviceId}`);
    return toDevice(row);
  }

  private async requireSite(t: Sql, siteId: number): Promise<void> {
    if (!(await t.get('SELECT id FROM hub_sites WHERE id = ?', [siteId]))) throw new ApiError('not_found', `No site ${siteId}`);
  }

  // ---- artifacts: policies, rule sets, templates, model assignments --------------------------

  async publishArtifact(a: Arg<'artifacts.publish'>): Promise<Artifact> {
    const json = canonicalJson(a.content);
    const sha256 = createHash('sha256').update(json).digest('hex');
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.tx(async (t) => {
          const last = await t.get<{ v: number | null }>('SELECT max(version) AS v FROM hub_artifacts WHERE kind = ? AND name = ?', [a.kind, a.name]);
          const version = (last?.v ?? 0) + 1;
          const createdAt = this.now();
          await t.run('INSERT INTO hub_artifacts (kind, name, version, sha256, content_json, created_at) VALUES (?, ?, ?, ?, ?, ?)', [a.kind, a.name, version, sha256, json, createdAt]);
          return { kind: a.kind, name: a.name, version, sha256, content: JSON.parse(json) as Record<string, unknown>, createdAt };
        });
      } catch (err) {
        // Two admins publishing at once on two hubs: the loser takes the next version.
        if (!isUniqueViolation(err) || attempt >= 3) throw err;
      }
    }
  }

  async assignArtifact(a: Arg<'artifacts.assign'>): Promise<Artifact> {
    return this.tx(async (t) => {
      await this.requireSite(t, a.siteId);
      const row = await t.get<ArtifactRow>('SELECT * FROM hub_artifacts WHERE kind = ? AND name = ? AND version = ?', [a.kind, a.name, a.version]);
      if (!row) throw new ApiError('not_found', `No ${a.kind} ${a.name} version ${a.version}`);
      await t.run(
        `INSERT INTO hub_assignments (site_id, kind, name, version, assigned_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (site_id, kind, name) DO UPDATE SET version = excluded.version, assigned_at = excluded.assigned_at`,
        [a.siteId, a.kind, a.name, a.version, this.now()],
      );
      const artifact = toArtifact(row);
      await this.appendChange(t, a.siteId, 'artifact', { artifact });
      return artifact;
    });
  }

  async listArtifacts(siteId?: number) {
    const rows = await this.db.all<ArtifactRow>('SELECT * FROM hub_artifacts ORDER BY kind, name, version');
    const assigned = await this.db.all<{ site_id: number; kind: string; name: string; version: number }>(`SELECT * FROM hub_assignments ${siteId ? 'WHERE site_id = ?' : ''}`, siteId ? [siteId] : []);
    const items = rows
      .map((r) => ({ ...toArtifact(r), assignedTo: assigned.filter((x) => x.kind === r.kind && x.name === r.name && x.version === r.version).map((x) => x.site_id) }))
      .filter((x) => !siteId || x.assignedTo.length > 0);
    return { items };
  }

  private async exportableFields(t: Sql, siteId: number): Promise<Set<string>> {
    const row = await t.get<{ content_json: string }>(
      `SELECT a.content_json FROM hub_assignments s JOIN hub_artifacts a ON a.kind = s.kind AND a.name = s.name AND a.version = s.version
       WHERE s.site_id = ? AND s.kind = 'policy' ORDER BY s.assigned_at DESC LIMIT 1`,
      [siteId],
    );
    const fromPolicy = row ? (JSON.parse(row.content_json) as { exportableFields?: unknown }).exportableFields : undefined;
    return new Set(Array.isArray(fromPolicy) ? fromPolicy.map(String) : DEFAULT_EXPORTABLE_FIELDS);
  }

  // ---- queues and tasks ----------------------------------------------------------------------

  async createQueue(a: Arg<'queues.create'>) {
    await this.requireSite(this.db, a.siteId);
    try {
      const r = await this.db.get<{ id: number; site_id: number; name: string; created_at: string }>('INSERT INTO hub_queues (site_id, name, created_at) VALUES (?, ?, ?) RETURNING *', [a.siteId, a.name, this.now()]);
      return { id: r!.id, siteId: r!.site_id, name: r!.name, createdAt: r!.created_at };
    } catch (err) {
      if (isUniqueViolation(err)) throw new ApiError('conflict', `Site ${a.siteId} has a queue named ${a.name} already`);
      throw err;
    }
  }

  async listQueues(siteId?: number) {
    const rows = await this.db.all<{ id: number; site_id: number; name: string; created_at: string }>(`SELECT * FROM hub_queues ${siteId ? 'WHERE site_id = ?' : ''} ORDER BY id`, siteId ? [siteId] : []);
    return { items: rows.map((r) => ({ id: r.id, siteId: r.site_id, name: r.name, createdAt: r.created_at })) };
  }

  async createTasks(tasks: Arg<'tasks.create'>['tasks'], p: Principal) {
    return this.tx(async (t) => {
      const items: HubTask[] = [];
      const allowedBySite = new Map<number, Set<string>>();
      for (const input of tasks) {
        const q = await t.get<{ site_id: number }>('SELECT site_id FROM hub_queues WHERE id = ?', [input.queueId]);
        if (!q) throw new ApiError('not_found', `No queue ${input.queueId}`);
        if (p.role !== 'admin' && p.siteId !== q.site_id) throw new ApiError('forbidden', `Queue ${input.queueId} belongs to another site`);
        if (!allowedBySite.has(q.site_id)) allowedBySite.set(q.site_id, await this.exportableFields(t, q.site_id));
        const allowed = allowedBySite.get(q.site_id)!;
        const refused = Object.keys(input.fields).filter((f) => !allowed.has(f));
        if (refused.length) throw new ApiError('field_not_exportable', `The site policy keeps ${refused.join(', ')} on the device; allowed: ${[...allowed].join(', ')}`);
        const now = this.now();
        const r = await t.get<{ id: number }>(
          `INSERT INTO hub_tasks (site_id, queue_id, doc_ref, doc_sha256, doc_type, fields_json, priority, due_at, status, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?) RETURNING id`,
          [q.site_id, input.queueId, input.docRef, input.docSha256, input.docType, canonicalJson(input.fields), input.priority, input.dueAt, now, now],
        );
        const task = await this.loadTask(t, r!.id);
        await this.appendChange(t, q.site_id, 'task', { task });
        items.push(task);
      }
      return { items };
    });
  }

  async listTasks(a: { siteId?: number; queueId?: number; status?: string; offset: number; limit: number }) {
    const conds: string[] = [];
    const params: (string | number)[] = [];
    if (a.siteId !== undefined) {
      conds.push('t.site_id = ?');
      params.push(a.siteId);
    }
    if (a.queueId !== undefined) {
      conds.push('t.queue_id = ?');
      params.push(a.queueId);
    }
    if (a.status !== undefined) {
      conds.push('t.status = ?');
      params.push(a.status);
    }
    const w = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
    const total = (await this.db.get<{ n: number }>(`SELECT count(*) AS n FROM hub_tasks t ${w}`, params))!.n;
    const rows = await this.db.all<TaskRow>(`${TASK_SELECT} ${w} ORDER BY t.priority DESC, t.id LIMIT ? OFFSET ?`, [...params, a.limit, a.offset]);
    return { items: rows.map((r) => this.toTask(r)), total: Number(total) };
  }

  async taskDecisions(taskId: number, p: Principal) {
    const task = await this.db.get<{ site_id: number }>('SELECT site_id FROM hub_tasks WHERE id = ?', [taskId]);
    if (!task) throw new ApiError('not_found', `No task ${taskId}`);
    this.scopeSite(p, task.site_id);
    const rows = await this.db.all<{ id: number; task_id: number; device_id: number; client_id: string; mutation_id: number; user_name: string; action: 'approve' | 'correct' | 'reject'; reason: string | null; status: 'accepted' | 'superseded'; decided_at: string; received_at: string }>(
      'SELECT * FROM hub_decisions WHERE task_id = ? ORDER BY id',
      [taskId],
    );
    return {
      items: rows.map((r) => ({ id: r.id, taskId: r.task_id, deviceId: r.device_id, clientId: r.client_id, mutationId: r.mutation_id, user: r.user_name, action: r.action, reason: r.reason, status: r.status, decidedAt: r.decided_at, receivedAt: r.received_at })),
    };
  }

  private toTask(r: TaskRow): HubTask {
    const leaseLive = r.l_expires !== null && r.l_expires > this.now();
    return {
      id: r.id,
      siteId: r.site_id,
      queueId: r.queue_id,
      docRef: r.doc_ref,
      docSha256: r.doc_sha256,
      docType: r.doc_type,
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

  private async loadTask(t: Sql, id: number): Promise<HubTask> {
    const row = await t.get<TaskRow>(`${TASK_SELECT} WHERE t.id = ?`, [id]);
    if (!row) throw new ApiError('not_found', `No task ${id}`);
    return this.toTask(row);
  }

  /** Feed rows wait in memory and are written at the end of the transaction (see \`tx\`). */
  private async appendChange(t: Sql, siteId: number, type: 'task' | 'artifact', payload: Record<string, unknown>): Promise<void> {
    const list = this.pendingFeed.get(t) ?? [];
    list.push({ siteId, type, payload: JSON.stringify(payload) });
    this.pendingFeed.set(t, list);
  }

  /** A transaction whose change-feed rows are written last, in a few multi-row inserts. */
  private tx<T>(fn: (t: Sql) => Promise<T>): Promise<T> {
    return this.db.tx(async (t) => {
      try {
        const result = await fn(t);
        const feed = this.pendingFeed.get(t) ?? [];
        const now = this.now();
        for (let i = 0; i < feed.length; i += 200) {
          const chunk = feed.slice(i, i + 200);
          await t.run(`INSERT INTO hub_changes (site_id, type, payload_json, created_at) VALUES ${chunk.map(() => '(?, ?, ?, ?)').join(', ')}`, chunk.flatMap((f) => [f.siteId, f.type, f.payload, now]));
        }
        return result;
      } finally {
        this.pendingFeed.delete(t);
      }
    });
  }

  private async touchTask(t: Sql, taskId: number, siteId: number): Promise<HubTask> {
    await t.run('UPDATE hub_tasks SET updated_at = ? WHERE id = ?', [this.now(), taskId]);
    const task = await this.loadTask(t, taskId);
    await this.appendChange(t, siteId, 'task', { task });
    return task;
  }

  // ---- leases ----------------------------------------------------------------------------------

  async acquireLease(taskId: number, ttlSeconds: number, p: Principal) {
    return this.tx(async (t) => {
      const task = await t.get<{ site_id: number; status: string }>(`SELECT site_id, status FROM hub_tasks WHERE id = ?${forUpdate(t)}`, [taskId]);
      if (!task || task.site_id !== p.siteId) throw new ApiError('not_found', `No task ${taskId} at your site`);
      if (task.status !== 'open') throw new ApiError('already_decided', `Task ${taskId} is ${task.status}`);
      const now = this.now();
      const lease = await t.get<{ device_id: number; user_id: number; expires_at: string }>('SELECT * FROM hub_leases WHERE task_id = ?', [taskId]);
      if (lease && lease.expires_at > now && (lease.device_id !== p.deviceId || lease.user_id !== p.userId)) {
        throw new ApiError('leased', `Task ${taskId} is leased to device ${lease.device_id} until ${lease.expires_at}`);
      }
      const expiresAt = new Date(this.clock().getTime() + ttlSeconds * 1000).toISOString();
      await t.run(
        `INSERT INTO hub_leases (task_id, device_id, user_id, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (task_id) DO UPDATE SET device_id = excluded.device_id, user_id = excluded.user_id, expires_at = excluded.expires_at`,
        [taskId, p.deviceId!, p.userId, expiresAt],
      );
      await this.touchTask(t, taskId, task.site_id);
      return { taskId, deviceId: p.deviceId!, userId: p.userId, expiresAt };
    });
  }

  async releaseLease(taskId: number, p: Principal) {
    return this.tx(async (t) => {
      const r = await t.run('DELETE FROM hub_leases WHERE task_id = ? AND device_id = ?', [taskId, p.deviceId!]);
      const task = await t.get<{ site_id: number }>('SELECT site_id FROM hub_tasks WHERE id = ?', [taskId]);
      if (r.changes && task) await this.touchTask(t, taskId, task.site_id);
      return { released: r.changes > 0 };
    });
  }

  // ---- sync --------------------------------------------------------------------------------------

  /**
   * The cursor is opaque to devices: \`<tx>.<seq>\` of the last row returned. On PostgreSQL several
   * writers commit in any order, so a row with a lower seq can appear after a higher one; reading in
   * (tx, seq) order and only rows of transactions older than the oldest feed writer still running at
   * this statement's snapshot means no row can later appear behind the cursor. A writer still running
   * is one in the snapshot's in-progress list that holds FEED_WRITER_LOCK, or that has finished since
   * (counted, to be safe); transactions of other applications never hold the pull back.
   */
  async pull(cursor: string, limit: number, p: Principal) {
    const [tx, seq] = cursor.split('.').map(Number) as [number, number];
    const horizon =
      this.db.dialect === 'postgres'
        ? `AND c.tx < coalesce((
             SELECT min(x::text::bigint) FROM pg_snapshot_xip(pg_current_snapshot()) AS x
             WHERE xid(x)::text IN (
                     SELECT a.backend_xid::text FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                     WHERE l.locktype = 'advisory' AND l.classid = ${FEED_WRITER_LOCK} AND l.objsubid = 2
                       AND l.objid::text::bigint = (hashtext(current_schema())::bigint & 4294967295) AND a.backend_xid IS NOT NULL)
                OR xid(x)::text NOT IN (SELECT backend_xid::text FROM pg_stat_activity WHERE backend_xid IS NOT NULL)
           ), 9223372036854775807)`
        : '';
    const rows = await this.db.all<{ seq: number; tx: number; type: 'task' | 'artifact'; payload_json: string }>(
      `SELECT c.seq, c.tx, c.type, c.payload_json FROM hub_changes c
       WHERE c.site_id = ? AND (c.tx > ? OR (c.tx = ? AND c.seq > ?)) ${horizon} ORDER BY c.tx, c.seq LIMIT ?`,
      [p.siteId!, tx, tx, seq, limit + 1],
    );
    const page = rows.slice(0, limit);
    const changes = page.map((r) => ({ seq: r.seq, type: r.type, ...(JSON.parse(r.payload_json) as object) })) as z.output<HubContract['sync.pull']['output']>['changes'];
    const last = page.at(-1);
    return { changes, cursor: last ? `${last.tx}.${last.seq}` : cursor, hasMore: rows.length > limit };
  }

  /**
   * Replicache's rule: per client, mutation ids are applied in order, each exactly once, in the same
   * transaction that records the client's last applied id. A replay is acknowledged, a gap refused.
   */
  async push(clientId: string, mutations: Mutation[], p: Principal) {
    return this.tx(async (t) => {
      // One round trip: creates the client on its first push and, either way, locks its row to commit.
      const client = (await t.get<{ device_id: number; last_mutation_id: number }>(
        `INSERT INTO hub_clients (client_id, device_id, last_mutation_id, updated_at) VALUES (?, ?, 0, ?)
         ON CONFLICT (client_id) DO UPDATE SET updated_at = excluded.updated_at RETURNING device_id, last_mutation_id`,
        [clientId, p.deviceId!, this.now()],
      ))!;
      if (client.device_id !== p.deviceId) throw new ApiError('forbidden', `Client ${clientId} belongs to another device`);
      let last = client.last_mutation_id;
      const fresh = mutations.filter((m) => m.id > last);
      fresh.forEach((m, i) => {
        if (m.id !== last + 1 + i) {
          throw new ApiError('mutation_out_of_order', `Mutation ids must follow ${last} without a gap: expected ${last + 1 + i}, got ${m.id}. Nothing in this push was applied; resend from ${last + 1}.`);
        }
      });
      const dups = mutations.filter((m) => m.id <= last);
      const earlier = dups.length
        ? await t.all<{ mutation_id: number; status: 'accepted' | 'superseded' }>(
            `SELECT mutation_id, status FROM hub_decisions WHERE client_id = ? AND mutation_id IN (${dups.map(() => '?').join(', ')})`,
            [clientId, ...dups.map((m) => m.id)],
          )
        : [];
      const outcome = new Map(earlier.map((e) => [e.mutation_id, e.status === 'accepted' ? ('applied' as const) : ('superseded' as const)]));
      const results: MutationResult[] = dups.map((m) => {
        const original = outcome.get(m.id) ?? 'rejected';
        return { id: m.id, status: 'duplicate', message: `Mutation ${m.id} was processed before (${original})`, original };
      });
      for (const m of fresh) {
        results.push(await this.applyMutation(t, clientId, m, p));
        last = m.id;
      }
      if (fresh.length) await t.run('UPDATE hub_clients SET last_mutation_id = ?, updated_at = ? WHERE client_id = ?', [last, this.now(), clientId]);
      return { lastMutationId: last, results };
    });
  }

  private async applyMutation(t: Sql, clientId: string, m: Mutation, p: Principal): Promise<MutationResult> {
    const a = m.args;
    const now = this.now();
    // The conditional update is the race: of two decisions, only the first finds the task open.
    const won = (await t.run(`UPDATE hub_tasks SET status = 'decided', updated_at = ? WHERE id = ? AND site_id = ? AND status = 'open'`, [now, a.taskId, p.siteId!])).changes === 1;
    if (!won) {
      const task = await t.get<{ site_id: number; status: string }>('SELECT site_id, status FROM hub_tasks WHERE id = ?', [a.taskId]);
      // A refused mutation still counts as processed: the client must not retry it forever.
      if (!task || task.site_id !== p.siteId) return { id: m.id, status: 'rejected', message: `No task ${a.taskId} at this device's site`, original: null };
    }
    const changes = Object.entries(a.corrections ?? {}).map(([field, newValue]) => ({ field, newValue }));
    await t.run(
      `INSERT INTO hub_decisions (task_id, device_id, client_id, mutation_id, user_name, action, reason, changes_json, time_spent_ms, decided_at, received_at, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [a.taskId, p.deviceId!, clientId, m.id, a.actor, a.action, a.reason ?? null, JSON.stringify(changes), a.timeSpentMs ?? null, a.decidedAt, now, won ? 'accepted' : 'superseded'],
    );
    if (!won) {
      const winner = await t.get<{ user_name: string; device_id: number; received_at: string }>(`SELECT user_name, device_id, received_at FROM hub_decisions WHERE task_id = ? AND status = 'accepted'`, [a.taskId]);
      const by = winner ? `${winner.user_name} on device ${winner.device_id} (received ${winner.received_at})` : 'another route (the task is no longer open)';
      return { id: m.id, status: 'superseded', message: `Task ${a.taskId} was decided first by ${by}; this decision is kept as superseded.`, original: null };
    }
    await t.run('DELETE FROM hub_leases WHERE task_id = ?', [a.taskId]);
    await this.appendChange(t, p.siteId!, 'task', { task: await this.loadTask(t, a.taskId) });
    return { id: m.id, status: 'applied', message: null, original: null };
  }

  // ---- audit ---------------------------------------------------------------------------------------

  /**
   * Verifies the signature (device key from enrollment), each entry's hash and the links between
   * entries, and that the batch continues the chain the hub holds. Entries the hub holds already must
   * be identical (a repeat is fine, a different entry is a fork).
   */
  async uploadAudit(batch: AuditBatch, signature: string, p: Principal) {
    if (batch.deviceId !== p.deviceId) throw new ApiError('forbidden', `This credential is for device ${p.deviceId}, not ${batch.deviceId}`);
    const device = (await this.db.get<{ public_key: string }>('SELECT public_key FROM hub_devices WHERE id = ?', [p.deviceId]))!;
    const key = createPublicKey({ key: Buffer.from(device.public_key, 'base64'), format: 'der', type: 'spki' });
    if (!verifySignature(null, auditBatchBytes(batch), key, Buffer.from(signature, 'base64'))) {
      throw new ApiError('bad_signature', `The batch signature does not verify with the key device ${p.deviceId} enrolled with; nothing was stored.`);
    }
    const entries = batch.entries;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (entryHash(e) !== e.hash) throw new ApiError('audit_bad_hash', `Entry ${e.seq} does not match its hash: it was altered; nothing was stored.`);
      if (i > 0) {
        const prev = entries[i - 1]!;
        if (e.seq !== prev.seq + 1) throw new ApiError('audit_gap', `The batch skips from entry ${prev.seq} to ${e.seq}; nothing was stored.`);
        if (e.prevHash !== prev.hash) throw new ApiError('audit_fork', `Entry ${e.seq} does not link to entry ${prev.seq}; nothing was stored.`);
      }
    }
    return this.tx(async (t) => {
      // One upload per device at a time: lock the device row.
      await t.get(`SELECT id FROM hub_devices WHERE id = ?${forUpdate(t)}`, [p.deviceId!]);
      const head = await t.get<{ seq: number; hash: string }>('SELECT seq, hash FROM hub_audit WHERE device_id = ? ORDER BY seq DESC LIMIT 1', [p.deviceId!]);
      const headSeq = head?.seq ?? 0;
      const first = entries[0]!;
      if (first.seq > headSeq + 1) throw new ApiError('audit_gap', `The hub holds entries up to ${headSeq}; this batch starts at ${first.seq}. Upload from ${headSeq + 1}.`);
      let duplicates = 0;
      const overlap = entries.filter((e) => e.seq <= headSeq);
      if (overlap.length) {
        const held = await t.all<{ seq: number; hash: string }>('SELECT seq, hash FROM hub_audit WHERE device_id = ? AND seq >= ? AND seq <= ? ORDER BY seq', [p.deviceId!, overlap[0]!.seq, overlap.at(-1)!.seq]);
        const heldHash = new Map(held.map((h) => [h.seq, h.hash]));
        for (const e of overlap) {
          if (heldHash.get(e.seq) !== e.hash) throw new ApiError('audit_fork', `Entry ${e.seq} differs from the entry ${e.seq} the hub holds: the device chain forked; nothing was stored.`);
          duplicates += 1;
        }
      }
      const fresh = entries.filter((e) => e.seq > headSeq);
      if (fresh.length) {
        const expectedPrev = head?.hash ?? GENESIS_HASH;
        if (fresh[0]!.prevHash !== expectedPrev) throw new ApiError('audit_fork', `Entry ${fresh[0]!.seq} does not link to entry ${headSeq} the hub holds: the device chain forked; nothing was stored.`);
        const now = this.now();
        for (let i = 0; i < fresh.length; i += 100) await this.insertAudit(t, p.deviceId!, fresh.slice(i, i + 100), now);
      }
      return { ackSeq: Math.max(headSeq, entries.at(-1)!.seq), stored: fresh.length, duplicates };
    });
  }

  /** Many rows per statement: an upload of a day offline is thousands of entries. */
  private async insertAudit(t: Sql, deviceId: number, es: AuditEntry[], receivedAt: string): Promise<void> {
    const values = es.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
    const params = es.flatMap((e) => [deviceId, e.seq, e.ts, e.actor, e.event, e.documentSha256, canonicalJson(e.data), e.model ? canonicalJson(e.model) : null, e.policyVersion, e.prevHash, e.hash, receivedAt]);
    await t.run(`INSERT INTO hub_audit (device_id, seq, ts, actor, event, document_sha256, data_json, model_json, policy_version, prev_hash, hash, received_at) VALUES ${values}`, params);
  }

  async auditHead(deviceId: number) {
    const head = await this.db.get<{ seq: number; hash: string }>('SELECT seq, hash FROM hub_audit WHERE device_id = ? ORDER BY seq DESC LIMIT 1', [deviceId]);
    return { ackSeq: head?.seq ?? 0, headHash: head?.hash ?? null };
  }

  async auditEntries(deviceId: number, fromSeq: number, limit: number) {
    const rows = await this.db.all<AuditRow>('SELECT * FROM hub_audit WHERE device_id = ? AND seq >= ? ORDER BY seq LIMIT ?', [deviceId, fromSeq, limit]);
    return { entries: rows.map(rowToEntry) };
  }

  async verifyAudit(deviceId: number) {
    let prevHash = GENESIS_HASH;
    let expected = 1;
    let entries = 0;
    for (let from = 1; ; ) {
      const rows = await this.db.all<AuditRow>('SELECT * FROM hub_audit WHERE device_id = ? AND seq >= ? ORDER BY seq LIMIT 2000', [deviceId, from]);
      for (const r of rows) {
        const e = rowToEntry(r);
        const bad = (problem: string) => ({ ok: false, entries, headHash: prevHash === GENESIS_HASH ? null : prevHash, firstBad: { seq: e.seq, problem } });
        if (e.seq !== expected) return bad(`entry ${expected} is missing`);
        if (e.prevHash !== prevHash) return bad(`entry ${e.seq} does not link to entry ${e.seq - 1}`);
        if (entryHash(e) !== e.hash) return bad(`entry ${e.seq} was edited: its content does not match its hash`);
        prevHash = e.hash;
        expected += 1;
        entries += 1;
      }
      if (rows.length < 2000) break;
      from = expected;
    }
    return { ok: true, entries, headHash: prevHash === GENESIS_HASH ? null : prevHash, firstBad: null };
  }
}

type UserRow = { id: number; name: string; role: HubRole; site_id: number | null; revoked_at: string | null; created_at: string };
const toUser = (r: UserRow) => ({ id: r.id, name: r.name, role: r.role, siteId: r.site_id, revoked: r.revoked_at !== null, createdAt: r.created_at });

type DeviceRow = { id: number; name: string; site_id: number; user_id: number; public_key: string; revoked_at: string | null; enrolled_at: string; ack: number | null };
const toDevice = (r: DeviceRow) => ({ id: r.id, name: r.name, siteId: r.site_id, userId: r.user_id, publicKey: r.public_key, revoked: r.revoked_at !== null, enrolledAt: r.enrolled_at, auditAckSeq: r.ack ?? 0 });

type ArtifactRow = { kind: ArtifactKind; name: string; version: number; sha256: string; content_json: string; created_at: string };
const toArtifact = (r: ArtifactRow): Artifact => ({ kind: r.kind, name: r.name, version: r.version, sha256: r.sha256, content: JSON.parse(r.content_json) as Record<string, unknown>, createdAt: r.created_at });

