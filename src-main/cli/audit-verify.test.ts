import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src-shared/contract/audit.ts';
import type { ApiError } from '../../src-shared/contract/dispatch.ts';
import type { AuditBatch } from '../../src-shared/contract/hub.ts';
import { hubClient, seedHub, sqliteBackend, startHub, type RunningHub } from '../../src-server/testing/hub-fixture.ts';
import { entryHash } from '../../src-common/audit-chain/entry-hash.ts';
import { canonicalJson } from '../../src-common/audit-chain/canonical-json.ts';
import { Engine } from '../engine/engine.ts';
import { MemorySecretStore } from '../sync/device-identity.ts';
import { auditVerify } from './audit-verify.ts';

// `countersign audit verify` on an enrolled data directory also compares with the hub's copy (issue 10).
describe('audit verify against the hub', () => {
  let hub: RunningHub;
  let drop: () => Promise<void>;
  let seed: Awaited<ReturnType<typeof seedHub>>;
  const engines: Engine[] = [];

  beforeAll(async () => {
    const opened = await sqliteBackend.open();
    drop = opened.drop;
    hub = await startHub(opened.db);
    seed = await seedHub(hub);
    // The tests below play someone with write access to the hub's database.
    await sql`DROP TRIGGER hub_audit_no_update`.execute(hub.db.db);
    await sql`DROP TRIGGER hub_audit_batches_no_update`.execute(hub.db.db);
  });
  afterAll(async () => {
    for (const e of engines) await e.close();
    await hub?.close();
    await hub?.db.close();
    await drop?.();
  });

  const append = (engine: Engine, n: number) => {
    for (let i = 0; i < n; i++) engine.db.transaction(() => engine.audit.append({ actor: 'rita', event: 'settings.changed', documentSha256: null, data: { i }, policyVersion: null }))();
  };

  /** A data directory enrolled with the hub that has uploaded two batches. */
  async function enrolledDevice() {
    const store = new MemorySecretStore();
    const engine = await Engine.open({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'cs-av-')), understanding: null, secretStore: store, onWarning: () => {} });
    engines.push(engine);
    const sync = await engine.sync();
    await sync.connect({ hubUrl: hub.url, enrollmentCode: await seed.code(seed.reviewer.user.id), deviceName: 'verifier' });
    append(engine, 3);
    await sync.syncOnce();
    append(engine, 4);
    await sync.syncOnce();
    const deviceId = sync.status().deviceId!;
    const credential = [...store.map].find(([k]) => k.includes('hub-credential'))![1];
    return { engine, deviceId, credential };
  }

  async function run(engine: Engine) {
    const lines: string[] = [];
    const code = await auditVerify(engine, { out: (l) => lines.push(l) });
    return { code, lines };
  }

  it('not enrolled: the local chain check only, as before', async () => {
    const engine = await Engine.open({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'cs-av-')), understanding: null, secretStore: new MemorySecretStore(), onWarning: () => {} });
    engines.push(engine);
    append(engine, 2);
    const r = await run(engine);
    expect(r.code).toBe(0);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/^Audit chain intact: \d+ entries, head [0-9a-f]{64}$/);
  });

  it('agreeing copies pass, and say how much was compared', async () => {
    const { engine } = await enrolledDevice();
    const entries = engine.audit.count();
    const r = await run(engine);
    expect(r.lines[1]).toBe(`Hub copy at ${hub.url} agrees: ${entries} entries in 2 signed batches, as this device sent them`);
    expect(r.code).toBe(0);
    const json: string[] = [];
    await auditVerify(engine, { json: true, out: (l) => json.push(l) });
    expect(JSON.parse(json[0]!)).toMatchObject({ ok: true, hub: { status: 'agrees', batches: 2, entries } });
  });

  it('a batch rewritten consistently in the hub database (entry and signed bytes, hashes recomputed) is named', async () => {
    const { engine, deviceId } = await enrolledDevice();
    const [, second] = await hub.db.all<{ id: number; signed_bytes: string; first_seq: number }>('SELECT id, signed_bytes, first_seq FROM hub_audit_batches WHERE device_id = ? ORDER BY id', [deviceId]);
    const batch = JSON.parse(second!.signed_bytes) as AuditBatch;
    const target = batch.entries[1]!; // the second entry of the second batch
    const forged: AuditEntry = { ...target, actor: 'mallory' };
    forged.hash = entryHash(forged);
    batch.entries[1] = forged;
    await hub.db.run('UPDATE hub_audit_batches SET signed_bytes = ? WHERE id = ?', [canonicalJson(batch), second!.id]);
    await hub.db.run('UPDATE hub_audit SET actor = ?, hash = ? WHERE device_id = ? AND seq = ?', ['mallory', forged.hash, deviceId, target.seq]);
    const r = await run(engine);
    expect(r.lines[0]).toMatch(/^Audit chain intact/); // the device's own chain is fine
    expect(r.lines[1]).toBe(
      `Hub copy at ${hub.url} DIFFERS: Batch ${second!.id} on the hub (entries ${second!.first_seq}–${batch.entries.at(-1)!.seq}) differs from what this device sent: entry ${target.seq} as signed there is not the entry ${target.seq} this device sent.`,
    );
    expect(r.code).toBe(1);
  });

  it('an entry edited in the hub database (signed bytes untouched) is named', async () => {
    const { engine, deviceId } = await enrolledDevice();
    const [first] = await hub.db.all<{ id: number; first_seq: number; last_seq: number }>('SELECT id, first_seq, last_seq FROM hub_audit_batches WHERE device_id = ? ORDER BY id', [deviceId]);
    await hub.db.run('UPDATE hub_audit SET hash = ? WHERE device_id = ? AND seq = ?', ['f'.repeat(64), deviceId, 2]);
    const r = await run(engine);
    expect(r.lines[1]).toBe(`Hub copy at ${hub.url} DIFFERS: Batch ${first!.id} on the hub (entries ${first!.first_seq}–${first!.last_seq}): entry 2 as the hub stores it is not the entry this device signed and sent.`);
    expect(r.code).toBe(1);
  });

  it('hub down: says the comparison was not done and exits with the local result', async () => {
    const { engine } = await enrolledDevice();
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    engine.db.prepare(`UPDATE sync_state SET value = ? WHERE key = 'hub_url'`).run(`http://127.0.0.1:${closed}`);
    const r = await run(engine);
    expect(r.lines[1]).toBe('Hub copy NOT compared: the hub could not be reached (ECONNREFUSED); the result above is the local chain check only');
    expect(r.code).toBe(0);
  });

  it("a device reads only its own batches; a user's token cannot call it", async () => {
    const a = await enrolledDevice();
    const b = await enrolledDevice();
    const code = async (p: Promise<unknown>) => p.then(() => 'ok', (e: ApiError) => e.code);
    expect((await hubClient(hub.url, a.credential).call('audit.batches', { deviceId: a.deviceId })).batches).toHaveLength(2);
    expect(await code(hubClient(hub.url, a.credential).call('audit.batches', { deviceId: b.deviceId }))).toBe('forbidden');
    expect(await code(hubClient(hub.url, seed.auditor.token).call('audit.batches', { deviceId: a.deviceId }))).toBe('forbidden');
  });
});
