import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { FlakyFetch, openTestDevice, type TestDevice } from '../src-main/sync/testing.ts';
import { HubService } from './hub-service.ts';
import { BACKENDS, hubClient, makeTasks, seedHub, type RunningHub } from './testing/hub-fixture.ts';
import { spawnHub, type HubProcess } from './testing/spawn-hub.ts';
import type { HubDatabase } from './store/database.ts';

for (const { backend, skip, label } of BACKENDS) {
  describe.skipIf(skip)(`two hub processes on one ${label} database`, () => {
    let db: HubDatabase;
    let drop: () => Promise<void>;
    let a: HubProcess;
    let b: HubProcess;
    let seed: Awaited<ReturnType<typeof seedHub>>;
    const devices: TestDevice[] = [];

    beforeAll(async () => {
      const opened = await backend.open();
      db = opened.db;
      drop = opened.drop;
      const where = opened.location.schema ? ['--database', opened.location.database, '--schema', opened.location.schema] : ['--database', opened.location.database];
      [a, b] = await Promise.all([spawnHub(where), spawnHub(where)]);
      seed = await seedHub({ url: a.url, db, service: new HubService(db), close: async () => {} });
    });
    afterAll(async () => {
      for (const d of devices) await d.close();
      await Promise.all([a?.kill(), b?.kill()]);
      await db?.close();
      await drop?.();
    });

    const local = (): RunningHub => ({ url: a.url, db, service: new HubService(db), close: async () => {} });
    async function device(url: string, userId: number, fetchImpl?: typeof fetch) {
      const d = await openTestDevice(fetchImpl ? { fetch: fetchImpl } : {});
      devices.push(d);
      await d.sync.connect({ hubUrl: url, enrollmentCode: await seed.code(userId), deviceName: `d${devices.length}` });
      await d.sync.syncOnce();
      return d;
    }

    it('serves one database from both: a race through different processes has exactly one winner', async () => {
      const [task] = await makeTasks(local(), seed.queue.id, 1, 1);
      const x = await device(a.url, seed.reviewer.user.id);
      const y = await device(b.url, seed.reviewer2.user.id);
      x.sync.decideHubTask({ taskId: task!.id, action: 'approve', actor: 'x' });
      y.sync.decideHubTask({ taskId: task!.id, action: 'reject', actor: 'y', reason: 'no PO' });
      const [rx, ry] = await Promise.all([x.sync.syncOnce(), y.sync.syncOnce()]);
      expect([rx.pushed + ry.pushed, rx.superseded + ry.superseded]).toEqual([1, 1]);
      const ds = await hubClient(b.url, seed.auditor.token).call('tasks.decisions', { taskId: task!.id });
      expect(ds.items.map((d) => d.status).sort()).toEqual(['accepted', 'superseded']);
      // A revocation through one process holds on the other at once.
      await hubClient(a.url, seed.admin.token).call('devices.revoke', { deviceId: y.sync.status().deviceId! });
      await expect(y.sync.syncOnce()).rejects.toThrow(/credential/);
    });

    it('hub process killed mid-push: the device goes on through the other, and every decision lands exactly once', async () => {
      const tasks = await makeTasks(local(), seed.queue.id, 600, 1000);
      let pushes = 0;
      const flaky = new FlakyFetch();
      const killing: typeof fetch = async (input, init) => {
        if (String(input).includes('/v1/sync.push') && ++pushes === 2) setTimeout(() => void a.kill(), 5);
        return flaky.fetch(input, init);
      };
      const x = await device(a.url, seed.reviewer.user.id, killing);
      for (const t of tasks) x.sync.decideHubTask({ taskId: t.id, action: 'approve', actor: 'x' });
      await expect(x.sync.syncOnce()).rejects.toThrow();
      expect(x.sync.status().lastError).toMatch(/unreachable|hub_unavailable/);
      // The load balancer sends the device to the surviving process.
      x.db.prepare(`UPDATE sync_state SET value = ? WHERE key = 'hub_url'`).run(b.url);
      await x.sync.syncOnce();
      const deviceId = x.sync.status().deviceId!;
      const rows = await db.all<{ task_id: number; status: string; mutation_id: number }>('SELECT task_id, status, mutation_id FROM hub_decisions WHERE device_id = ? ORDER BY id', [deviceId]);
      expect(rows.map((r) => r.task_id)).toEqual(tasks.map((t) => t.id));
      expect(rows.every((r) => r.status === 'accepted')).toBe(true);
      expect(await hubClient(b.url, seed.auditor.token).call('audit.verify', { deviceId })).toMatchObject({ ok: true, entries: x.audit.count() });
    });

    it('device process killed mid-push: restarted from its data directory, it sends the rest and nothing twice', async () => {
      const tasks = await makeTasks(local(), seed.queue.id, 400, 5000);
      const store = null; // the key files, which the child (COUNTERSIGN_KEY_STORAGE=file) reads too
      const first = await openTestDevice({ store, encrypted: true });
      await first.close();
      let d = await openTestDevice({ dataDir: first.dataDir, store, encrypted: true });
      await d.sync.connect({ hubUrl: b.url, enrollmentCode: await seed.code(seed.reviewer.user.id), deviceName: 'killed' });
      await d.sync.syncOnce();
      for (const t of tasks) d.sync.decideHubTask({ taskId: t.id, action: 'approve', actor: 'k' });
      const deviceId = d.sync.status().deviceId!;
      await d.close();
      const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/sync/device-cli.ts', '--data-dir', first.dataDir, 'sync', '--push-batch', '10'], {
        cwd: path.resolve(import.meta.dirname, '..'),
        env: { ...process.env, COUNTERSIGN_KEY_STORAGE: 'file' },
        stdio: 'ignore',
      });
      const exited = new Promise((r) => child.once('exit', r));
      const count = async () => Number((await db.get<{ n: number }>('SELECT count(*) AS n FROM hub_decisions WHERE device_id = ?', [deviceId]))!.n);
      const deadline = Date.now() + 60_000;
      while ((await count()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      child.kill('SIGKILL');
      await exited;
      const landed = await count();
      expect(landed).toBeGreaterThan(0);
      expect(landed).toBeLessThan(tasks.length); // killed with pushes still to send
      d = await openTestDevice({ dataDir: first.dataDir, store, encrypted: true });
      devices.push(d);
      await d.sync.syncOnce();
      const rows = await db.all<{ task_id: number }>('SELECT task_id FROM hub_decisions WHERE device_id = ? ORDER BY id', [deviceId]);
      expect(rows.map((r) => r.task_id)).toEqual(tasks.map((t) => t.id));
      expect(d.sync.status()).toMatchObject({ outboxLength: 0, auditPending: 0 });
      expect(await hubClient(b.url, seed.auditor.token).call('audit.verify', { deviceId })).toMatchObject({ ok: true, entries: d.audit.count() });
    });
  });
}
