import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../src-main/audit/audit-log.ts';
import { openDatabase } from '../src-main/store/database.ts';
import { generateDeviceKey, signBytes } from '../src-main/sync/device-identity.ts';
import { hubContract, type AuditBatch } from '../src-shared/contract/hub.ts';
import { auditBatchBytes } from '../src-common/audit-chain/batch-signature.ts';
import { verifyJson } from '../src-common/signing/ed25519.ts';
import { signedArtifactFields } from '../src-shared/config/signed-artifact.ts';
import { sql } from 'kysely';
import type { HubKysely } from './store/database.ts';
import { BACKENDS, errorCode, hubClient, makeTasks, seedHub, startHub, type RunningHub } from './testing/hub-fixture.ts';

async function raw(url: string, name: string, token: string | null, body: unknown = {}) {
  const res = await fetch(`${url}/v1/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { ok: boolean; error?: { code: string; message: string }; value?: unknown } };
}

for (const { backend, skip, label } of BACKENDS) {
  describe.skipIf(skip)(`hub on ${label}`, () => {
    let hub: RunningHub;
    let drop: () => Promise<void>;
    let clockOffsetMs = 0;
    let seed: Awaited<ReturnType<typeof seedHub>>;

    beforeAll(async () => {
      const opened = await backend.open();
      drop = opened.drop;
      hub = await startHub(opened.db, { clock: () => new Date(Date.now() + clockOffsetMs) });
      seed = await seedHub(hub);
    });
    afterAll(async () => {
      await hub?.close();
      await hub?.db.close();
      await drop?.();
    });

    async function enroll(userId: number, name = 'laptop') {
      const { key, privateKeyB64 } = generateDeviceKey();
      const r = await hubClient(hub.url, await seed.code(userId)).call('device.enroll', { name, publicKey: key.publicKey });
      return { ...r, key, privateKeyB64, client: hubClient(hub.url, r.credential) };
    }

    it('answers /healthz and /openapi.json without a credential; the OpenAPI document covers every call with its roles', async () => {
      const h = await fetch(`${hub.url}/healthz`);
      expect(h.status).toBe(200);
      expect(await h.json()).toMatchObject({ ok: true, database: backend.name });
      const doc = (await (await fetch(`${hub.url}/openapi.json`)).json()) as { openapi: string; paths: Record<string, { post?: { 'x-roles': string[]; requestBody: unknown } }> };
      expect(doc.openapi).toBe('3.1.0');
      for (const [name, spec] of Object.entries(hubContract)) {
        expect(doc.paths[`/v1/${name}`]?.post?.['x-roles']).toEqual(spec.roles);
      }
      expect(JSON.stringify(doc.paths['/v1/sync.push'])).toContain('clientId');
    });

    it('walks every route with every role and with no credential: 401 without, 403 for a role that may not, through otherwise', async () => {
      const reviewerDevice = await enroll(seed.reviewer.user.id, 'walk-reviewer');
      const clerkDevice = await enroll(seed.clerk.user.id, 'walk-clerk');
      const code = await seed.code(seed.reviewer.user.id);
      // Tokens of their own: the walk rotates every user token it holds (users.rotateToken).
      const own = async (role: 'admin' | 'reviewer' | 'clerk' | 'auditor') => (await hub.service.createUser({ name: `walk-${role}-${backend.name}`, role, siteId: role === 'admin' || role === 'auditor' ? null : seed.site.id })).token;
      const principals: { label: string; token: string | null; role: string | null; device: boolean }[] = [
        { label: 'none', token: null, role: null, device: false },
        { label: 'bogus', token: 'csu_not-a-real-token', role: null, device: false },
        { label: 'admin', token: await own('admin'), role: 'admin', device: false },
        { label: 'reviewer', token: await own('reviewer'), role: 'reviewer', device: false },
        { label: 'clerk', token: await own('clerk'), role: 'clerk', device: false },
        { label: 'auditor', token: await own('auditor'), role: 'auditor', device: false },
        { label: 'reviewer device', token: reviewerDevice.credential, role: 'reviewer', device: true },
        { label: 'clerk device', token: clerkDevice.credential, role: 'clerk', device: true },
        { label: 'enrollment code', token: code, role: 'enrollment', device: false },
      ];
      const seen: string[] = [];
      // Rotation revokes the token it is called with: walk it last.
      const calls = Object.entries(hubContract).sort(([a], [b]) => Number(a === 'users.rotateToken') - Number(b === 'users.rotateToken'));
      for (const [name, spec] of calls) {
        for (const p of principals) {
          const r = await raw(hub.url, name, p.token, { __walk: true });
          const deviceOnly = 'deviceOnly' in spec && spec.deviceOnly;
          const expected = p.role === null ? 401 : !(spec.roles as readonly string[]).includes(p.role) || (deviceOnly && !p.device) ? 403 : 'through';
          const got = r.status === 401 || r.status === 403 ? r.status : 'through';
          seen.push(`${name} ${p.label}: ${got}`);
          expect(`${name} ${p.label}: ${got}`).toBe(`${name} ${p.label}: ${expected}`);
          expect(r.body.ok === false ? typeof r.body.error?.code : 'string').toBe('string');
        }
      }
      expect(seen).toHaveLength(Object.keys(hubContract).length * principals.length);
    });

    it('enrolls a device with a one-time code; revoking the device or its user takes effect on the next request', async () => {
      const u = await hub.service.createUser({ name: 'temp-reviewer', role: 'reviewer', siteId: seed.site.id });
      const code = await seed.code(u.user.id);
      const { key } = generateDeviceKey();
      const first = await hubClient(hub.url, code).call('device.enroll', { name: 'once', publicKey: key.publicKey });
      expect(await errorCode(hubClient(hub.url, code).call('device.enroll', { name: 'twice', publicKey: key.publicKey }))).toBe('unauthenticated');
      const device = hubClient(hub.url, first.credential);
      expect(await device.call('hub.whoami', {})).toMatchObject({ kind: 'device', deviceId: first.deviceId, role: 'reviewer', siteId: seed.site.id });
      const admin = hubClient(hub.url, seed.admin.token);
      await admin.call('devices.revoke', { deviceId: first.deviceId });
      expect((await raw(hub.url, 'hub.whoami', first.credential)).status).toBe(401);

      const second = await hubClient(hub.url, await seed.code(u.user.id)).call('device.enroll', { name: 'again', publicKey: key.publicKey });
      expect((await raw(hub.url, 'hub.whoami', second.credential)).status).toBe(200);
      await admin.call('users.revoke', { userId: u.user.id });
      expect((await raw(hub.url, 'hub.whoami', second.credential)).status).toBe(401);
      expect((await raw(hub.url, 'hub.whoami', u.token)).status).toBe(401);
      expect(await errorCode(hubClient(hub.url, code).call('device.enroll', { name: 'x', publicKey: 'not-a-key'.repeat(8) }))).toBe('unauthenticated');
    });

    it('keeps tasks to metadata the site policy lets leave the site; versions and assigns policies, which devices pull', async () => {
      const admin = hubClient(hub.url, seed.admin.token);
      const site = await admin.call('sites.create', { name: 'policy-site' });
      const queue = await admin.call('queues.create', { siteId: site.id, name: 'q' });
      const base = { queueId: queue.id, docRef: 'dev/1', docSha256: 'a'.repeat(64), docType: 'invoice' as const };
      expect(await errorCode(admin.call('tasks.create', { tasks: [{ ...base, fields: { ocrText: 'page text' } }] }))).toBe('field_not_exportable');
      // The device parses a policy with the engine's schema: the hub refuses what it could not load.
      const refused = admin.call('artifacts.publish', { kind: 'policy', name: 'default', content: { exportableFields: ['total'], autoApproveBelow: 100 } });
      await expect(refused).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringMatching(/policy default: .*version/) });
      await expect(admin.call('artifacts.publish', { kind: 'ruleSet', name: 'r', content: { version: 1, rules: ['total>0'] } })).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringMatching(/ruleSet r: rules\[0\]/) });
      await expect(admin.call('artifacts.publish', { kind: 'policy', name: 'default', content: { version: 1, docTypes: {}, exportableFields: ['invoiceNumber'] } })).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringMatching(/exportableFields\[0\]/) });
      const v1 = await admin.call('artifacts.publish', { kind: 'policy', name: 'default', content: { version: 'site-1', docTypes: {}, exportableFields: ['total'] } });
      const v2 = await admin.call('artifacts.publish', { kind: 'policy', name: 'default', content: { version: 'site-2', docTypes: {}, exportableFields: ['total', 'vendor'] } });
      expect([v1.version, v2.version]).toEqual([1, 2]);
      await admin.call('artifacts.assign', { siteId: site.id, kind: 'policy', name: 'default', version: 1 });
      expect(await errorCode(admin.call('tasks.create', { tasks: [{ ...base, fields: { vendor: 'ACME' } }] }))).toBe('field_not_exportable');
      await admin.call('artifacts.assign', { siteId: site.id, kind: 'policy', name: 'default', version: 2 });
      const t = await admin.call('tasks.create', { tasks: [{ ...base, fields: { vendor: 'ACME', total: '12.00' }, priority: 5 }] });
      expect(t.items[0]).toMatchObject({ status: 'open', fields: { vendor: 'ACME', total: '12.00' }, priority: 5, siteId: site.id });
      await expect(admin.call('artifacts.publish', { kind: 'template', name: 'acme', content: { anchors: ['Invoice'] } })).rejects.toMatchObject({ code: 'invalid_argument' });
      await admin.call('artifacts.publish', { kind: 'template', name: 'acme', content: { issuer: 'ACME', keywords: ['ACME\\s+GmbH'] } });
      await admin.call('artifacts.assign', { siteId: site.id, kind: 'template', name: 'acme', version: 1 });

      const reviewer = await hub.service.createUser({ name: 'policy-reviewer', role: 'reviewer', siteId: site.id });
      const { key } = generateDeviceKey();
      const code = (await hub.service.createEnrollmentCode({ siteId: site.id, userId: reviewer.user.id, ttlMinutes: 5 })).code;
      const dev = await hubClient(hub.url, code).call('device.enroll', { name: 'p', publicKey: key.publicKey });
      const device = hubClient(hub.url, dev.credential);
      const page1 = await device.call('sync.pull', { limit: 2 });
      expect(page1.hasMore).toBe(true);
      const page2 = await device.call('sync.pull', { cursor: page1.cursor, limit: 100 });
      expect(page2.hasMore).toBe(false);
      const all = [...page1.changes, ...page2.changes];
      expect(all.map((c) => (c.type === 'task' ? `task:${c.task.id}` : `${c.artifact.kind}:${c.artifact.name}@${c.artifact.version}`))).toEqual([
        'policy:default@1',
        'policy:default@2',
        `task:${t.items[0]!.id}`,
        'template:acme@1',
      ]);
      // Each is signed with the key handed out at enrollment.
      for (const c of all) if (c.type === 'artifact') expect(verifyJson(dev.hubPublicKey, signedArtifactFields(c.artifact), c.artifact.signature!)).toBe(true);
      expect((await device.call('sync.pull', { cursor: page2.cursor, limit: 100 })).changes).toEqual([]);
      // Another site's reviewer sees none of it.
      expect((await hubClient(hub.url, seed.reviewer.token).call('tasks.list', { limit: 100 })).items.every((x) => x.siteId === seed.site.id)).toBe(true);
    });

    it.skipIf(backend.name !== 'postgres')('never lets a pull skip a change committed after a later one (writers committing out of order; PostgreSQL only, SQLite has one writer)', async () => {
      const site = await hub.service.createSite('feed-order');
      const p = { kind: 'device' as const, role: 'reviewer' as const, userId: 1, userName: 'x', siteId: site.id, deviceId: 1 };
      const insert = async (t: HubKysely, n: string) => {
        await sql`INSERT INTO hub_changes (site_id, type, payload_json, created_at) VALUES (${site.id}, 'artifact', ${JSON.stringify({ artifact: { name: n } })}, ${new Date().toISOString()})`.execute(t);
      };
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let started!: () => void;
      const inserted = new Promise<void>((r) => (started = r));
      const slow = hub.db.tx(async (t) => {
        await insert(t, 'first-written');
        started();
        await gate;
      });
      await inserted;
      await hub.db.tx((t) => insert(t, 'second-written'));
      const before = await hub.service.pull('0.0', 100, p);
      expect(before.changes).toEqual([]);
      release();
      await slow;
      const after = await hub.service.pull(before.cursor, 100, p);
      expect(after.changes.map((c) => (c as unknown as { artifact: { name: string } }).artifact.name)).toEqual(['first-written', 'second-written']);
    });

    it('leases a task to one device and reviewer, renews it, and returns it to the queue when it expires', async () => {
      const [task] = await makeTasks(hub, seed.queue.id, 1, 9000);
      const a = await enroll(seed.reviewer.user.id, 'lease-a');
      const b = await enroll(seed.reviewer2.user.id, 'lease-b');
      const lease = await a.client.call('leases.acquire', { taskId: task!.id, ttlSeconds: 60 });
      expect(lease).toMatchObject({ deviceId: a.deviceId, userId: seed.reviewer.user.id });
      expect(await errorCode(b.client.call('leases.acquire', { taskId: task!.id, ttlSeconds: 60 }))).toBe('leased');
      clockOffsetMs += 30_000;
      const renewed = await a.client.call('leases.acquire', { taskId: task!.id, ttlSeconds: 60 });
      expect(Date.parse(renewed.expiresAt)).toBeGreaterThan(Date.parse(lease.expiresAt));
      clockOffsetMs += 61_000;
      const listed = await b.client.call('tasks.list', { queueId: seed.queue.id, limit: 1000 });
      expect(listed.items.find((x) => x.id === task!.id)!.lease).toBeNull();
      expect(await b.client.call('leases.acquire', { taskId: task!.id, ttlSeconds: 60 })).toMatchObject({ deviceId: b.deviceId });
      expect(await a.client.call('leases.release', { taskId: task!.id })).toEqual({ released: false });
      expect(await b.client.call('leases.release', { taskId: task!.id })).toEqual({ released: true });
    });

    it('applies pushed mutations exactly once: a replay is acknowledged as duplicate, a gap or reordering is refused with nothing applied', async () => {
      const tasks = await makeTasks(hub, seed.queue.id, 5, 100);
      const d = await enroll(seed.reviewer.user.id, 'pusher');
      const clientId = crypto.randomUUID();
      const m = (id: number, i: number) => ({ id, name: 'task.decide' as const, args: { taskId: tasks[i]!.id, action: 'approve' as const, actor: 'rita', decidedAt: new Date().toISOString() } });
      const first = await d.client.call('sync.push', { clientId, mutations: [m(1, 0), m(2, 1)] });
      expect(first).toMatchObject({ lastMutationId: 2, results: [{ id: 1, status: 'applied' }, { id: 2, status: 'applied' }] });
      // The feed row a push writes (built in SQL on PostgreSQL) is the task as tasks.list shows it.
      let cursor = '0.0';
      const feed = new Map<number, unknown>();
      for (let more = true; more; ) {
        const page = await d.client.call('sync.pull', { cursor, limit: 1000 });
        for (const c of page.changes) if (c.type === 'task') feed.set(c.task.id, c.task);
        ({ cursor, hasMore: more } = page);
      }
      const listed = await hubClient(hub.url, seed.admin.token).call('tasks.list', { queueId: seed.queue.id, limit: 1000 });
      expect(feed.get(tasks[0]!.id)).toEqual(listed.items.find((x) => x.id === tasks[0]!.id));
      const replay = await d.client.call('sync.push', { clientId, mutations: [m(1, 0), m(2, 1)] });
      expect(replay.results.map((r) => [r.status, r.original])).toEqual([
        ['duplicate', 'applied'],
        ['duplicate', 'applied'],
      ]);
      expect(await errorCode(d.client.call('sync.push', { clientId, mutations: [m(4, 3)] }))).toBe('mutation_out_of_order');
      expect(await errorCode(d.client.call('sync.push', { clientId, mutations: [m(4, 3), m(3, 2)] }))).toBe('mutation_out_of_order');
      expect((await hubClient(hub.url, seed.admin.token).call('tasks.decisions', { taskId: tasks[3]!.id })).items).toEqual([]);
      const mixed = await d.client.call('sync.push', { clientId, mutations: [m(2, 1), m(3, 2), m(4, 3), m(5, 4)] });
      expect(mixed.results.map((r) => r.status)).toEqual(['duplicate', 'applied', 'applied', 'applied']);
      const other = await enroll(seed.reviewer2.user.id, 'thief');
      expect(await errorCode(other.client.call('sync.push', { clientId, mutations: [m(6, 4)] }))).toBe('forbidden');
    });

    it('refuses a push made right after its device or its user was revoked, with nothing applied', async () => {
      const tasks = await makeTasks(hub, seed.queue.id, 4, 700);
      const admin = hubClient(hub.url, seed.admin.token);
      const u = await hub.service.createUser({ name: 'push-then-revoke', role: 'reviewer', siteId: seed.site.id });
      const m = (id: number, i: number) => ({ id, name: 'task.decide' as const, args: { taskId: tasks[i]!.id, action: 'approve' as const, actor: 'pat', decidedAt: new Date().toISOString() } });
      const revokers = [(d: { deviceId: number }) => admin.call('devices.revoke', { deviceId: d.deviceId }), () => admin.call('users.revoke', { userId: u.user.id })];
      for (const [i, revoke] of revokers.entries()) {
        const d = await enroll(i === 0 ? seed.reviewer.user.id : u.user.id, `revoked-${i}`);
        const clientId = crypto.randomUUID();
        // Pushes that succeed first: what the hub may remember of the credential.
        expect((await d.client.call('sync.push', { clientId, mutations: [m(1, 2 * i)] })).results[0]!.status).toBe('applied');
        await revoke(d);
        expect((await raw(hub.url, 'sync.push', d.credential, { clientId, mutations: [m(2, 2 * i + 1)] })).status).toBe(401);
        expect((await admin.call('tasks.decisions', { taskId: tasks[2 * i + 1]!.id })).items).toEqual([]);
      }
    });

    it('lets exactly one of two devices racing for a task win; the other is told and its decision kept as superseded', async () => {
      const [task] = await makeTasks(hub, seed.queue.id, 1, 500);
      const a = await enroll(seed.reviewer.user.id, 'race-a');
      const b = await enroll(seed.reviewer2.user.id, 'race-b');
      const push = (dev: typeof a, action: 'approve' | 'reject') =>
        dev.client.call('sync.push', { clientId: crypto.randomUUID(), mutations: [{ id: 1, name: 'task.decide', args: { taskId: task!.id, action, actor: `${action}-er`, reason: 'x', decidedAt: new Date().toISOString() } }] });
      const [ra, rb] = await Promise.all([push(a, 'approve'), push(b, 'reject')]);
      const statuses = [ra.results[0]!.status, rb.results[0]!.status].sort();
      expect(statuses).toEqual(['applied', 'superseded']);
      const loser = ra.results[0]!.status === 'superseded' ? ra : rb;
      // The loser is told who won: the winner's user and device, looked up after the winner committed.
      const winner = loser === ra ? { user: seed.reviewer2.user.name, device: b.deviceId } : { user: seed.reviewer.user.name, device: a.deviceId };
      expect(loser.results[0]!.message).toContain(`decided first by ${winner.user} on device ${winner.device} (received `);
      expect(loser.results[0]!.message).toMatch(/kept as superseded/);
      const decisions = await hubClient(hub.url, seed.auditor.token).call('tasks.decisions', { taskId: task!.id });
      expect(decisions.items.map((x) => x.status).sort()).toEqual(['accepted', 'superseded']);
    });

    it('accepts a signed, chained audit batch; repeats idempotently; refuses forged, gapped, forked and altered batches with nothing stored', async () => {
      const d = await enroll(seed.clerk.user.id, 'auditing');
      const other = generateDeviceKey();
      const local = openDatabase(':memory:');
      const log = new AuditLog(local);
      for (let i = 0; i < 30; i++) local.transaction(() => log.append({ actor: 'clerk', event: 'task.approved', data: { taskId: i } }))();
      const entries = [...log.iterate()];
      const up = (es: typeof entries, key = d.key, deviceId = d.deviceId) => {
        const batch: AuditBatch = { deviceId, entries: es };
        return d.client.call('audit.upload', { batch, signature: signBytes(key, auditBatchBytes(batch)) });
      };
      expect(await up(entries.slice(0, 10))).toEqual({ ackSeq: 10, stored: 10, duplicates: 0 });
      expect(await up(entries.slice(0, 10))).toEqual({ ackSeq: 10, stored: 0, duplicates: 10 });
      expect(await errorCode(up(entries.slice(10, 20), other.key))).toBe('bad_signature');
      expect(await errorCode(up(entries.slice(12, 20)))).toBe('audit_gap');
      expect(await errorCode(up([...entries.slice(10, 12), ...entries.slice(13, 20)]))).toBe('audit_gap');
      const altered = entries.slice(10, 20).map((e, i) => (i === 3 ? { ...e, actor: 'mallory' } : e));
      expect(await errorCode(up(altered))).toBe('audit_bad_hash');
      // A different chain (a device that was wiped and re-used the sequence numbers) is a fork.
      const forkDb = openDatabase(':memory:');
      const forkLog = new AuditLog(forkDb);
      for (let i = 0; i < 12; i++) forkDb.transaction(() => forkLog.append({ actor: 'clerk', event: 'other', data: { i } }))();
      expect(await errorCode(up([...forkLog.iterate()].slice(8, 12)))).toBe('audit_fork');
      expect(await errorCode(up(entries.slice(10, 20), d.key, d.deviceId + 1000))).toBe('forbidden');
      expect(await up(entries.slice(5, 30))).toEqual({ ackSeq: 30, stored: 20, duplicates: 5 });
      const auditor = hubClient(hub.url, seed.auditor.token);
      expect(await auditor.call('audit.verify', { deviceId: d.deviceId })).toMatchObject({ ok: true, entries: 30, headHash: entries[29]!.hash });
      expect((await auditor.call('audit.entries', { deviceId: d.deviceId, fromSeq: 1, limit: 100 })).entries).toEqual(entries);
      await expect(hub.db.run('UPDATE hub_audit SET actor = ? WHERE device_id = ?', ['x', d.deviceId])).rejects.toThrow(/append-only/);
      await expect(hub.db.run('DELETE FROM hub_audit WHERE device_id = ?', [d.deviceId])).rejects.toThrow(/append-only/);
      local.close();
      forkDb.close();
    });
  });
}
