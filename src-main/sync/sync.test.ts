import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, hubClient, makeTasks, seedHub, startHub, type RunningHub } from '../../src-server/testing/hub-fixture.ts';
import { Engine } from '../engine/engine.ts';
import { makeTextPdf, sampleInvoiceLines } from '../testing/make-pdf.ts';
import { DeviceSecretVault, loadDeviceKey, MemorySecretStore } from './device-identity.ts';
import { SyncService } from './sync-service.ts';
import { FlakyFetch, openTestDevice, type TestDevice } from './testing.ts';

async function until(cond: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

for (const { backend, skip, label } of BACKENDS) {
  describe.skipIf(skip)(`device sync with a hub on ${label}`, () => {
    let hub: RunningHub;
    let drop: () => Promise<void>;
    let seed: Awaited<ReturnType<typeof seedHub>>;
    let port = 0;
    const devices: TestDevice[] = [];

    beforeAll(async () => {
      const opened = await backend.open();
      drop = opened.drop;
      hub = await startHub(opened.db);
      port = Number(new URL(hub.url).port);
      seed = await seedHub(hub);
    });
    afterAll(async () => {
      for (const d of devices) await d.close();
      await hub?.close();
      await hub?.db.close();
      await drop?.();
    });

    async function device(userId = seed.reviewer.user.id, opts: Parameters<typeof openTestDevice>[0] = {}) {
      const d = await openTestDevice(opts);
      devices.push(d);
      await d.sync.handlers['sync.connect']({ hubUrl: hub.url, enrollmentCode: await seed.code(userId), deviceName: `dev-${devices.length}` });
      return d;
    }
    const admin = () => hubClient(hub.url, seed.admin.token);
    const auditor = () => hubClient(hub.url, seed.auditor.token);

    it('enrolls, keeps the credential in the keychain, pulls tasks and policies, decides and syncs', async () => {
      const store = new MemorySecretStore();
      const d = await device(seed.reviewer.user.id, { store });
      expect([...store.map.values()].join()).toMatch(/csd_/);
      const st = d.db.prepare(`SELECT group_concat(value) AS v FROM sync_state`).get() as { v: string };
      expect(st.v).not.toMatch(/csd_/);
      const pol = await admin().call('artifacts.publish', { kind: 'ruleSet', name: `rules-${label}`, content: { version: 'r1', rules: [{ id: 'totals', kind: 'totals_add_up' }] } });
      await admin().call('artifacts.assign', { siteId: seed.site.id, kind: 'ruleSet', name: pol.name, version: pol.version });
      const [t1, t2] = await makeTasks(hub, seed.queue.id, 2, 1);
      await d.sync.syncOnce();
      expect(d.sync.artifact('ruleSet', pol.name)).toMatchObject({ version: 1, content: { version: 'r1', rules: [{ id: 'totals', kind: 'totals_add_up' }] } });
      expect((await d.sync.handlers['sync.hubTasks']({ status: 'open', offset: 0, limit: 100 })).items.map((x) => x.id)).toEqual(expect.arrayContaining([t1!.id, t2!.id]));
      d.sync.decideHubTask({ taskId: t1!.id, action: 'correct', actor: 'rita', corrections: { total: '101.50' } });
      expect(() => d.sync.decideHubTask({ taskId: t1!.id, action: 'approve', actor: 'rita' })).toThrow(/already decided/);
      expect(d.sync.status()).toMatchObject({ connected: true, outboxLength: 1 });
      const report = await d.sync.syncOnce();
      expect(report).toMatchObject({ pushed: 1 });
      expect(d.sync.status()).toMatchObject({ outboxLength: 0, auditPending: 0, lastError: null });
      const [hubTask] = (await admin().call('tasks.list', { queueId: seed.queue.id, limit: 1000 })).items.filter((x) => x.id === t1!.id);
      expect(hubTask).toMatchObject({ status: 'decided', decision: { action: 'correct', user: seed.reviewer.user.name } });
      expect((await d.sync.handlers['sync.hubTasks']({ offset: 0, limit: 100 })).items.find((x) => x.id === t1!.id)).toMatchObject({ status: 'decided', localDecision: 'correct', pushState: 'applied' });
    });

    it('keeps the hub credential and the signing key in two keychain entries; an entry from before the split is moved into them and the device still syncs', async () => {
      const store = new MemorySecretStore();
      const d = await device(seed.reviewer.user.id, { store });
      const entry = (kind: string) => [...store.map].find(([k]) => k.startsWith(`Countersign/${kind}:`));
      const [credentialAccount, credential] = entry('hub-credential')!;
      const [keyAccount, privateKey] = entry('device-signing-key')!;
      expect(credential).toMatch(/^csd_/);
      expect(() => loadDeviceKey(credential)).toThrow(); // no key material where the credential is
      expect(loadDeviceKey(privateKey).publicKey).toMatch(/^MCowBQYDK2Vw/); // an Ed25519 SPKI
      expect(privateKey).not.toContain(credential);
      expect(credential).not.toContain(privateKey);
      // Back to how a device enrolled before the split kept them: one combined entry.
      const legacy = credentialAccount.replace('hub-credential', 'hub-device');
      store.map.delete(credentialAccount);
      store.map.delete(keyAccount);
      store.map.set(legacy, JSON.stringify({ credential, privateKey }));
      await d.close();
      devices.splice(devices.indexOf(d), 1);
      const again = await openTestDevice({ dataDir: d.dataDir, store });
      devices.push(again);
      expect(store.map.has(legacy)).toBe(false);
      expect([store.map.get(credentialAccount), store.map.get(keyAccount)]).toEqual([credential, privateKey]);
      again.db.transaction(() => again.audit.append({ actor: 'rita', event: 'settings.changed', documentSha256: null, data: { after: 'split' }, policyVersion: null }))();
      const report = await again.sync.syncOnce();
      expect(report.auditUploaded).toBeGreaterThan(0);
      expect(again.sync.status()).toMatchObject({ lastError: null, auditPending: 0 });
      expect(await auditor().call('audit.verify', { deviceId: again.sync.status().deviceId! })).toMatchObject({ ok: true });
    });

    it('hub down while 1,000 decisions are made offline, then back: all arrive exactly once, in order, with the chain verified', async () => {
      const tasks = await makeTasks(hub, seed.queue.id, 1000, 10_000);
      const d = await device();
      await d.sync.syncOnce();
      await hub.close();
      const t0 = Date.now();
      for (const t of tasks) d.sync.decideHubTask({ taskId: t.id, action: 'approve', actor: 'rita', timeSpentMs: 1200 });
      expect(Date.now() - t0).toBeLessThan(30_000);
      d.sync.start();
      await until(() => (d.sync.status().lastError ?? '').includes('unreachable'));
      expect(d.sync.status()).toMatchObject({ outboxLength: 1000, connected: true });
      await new Promise((r) => setTimeout(r, 100));
      hub = await startHub(hub.db, { port });
      d.sync.poke();
      await until(() => d.sync.status().outboxLength === 0 && d.sync.status().auditPending === 0);
      await d.sync.stop();
      const deviceId = d.sync.status().deviceId!;
      const decisions = await hub.db.all<{ task_id: number; mutation_id: number; status: string }>('SELECT task_id, mutation_id, status FROM hub_decisions WHERE device_id = ? ORDER BY id', [deviceId]);
      expect(decisions).toHaveLength(1000);
      expect(decisions.every((x) => x.status === 'accepted')).toBe(true);
      expect(decisions.map((x) => x.mutation_id)).toEqual([...decisions.map((x) => x.mutation_id)].sort((a, b) => a - b));
      expect(decisions.map((x) => x.task_id)).toEqual(tasks.map((t) => t.id));
      expect(await auditor().call('audit.verify', { deviceId })).toMatchObject({ ok: true, entries: d.audit.count() });
    });

    it('hub killed mid-push (reply lost) and device killed mid-push (restarted from its data directory): nothing twice, nothing lost', async () => {
      const tasks = await makeTasks(hub, seed.queue.id, 40, 20_000);
      const flaky = new FlakyFetch();
      const store = new MemorySecretStore();
      const d = await device(seed.reviewer.user.id, { fetch: flaky.fetch, store });
      await d.sync.syncOnce();
      for (const t of tasks.slice(0, 20)) d.sync.decideHubTask({ taskId: t.id, action: 'approve', actor: 'rita' });
      flaky.loseReplies = 1;
      await expect(d.sync.syncOnce()).rejects.toThrow();
      expect(d.sync.status().outboxLength).toBe(20);
      const second = await d.sync.syncOnce();
      expect(second).toMatchObject({ pushed: 0, duplicates: 20 });

      for (const t of tasks.slice(20)) d.sync.decideHubTask({ taskId: t.id, action: 'reject', actor: 'rita', reason: 'duplicate invoice' });
      flaky.loseReplies = 1; // the push lands, the device dies before it hears back
      await expect(d.sync.syncOnce()).rejects.toThrow();
      await d.sync.stop();
      d.db.close();
      devices.splice(devices.indexOf(d), 1);
      const again = await openTestDevice({ dataDir: d.dataDir, store, fetch: flaky.fetch });
      devices.push(again);
      expect(again.sync.status().outboxLength).toBe(20);
      flaky.loseMatch = /audit\.upload/;
      flaky.loseReplies = 1; // and once more, this time the audit batch lands and its reply is lost
      await expect(again.sync.syncOnce()).rejects.toThrow();
      expect(again.sync.status().outboxLength).toBe(0);
      expect(again.sync.status().auditPending).toBeGreaterThan(0);
      await again.sync.syncOnce();
      const deviceId = again.sync.status().deviceId!;
      const rows = await hub.db.all<{ task_id: number; n: number }>('SELECT task_id, count(*) AS n FROM hub_decisions WHERE device_id = ? GROUP BY task_id', [deviceId]);
      expect(rows).toHaveLength(40);
      expect(rows.every((x) => Number(x.n) === 1)).toBe(true);
      expect(await auditor().call('audit.verify', { deviceId })).toMatchObject({ ok: true, entries: again.audit.count() });
      expect(again.sync.status()).toMatchObject({ outboxLength: 0, auditPending: 0 });
    });

    it('orders by arrival at the hub and mutation id, not by device clocks; a skewed device still syncs', async () => {
      const [task, other] = await makeTasks(hub, seed.queue.id, 2, 30_000);
      const ahead = await device(seed.reviewer.user.id, { clock: () => new Date(Date.now() + 3 * 86_400_000) });
      const behind = await device(seed.reviewer2.user.id, { clock: () => new Date(Date.now() - 3 * 86_400_000) });
      await ahead.sync.syncOnce();
      await behind.sync.syncOnce();
      ahead.sync.decideHubTask({ taskId: task!.id, action: 'approve', actor: 'ahead' });
      behind.sync.decideHubTask({ taskId: task!.id, action: 'reject', actor: 'behind', reason: 'wrong vendor' });
      behind.sync.decideHubTask({ taskId: other!.id, action: 'approve', actor: 'behind' });
      await ahead.sync.syncOnce();
      const r = await behind.sync.syncOnce();
      expect(r).toMatchObject({ pushed: 1, superseded: 1 });
      const ds = await admin().call('tasks.decisions', { taskId: task!.id });
      expect(ds.items.map((x) => [x.user, x.claimedActor, x.status])).toEqual([
        [seed.reviewer.user.name, 'ahead', 'accepted'],
        [seed.reviewer2.user.name, 'behind', 'superseded'],
      ]);
      expect(Date.parse(ds.items[1]!.decidedAt)).toBeLessThan(Date.parse(ds.items[0]!.decidedAt));
      const mine = (await behind.sync.handlers['sync.hubTasks']({ taskIds: [task!.id], offset: 0, limit: 10 })).items.find((x) => x.id === task!.id);
      expect(mine).toMatchObject({ status: 'decided', localDecision: 'reject', pushState: 'superseded', decision: { user: seed.reviewer.user.name } });
      for (const dev of [ahead, behind]) expect(await auditor().call('audit.verify', { deviceId: dev.sync.status().deviceId! })).toMatchObject({ ok: true });
    });

    it('a superseded decision whose reply was lost still shows as superseded after the resend', async () => {
      const [task] = await makeTasks(hub, seed.queue.id, 1, 40_000);
      const flaky = new FlakyFetch();
      const a = await device(seed.reviewer.user.id);
      const b = await device(seed.reviewer2.user.id, { fetch: flaky.fetch });
      await a.sync.syncOnce();
      await b.sync.syncOnce();
      a.sync.decideHubTask({ taskId: task!.id, action: 'approve', actor: 'first' });
      b.sync.decideHubTask({ taskId: task!.id, action: 'reject', actor: 'second', reason: 'no PO' });
      await a.sync.syncOnce();
      flaky.loseMatch = /sync\.push/;
      flaky.loseReplies = 1;
      await expect(b.sync.syncOnce()).rejects.toThrow();
      expect((await b.sync.syncOnce()).duplicates).toBe(1);
      expect(b.sync.hubTasks({ taskIds: [task!.id], offset: 0, limit: 1 }).items[0]).toMatchObject({ localDecision: 'reject', pushState: 'superseded', decision: { user: seed.reviewer.user.name } });
    });

    it('no document content leaves the device: every request it makes is recorded and checked', async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-res-'));
      const engine = await Engine.open({ dataDir, understanding: null, keyStorage: 'file', onWarning: () => {}, ocrWorkers: 1 });
      try {
        const lines = sampleInvoiceLines(7);
        const pdf = makeTextPdf([lines, ['Confidential appendix', 'Bank details follow']]);
        const inbox = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-in-'));
        fs.writeFileSync(path.join(inbox, 'invoice.pdf'), pdf);
        const [processed] = await engine.process([inbox]);
        const docId = processed!.documentId!;
        engine.db.transaction(() => {
          engine.db.prepare(`INSERT INTO extractions (document_id, field, value, confidence, source, created_at) VALUES (?, 'total', '150.75', 0.9, 'rules', ?)`).run(docId, new Date().toISOString());
          engine.tasks.create({ documentId: docId, reasons: ['low confidence'], priority: 1, policyVersion: 'p1', batchApprovable: false, qaSampled: false });
        })();
        const localTask = engine.tasks.list({ offset: 0, limit: 1 }).items[0]!;
        await engine.handlers['tasks.decide']({ taskId: localTask.id, action: 'approve', actor: 'rita' });

        const recorder = new FlakyFetch();
        const store = new MemorySecretStore();
        const sync = new SyncService({ db: engine.db, audit: engine.audit, vault: await DeviceSecretVault.open(dataDir, store), siteKey: () => engine.siteKey(), fetch: recorder.fetch });
        await sync.connect({ hubUrl: hub.url, enrollmentCode: await seed.code(seed.clerk.user.id), deviceName: 'clerk-pc' });
        const shared = await sync.shareDocument({ documentId: docId, queueId: seed.queue.id, fields: ['total'], priority: 3 });
        expect(shared).toMatchObject({ docSha256: processed!.sha256, fields: { total: '150.75' } });
        await sync.syncOnce();
        sync.decideHubTask({ taskId: shared.id, action: 'approve', actor: 'clara' });
        await sync.syncOnce();
        expect(sync.status()).toMatchObject({ outboxLength: 0, auditPending: 0 });

        const sent = recorder.requests.map((r) => r.body).join('\n');
        expect(recorder.requests.length).toBeGreaterThan(5);
        expect(recorder.requests.every((r) => r.url.startsWith(hub.url))).toBe(true);
        const pageText = (await engine.handlers['documents.get']({ id: docId })).pages.map((p) => p.text);
        const forbidden = [pdf.toString('base64').slice(0, 64), pdf.toString('hex').slice(0, 64), '%PDF', ...lines.filter((l) => !l.includes('150.75')), 'Confidential appendix', 'Bank details follow', ...pageText];
        for (const f of forbidden) expect(sent.includes(f), `request body contains ${JSON.stringify(f.slice(0, 40))}`).toBe(false);
        // What did leave: references, hashes, the exported field, decisions and the audit trail.
        expect(sent).toContain(processed!.sha256!);
        expect(sent).toContain('150.75');
      } finally {
        await engine.close();
      }
    });
  });
}
