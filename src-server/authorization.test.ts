import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../src-main/audit/audit-log.ts';
import { entryHash } from '../src-common/audit-chain/entry-hash.ts';
import { openDatabase } from '../src-main/store/database.ts';
import { generateDeviceKey, signBytes } from '../src-main/sync/device-identity.ts';
import { hubContract, type AuditBatch } from '../src-shared/contract/hub.ts';
import { auditBatchBytes } from '../src-common/audit-chain/batch-signature.ts';
import { BACKENDS, errorCode, hubClient, makeTasks, startHub, type RunningHub } from './testing/hub-fixture.ts';

// Issue 10: findings from probing the hub with two sites and four roles. Each test failed on the hub before the fix.

async function raw(url: string, name: string, token: string | null, body: unknown = {}) {
  const res = await fetch(`${url}/v1/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}
for (const { backend, skip, label } of BACKENDS) {
  describe.skipIf(skip)(`hub authorization on ${label}`, () => {
    let hub: RunningHub;
    let drop: () => Promise<void>;
    let clockOffsetMs = 0;
    const clock = () => new Date(Date.now() + clockOffsetMs);
    let admin: string;
    // Site A's names all start with "siteA-": a reply to a site-B caller must contain none of them.
    const A = { site: 0, queue: 0, task: 0, device: 0, reviewer: 0, reviewer2: 0, clerk: 0, tokens: {} as Record<string, string> };
    const B = { site: 0, tokens: {} as Record<string, string> };

    beforeAll(async () => {
      const opened = await backend.open();
      drop = opened.drop;
      hub = await startHub(opened.db, { clock });
      const s = hub.service;
      admin = (await s.createUser({ name: 'hubadmin', role: 'admin', siteId: null })).token;
      A.site = (await s.createSite('siteA-site')).id;
      B.site = (await s.createSite('siteB-site')).id;
      A.queue = (await s.createQueue({ siteId: A.site, name: 'siteA-queue' })).id;
      for (const role of ['reviewer', 'reviewer2', 'clerk', 'auditor'] as const) {
        const u = await s.createUser({ name: `siteA-${role}`, role: role === 'reviewer2' ? 'reviewer' : role, siteId: A.site });
        A.tokens[role] = u.token;
        if (role !== 'auditor') A[role as 'reviewer' | 'reviewer2' | 'clerk'] = u.user.id;
        const v = await s.createUser({ name: `siteB-${role}`, role: role === 'reviewer2' ? 'reviewer' : role, siteId: B.site });
        B.tokens[role] = v.token;
        if (role === 'reviewer' || role === 'clerk') B.tokens[`${role} device`] = await enroll(B.site, v.user.id, `siteB-${role}-laptop`).then((d) => d.credential);
      }
      const made = await s.createTasks([{ queueId: A.queue, docRef: 'siteA-doc-1', docSha256: 'e'.repeat(64), docType: 'invoice', fields: { vendor: 'siteA-vendor' }, priority: 0, dueAt: null }]);
      A.task = made.items[0]!.id;
    });
    afterAll(async () => {
      await hub?.close();
      await hub?.db.close();
      await drop?.();
    });

    async function enroll(siteId: number, userId: number, name: string) {
      const { key } = generateDeviceKey();
      const code = (await hub.service.createEnrollmentCode({ siteId, userId, ttlMinutes: 60 })).code;
      const r = await hubClient(hub.url, code).call('device.enroll', { name, publicKey: key.publicKey });
      return { ...r, key, client: hubClient(hub.url, r.credential) };
    }
    const decide = (taskId: number, extra: Record<string, unknown> = {}) => ({ id: 1, name: 'task.decide' as const, args: { taskId, action: 'approve' as const, actor: 'someone-else', decidedAt: new Date().toISOString(), ...extra } });

    it('records the authenticated user as the decider; the name the device sent is kept apart', async () => {
      const [task] = await makeTasks(hub, A.queue, 1, 100);
      const d = await enroll(A.site, A.reviewer, 'siteA-reviewer-laptop');
      const r = await d.client.call('sync.push', { clientId: crypto.randomUUID(), mutations: [decide(task!.id, { actor: 'the-ceo' })] });
      expect(r.results[0]).toMatchObject({ status: 'applied' });
      const ds = await hubClient(hub.url, admin).call('tasks.decisions', { taskId: task!.id });
      expect(ds.items[0]).toMatchObject({ user: 'siteA-reviewer', userId: A.reviewer, claimedActor: 'the-ceo', status: 'accepted' });
      const listed = await hubClient(hub.url, admin).call('tasks.list', { queueId: A.queue, limit: 100 });
      expect(listed.items.find((t) => t.id === task!.id)!.decision).toMatchObject({ user: 'siteA-reviewer' });
    });

    it("refuses a clerk's decision and a decision on a task another reviewer holds a live lease on, with a typed code and a sentence", async () => {
      const [free, leased] = await makeTasks(hub, A.queue, 2, 200);
      const clerk = await enroll(A.site, A.clerk, 'siteA-clerk-laptop');
      const byClerk = await clerk.client.call('sync.push', { clientId: crypto.randomUUID(), mutations: [decide(free!.id)] });
      expect(byClerk.results[0]).toMatchObject({ status: 'rejected', code: 'forbidden', message: expect.stringMatching(/clerk role may not decide/) });

      const holder = await enroll(A.site, A.reviewer, 'siteA-holder');
      const other = await enroll(A.site, A.reviewer2, 'siteA-other');
      await holder.client.call('leases.acquire', { taskId: leased!.id, ttlSeconds: 600 });
      const blocked = await other.client.call('sync.push', { clientId: crypto.randomUUID(), mutations: [decide(leased!.id)] });
      expect(blocked.results[0]).toMatchObject({ status: 'rejected', code: 'leased', message: expect.stringMatching(/leased to another reviewer .* until .*refused/) });
      const admin_ = hubClient(hub.url, admin);
      expect((await admin_.call('tasks.decisions', { taskId: free!.id })).items).toEqual([]);
      expect((await admin_.call('tasks.decisions', { taskId: leased!.id })).items).toEqual([]);
      // The lease holder decides; so may anyone once the lease has run out.
      const mine = await holder.client.call('sync.push', { clientId: crypto.randomUUID(), mutations: [decide(leased!.id)] });
      expect(mine.results[0]).toMatchObject({ status: 'applied' });
      const [later] = await makeTasks(hub, A.queue, 1, 300);
      await holder.client.call('leases.acquire', { taskId: later!.id, ttlSeconds: 60 });
      clockOffsetMs += 61_000;
      expect((await other.client.call('sync.push', { clientId: crypto.randomUUID(), mutations: [decide(later!.id)] })).results[0]).toMatchObject({ status: 'applied' });
    });

    it("walks every route as site B's auditor, reviewer, clerk and their devices, aimed at site A: nothing of site A comes back, nothing of it changes", async () => {
      const d = await enroll(A.site, A.reviewer, 'siteA-audited-laptop');
      A.device = d.deviceId;
      const local = openDatabase(':memory:');
      const log = new AuditLog(local);
      for (let i = 0; i < 3; i++) local.transaction(() => log.append({ actor: 'siteA-actor', event: 'task.approved', data: { taskId: i } }))();
      const batch: AuditBatch = { deviceId: d.deviceId, entries: [...log.iterate()] };
      await d.client.call('audit.upload', { batch, signature: signBytes(d.key, auditBatchBytes(batch)) });
      local.close();
      const before = JSON.stringify(await hubClient(hub.url, admin).call('tasks.list', { siteId: A.site, limit: 1000 }));

      const aimed: Record<string, unknown> = {
        siteId: A.site,
        deviceId: A.device,
        taskId: A.task,
        queueId: A.queue,
        userId: A.reviewer,
        name: 'siteB-probe',
        fromSeq: 1,
        tasks: [{ queueId: A.queue, docRef: 'siteB-probe', docSha256: 'c'.repeat(64), docType: 'invoice', fields: {} }],
        clientId: crypto.randomUUID(),
        mutations: [decide(A.task)],
        batch,
        signature: 'x',
        kind: 'policy',
        version: 1,
        content: {},
      };
      const seen: string[] = [];
      for (const name of Object.keys(hubContract)) {
        if (name === 'users.rotateToken') continue; // touches only the caller's own token
        for (const [who, token] of Object.entries(B.tokens)) {
          const r = await raw(hub.url, name, token, aimed);
          seen.push(`${name} as ${who}: ${r.status}`);
          expect(`${name} as ${who}: ${r.text}`).not.toMatch(/siteA-/);
        }
      }
      expect(seen.length).toBeGreaterThan(Object.keys(hubContract).length * 3);
      // The auditor of site B sees its own site and nothing else.
      expect((await hubClient(hub.url, B.tokens.auditor!).call('devices.list', {})).items.every((x) => x.siteId === B.site)).toBe(true);
      expect(await errorCode(hubClient(hub.url, B.tokens.auditor!).call('audit.entries', { deviceId: A.device, fromSeq: 1, limit: 10 }))).toBe('not_found');
      expect(await errorCode(hubClient(hub.url, B.tokens.auditor!).call('audit.verify', { deviceId: A.device }))).toBe('not_found');
      // Site A's own auditor does see it.
      expect((await hubClient(hub.url, A.tokens.auditor!).call('audit.entries', { deviceId: A.device, fromSeq: 1, limit: 10 })).entries).toHaveLength(3);
      expect(JSON.stringify(await hubClient(hub.url, admin).call('tasks.list', { siteId: A.site, limit: 1000 }))).toBe(before);
    });

    it("keeps each audit batch's signed bytes and signature: verify catches a chain rewritten consistently in the hub's database", async () => {
      const d = await enroll(A.site, A.reviewer, 'siteA-signed-laptop');
      const local = openDatabase(':memory:');
      const log = new AuditLog(local);
      for (let i = 0; i < 6; i++) local.transaction(() => log.append({ actor: 'siteA-actor', event: 'task.approved', data: { taskId: i } }))();
      const entries = [...log.iterate()];
      for (const part of [entries.slice(0, 4), entries.slice(2, 6)]) {
        const batch: AuditBatch = { deviceId: d.deviceId, entries: part };
        await d.client.call('audit.upload', { batch, signature: signBytes(d.key, auditBatchBytes(batch)) });
      }
      const auditor = hubClient(hub.url, A.tokens.auditor!);
      expect(await auditor.call('audit.verify', { deviceId: d.deviceId })).toMatchObject({ ok: true, entries: 6, batches: 2 });
      local.close();

      // Someone with write access to the hub's database rewrites entry 3 onwards, hashes and links recomputed.
      const db = hub.db;
      await (db.dialect === 'sqlite' ? sql`DROP TRIGGER hub_audit_no_update` : sql`DROP TRIGGER hub_audit_no_change ON hub_audit`).execute(db.db);
      let prev = entries[1]!.hash;
      for (const e of entries.slice(2)) {
        const forged = { ...e, actor: 'mallory', prevHash: prev };
        const hash = entryHash(forged);
        await db.run('UPDATE hub_audit SET actor = ?, prev_hash = ?, hash = ? WHERE device_id = ? AND seq = ?', ['mallory', prev, hash, d.deviceId, e.seq]);
        prev = hash;
      }
      const verdict = await auditor.call('audit.verify', { deviceId: d.deviceId });
      expect(verdict).toMatchObject({ ok: false, firstBad: { seq: 3, problem: expect.stringMatching(/differs from what the device signed/) } });
    });

    it('revokes and expires enrollment codes; user tokens expire and rotate', async () => {
      const s = hub.service;
      const code = (await s.createEnrollmentCode({ siteId: A.site, userId: A.reviewer, ttlMinutes: 60 })).code;
      expect(await hubClient(hub.url, admin).call('devices.revokeEnrollmentCode', { code })).toEqual({ revoked: true });
      expect((await raw(hub.url, 'device.enroll', code, { name: 'x', publicKey: generateDeviceKey().key.publicKey })).status).toBe(401);
      const soon = (await s.createEnrollmentCode({ siteId: A.site, userId: A.reviewer, ttlMinutes: 1 })).code;
      clockOffsetMs += 2 * 60_000;
      expect((await raw(hub.url, 'device.enroll', soon, { name: 'x', publicKey: generateDeviceKey().key.publicKey })).status).toBe(401);

      const u = await s.createUser({ name: 'siteA-shortlived', role: 'reviewer', siteId: A.site, tokenTtlDays: 1 });
      expect((await raw(hub.url, 'hub.whoami', u.token)).status).toBe(200);
      clockOffsetMs += 2 * 86_400_000;
      expect((await raw(hub.url, 'hub.whoami', u.token)).status).toBe(401);

      const v = await s.createUser({ name: 'siteA-rotating', role: 'auditor', siteId: A.site });
      const rotated = await hubClient(hub.url, v.token).call('users.rotateToken', { tokenTtlDays: 30 });
      expect((await raw(hub.url, 'hub.whoami', v.token)).status).toBe(401);
      expect((await raw(hub.url, 'hub.whoami', rotated.token)).status).toBe(200);
      expect(Date.parse(rotated.expiresAt!) - clock().getTime()).toBeGreaterThan(29 * 86_400_000);
    });

    it('refuses fields the site may not export, under the engine names; a value replaced by hmac:<hex> passes', async () => {
      const a = hubClient(hub.url, admin);
      const base = { queueId: A.queue, docSha256: 'd'.repeat(64), docType: 'invoice' as const };
      const ok = await a.call('tasks.create', { tasks: [{ ...base, docRef: 'siteA-fields-1', fields: { documentNumber: 'INV-1', issueDate: '2026-01-02', total: '5.00' } }] });
      expect(ok.items[0]!.fields).toMatchObject({ documentNumber: 'INV-1' });
      expect(await errorCode(a.call('tasks.create', { tasks: [{ ...base, docRef: 'siteA-fields-2', fields: { invoiceNumber: 'INV-1' } }] }))).toBe('field_not_exportable');

      const d = await enroll(A.site, A.reviewer, 'siteA-fields-laptop');
      const [t1, t2] = await makeTasks(hub, A.queue, 2, 400);
      const clientId = crypto.randomUUID();
      const refused = await d.client.call('sync.push', { clientId, mutations: [{ ...decide(t1!.id, { action: 'correct', corrections: { iban: 'DE89370400440532013000' } }), id: 1 }] });
      expect(refused.results[0]).toMatchObject({ status: 'rejected', code: 'field_not_exportable', message: expect.stringMatching(/iban/) });
      const hashed = await d.client.call('sync.push', { clientId, mutations: [{ ...decide(t2!.id, { action: 'correct', corrections: { iban: `hmac:${'ab'.repeat(32)}`, total: '9.00' } }), id: 2 }] });
      expect(hashed.results[0]).toMatchObject({ status: 'applied' });

      const local = openDatabase(':memory:');
      const log = new AuditLog(local);
      local.transaction(() => log.append({ actor: 'rita', event: 'task.corrected', data: { hubTaskId: t1!.id, corrections: { iban: 'DE89370400440532013000' } } }))();
      const bad: AuditBatch = { deviceId: d.deviceId, entries: [...log.iterate()] };
      expect(await errorCode(d.client.call('audit.upload', { batch: bad, signature: signBytes(d.key, auditBatchBytes(bad)) }))).toBe('field_not_exportable');
      const local2 = openDatabase(':memory:');
      const log2 = new AuditLog(local2);
      local2.transaction(() => log2.append({ actor: 'rita', event: 'task.corrected', data: { hubTaskId: t2!.id, changes: [{ field: 'iban', oldValue: null, newValue: `hmac:${'cd'.repeat(32)}` }] } }))();
      const good: AuditBatch = { deviceId: d.deviceId, entries: [...log2.iterate()] };
      expect(await d.client.call('audit.upload', { batch: good, signature: signBytes(d.key, auditBatchBytes(good)) })).toMatchObject({ stored: 1 });
      local.close();
      local2.close();
    });

    it('/healthz answers without touching the database and never prints its errors; /readyz says 503 with a sentence', async () => {
      const broken = await backend.open();
      const h = await startHub(broken.db);
      await broken.db.close();
      try {
        const live = await fetch(`${h.url}/healthz`);
        expect(live.status).toBe(200);
        const ready = await fetch(`${h.url}/readyz`);
        expect(ready.status).toBe(503);
        const body = await ready.text();
        expect(body).toContain('cannot reach its database');
        expect(body).not.toMatch(/SQLITE|ECONNREFUSED|not open|pool|destroyed|driver/i);
      } finally {
        await h.close();
        await broken.drop();
      }
    });

    it('limits failed authentications per address: after the limit even a good token waits (429 with Retry-After)', async () => {
      const h = await startHub(hub.db, { authFailuresPerMinute: 5 });
      try {
        for (let i = 0; i < 5; i++) expect((await raw(h.url, 'hub.whoami', `csu_guess${i}`)).status).toBe(401);
        const res = await fetch(`${h.url}/v1/hub.whoami`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` }, body: '{}' });
        expect(res.status).toBe(429);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      } finally {
        await h.close();
      }
    });
  });
}
