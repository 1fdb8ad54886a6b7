import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDeviceKey } from '../src-main/sync/device-identity.ts';
import { HubService } from './hub-service.ts';
import type { HubDatabase } from './store/database.ts';
import { BACKENDS, hubClient, makeTasks, seedHub } from './testing/hub-fixture.ts';
import { spawnHub, type HubProcess } from './testing/spawn-hub.ts';

for (const { backend, skip, label } of BACKENDS) {
  describe.skipIf(skip)(`hub process on ${label} stopped with SIGTERM under load`, () => {
    let db: HubDatabase;
    let drop: () => Promise<void>;
    let hub: HubProcess;

    beforeAll(async () => {
      const opened = await backend.open();
      db = opened.db;
      drop = opened.drop;
      hub = await spawnHub(opened.location.schema ? ['--database', opened.location.database, '--schema', opened.location.schema] : ['--database', opened.location.database]);
    });
    afterAll(async () => {
      await hub?.kill();
      await db?.close();
      await drop?.();
    });

    it('finishes the pushes in flight, answers them, exits 0; every acknowledged decision is in the database', async () => {
      const service = new HubService(db);
      const seed = await seedHub({ url: hub.url, db, service, close: async () => {} }, 'term');
      const tasks = await makeTasks({ url: hub.url, db, service, close: async () => {} }, seed.queue.id, 2000);
      const devices = await Promise.all(
        Array.from({ length: 6 }, async (_, i) => {
          const code = await seed.code(seed.reviewer.user.id);
          return (await hubClient(hub.url, code).call('device.enroll', { name: `term-${i}`, publicKey: generateDeviceKey().key.publicKey })).credential;
        }),
      );
      const acked: { clientId: string; id: number; taskId: number }[] = [];
      let next = 0;
      const exit = new Promise<number | null>((r) => hub.proc.once('exit', (code) => r(code)));
      // Six devices push as fast as they can, one decision per push, until the hub stops answering.
      const loops = devices.map(async (credential) => {
        const clientId = crypto.randomUUID();
        for (let id = 1; ; id++) {
          const taskId = tasks[next++ % tasks.length]!.id;
          try {
            const res = await fetch(`${hub.url}/v1/sync.push`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` },
              body: JSON.stringify({ clientId, mutations: [{ id, name: 'task.decide', args: { taskId, action: 'approve', actor: 'x', decidedAt: new Date().toISOString() } }] }),
            });
            if (res.status !== 200) return;
            acked.push({ clientId, id, taskId });
          } catch {
            return; // connection refused or reset: the process is gone
          }
          if (acked.length === 150) hub.proc.kill('SIGTERM');
        }
      });
      await Promise.all(loops);
      expect(await exit).toBe(0);
      expect(acked.length).toBeGreaterThanOrEqual(150);
      const rows = await db.all<{ client_id: string; mutation_id: number; task_id: number }>('SELECT client_id, mutation_id, task_id FROM hub_decisions');
      const stored = new Set(rows.map((r) => `${r.client_id}/${r.mutation_id}/${r.task_id}`));
      expect(acked.filter((a) => !stored.has(`${a.clientId}/${a.id}/${a.taskId}`))).toEqual([]);
    });
  });
}
