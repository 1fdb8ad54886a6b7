import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main as deviceCli } from '../../src-main/sync/device-cli.ts';
import { MemorySecretStore } from '../../src-main/sync/device-identity.ts';
import { startHub, type RunningHub } from '../testing/hub-fixture.ts';
import { HubDatabase } from '../store/database.ts';
import { main as adminCli } from './cli.ts';

describe('countersign-admin and the device commands, end to end on an embedded hub', () => {
  let hub: RunningHub | null = null;
  afterAll(async () => {
    await hub?.close();
    await hub?.db.close();
  });

  it('inits, creates a site, users, a queue, a policy and tasks; a device enrolls, pulls, decides offline and uploads its audit trail', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-cli-'));
    const file = path.join(dir, 'hub.db');
    const outs: unknown[] = [];
    const admin = async (...args: string[]) => {
      outs.length = 0;
      expect(await adminCli(args, (v) => outs.push(v))).toBe(0);
      return outs[0] as Record<string, unknown>;
    };
    const init = await admin('init', '--admin', 'root', '--database', file);
    hub = await startHub(HubDatabase.openSqlite(file));
    const as = (...args: string[]) => admin('--hub', hub!.url, '--token', (init as { token: string }).token, ...args);
    const site = await as('sites', 'add', 'Berlin');
    const reviewer = await as('users', 'add', 'rita', '--role', 'reviewer', '--site', String(site.id));
    const queue = await as('queues', 'add', 'invoices', '--site', String(site.id));
    fs.writeFileSync(path.join(dir, 'policy.json'), JSON.stringify({ version: 'berlin-1', docTypes: {}, exportableFields: ['vendor', 'total'] }));
    const pol = await as('policies', 'publish', '--kind', 'policy', '--name', 'default', '--file', path.join(dir, 'policy.json'));
    await as('policies', 'assign', '--site', String(site.id), '--kind', 'policy', '--name', 'default', '--version', String(pol.version));
    fs.writeFileSync(path.join(dir, 'tasks.json'), JSON.stringify([{ docRef: 'clerk-pc/doc-1', docSha256: 'b'.repeat(64), docType: 'invoice', fields: { vendor: 'ACME', total: '99.00' }, priority: 2 }]));
    const tasks = await as('queues', 'add-tasks', '--queue', String(queue.id), '--file', path.join(dir, 'tasks.json'));
    const code = await as('devices', 'code', '--site', String(site.id), '--user', String((reviewer as { user: { id: number } }).user.id));

    const store = new MemorySecretStore();
    const devOut: unknown[] = [];
    const device = async (...args: string[]) => {
      devOut.length = 0;
      expect(await deviceCli(['--data-dir', path.join(dir, 'device'), ...args], { out: (v) => devOut.push(v), secretStore: store })).toBe(0);
      return devOut[0] as Record<string, unknown>;
    };
    const connected = await device('connect', hub.url, (code as { code: string }).code, '--name', 'rita-laptop');
    expect(connected).toMatchObject({ connected: true, outboxLength: 0 });
    await device('sync');
    const taskId = String((tasks as { items: { id: number }[] }).items[0]!.id);
    expect(((await device('tasks', '--status', 'open')) as { items: unknown[] }).items).toHaveLength(1);
    await hub.close(); // offline from here
    expect(await device('decide', taskId, 'correct', '--actor', 'rita', '--set', 'total=98.00')).toEqual({ mutationId: 1 });
    expect(await deviceCli(['--data-dir', path.join(dir, 'device'), 'sync'], { out: () => {}, secretStore: store })).toBe(1);
    expect(await device('status')).toMatchObject({ outboxLength: 1, lastError: expect.stringMatching(/unreachable/) });
    hub = await startHub(hub.db, { port: Number(new URL(hub.url).port) });
    const synced = (await device('sync')) as { status: { outboxLength: number; auditPending: number } };
    expect(synced.status).toMatchObject({ outboxLength: 0, auditPending: 0 });

    const decided = (await as('queues', 'tasks', '--queue', String(queue.id), '--status', 'decided')) as { items: { decision: { action: string } }[] };
    expect(decided.items[0]!.decision.action).toBe('correct');
    const devices = (await as('devices', 'list')) as { items: { id: number; auditAckSeq: number }[] };
    expect(devices.items[0]!.auditAckSeq).toBeGreaterThan(0);
    expect(await as('audit', 'verify', String(devices.items[0]!.id))).toMatchObject({ ok: true });
    expect(await adminCli(['--hub', hub.url, '--token', 'csu_wrong', 'sites', 'list'], () => {})).toBe(1);
  });
});
