import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src-main/engine/engine.ts';
import { MemorySecretStore } from '../../src-main/sync/device-identity.ts';
import { parseExport } from '../../src-common/audit-report/verify-export.ts';
import { deviceAuditReport } from '../../src-main/cli/audit-report-command.ts';
import { main as adminCli } from '../admin/cli.ts';
import { errorCode, hubClient, seedHub, sqliteBackend, startHub, type RunningHub } from '../testing/hub-fixture.ts';

/** The hub's reports for auditors: an export of what it stored, and the check of an export against it. */
describe('hub audit reports', () => {
  let hub: RunningHub;
  let drop: () => Promise<void>;
  let seed: Awaited<ReturnType<typeof seedHub>>;
  let engine: Engine;
  let deviceId: number;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-hub-report-'));

  beforeAll(async () => {
    const opened = await sqliteBackend.open();
    drop = opened.drop;
    hub = await startHub(opened.db);
    seed = await seedHub(hub);
    engine = await Engine.open({ dataDir: path.join(dir, 'device'), understanding: null, secretStore: new MemorySecretStore(), keyStorage: 'file', onWarning: () => {} });
    const sync = await engine.sync();
    await sync.connect({ hubUrl: hub.url, enrollmentCode: await seed.code(seed.reviewer.user.id), deviceName: 'front-desk' });
    const append = (actor: string, event: string, data: Record<string, unknown>) => engine.db.transaction(() => engine.audit.append({ actor, event, documentSha256: 'a'.repeat(64), data, policyVersion: '2026.1' }))();
    append('rita', 'task.approved', { taskId: 1, timeSpentMs: 1200 });
    append('sam', 'task.rejected', { taskId: 2, reason: 'duplicate invoice' });
    append('rita', 'task.corrected', { taskId: 3, changes: [] });
    await sync.syncOnce();
    deviceId = sync.status().deviceId!;
  }, 120_000);
  afterAll(async () => {
    await engine?.close();
    await hub?.close();
    await hub?.db.close();
    await drop?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const admin = async (token: string, ...args: string[]) => {
    const outs: unknown[] = [];
    const errs: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (errs.push(String(s)), true)) as typeof process.stderr.write;
    try {
      const code = await adminCli(['--hub', hub.url, '--token', token, ...args], (v) => outs.push(v));
      return { code, out: outs[0] as Record<string, unknown>, err: errs.join('') };
    } finally {
      process.stderr.write = write;
    }
  };

  it("an auditor exports a user's entries with the chain and the device's signatures checked, and the hub verifies the export", async () => {
    const file = path.join(dir, 'rita.jsonl');
    const made = await admin(seed.auditor.token, 'audit', 'report', String(deviceId), '--user', 'rita', '--out', file);
    expect(made.code).toBe(0);
    const exp = parseExport(fs.readFileSync(file, 'utf8'));
    expect(exp.entries.map((e) => e.event)).toEqual(['task.approved', 'task.corrected']);
    expect(exp.header.source).toMatchObject({ kind: 'hub', deviceId, siteId: seed.site.id });
    expect(exp.header.verification.chain.ok).toBe(true);
    expect(exp.header.verification.signatures).toMatchObject({ status: 'checked' });
    expect(exp.header.verification.signatures.detail).toMatch(/1 batches signed by device \d+ verified/);

    const ok = await admin(seed.auditor.token, 'audit', 'verify-export', file);
    expect(ok.code).toBe(0);
    expect(ok.out).toEqual({ ok: true, checked: 2, expected: 2, firstBad: null });
  });

  it('an edited export fails verification on the hub, naming the entry', async () => {
    const file = path.join(dir, 'all.jsonl');
    expect((await admin(seed.auditor.token, 'audit', 'report', String(deviceId), '--out', file)).code).toBe(0);
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    const i = lines.findIndex((l) => l.includes('"task.rejected"'));
    const rejected = JSON.parse(lines[i]!);
    lines[i] = JSON.stringify({ ...rejected, actor: 'rita' });
    fs.writeFileSync(file, lines.join('\n'));
    const bad = await admin(seed.auditor.token, 'audit', 'verify-export', file);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatchObject({ ok: false, firstBad: { seq: rejected.seq, problem: `entry ${rejected.seq} (task.rejected) was edited: actor differs from the recorded entry` } });
    expect(bad.err).toContain(`entry ${rejected.seq} (task.rejected) was edited`);
  });

  it("a device's own report of an enrolled device says the hub's signed copy was checked", async () => {
    const report = await deviceAuditReport(engine, { from: null, to: null, user: 'sam', document: null });
    expect(report.entries.map((e) => e.event)).toEqual(['task.rejected']);
    expect(report.header.source).toMatchObject({ kind: 'device', deviceId, hubUrl: hub.url });
    expect(report.header.verification.signatures.status).toBe('checked');
    expect(report.header.verification.signatures.detail).toMatch(/holds 4 entries in 1 batches signed with this device's key/) // hub.connected, then the three of the work;
    expect(report.decisions).toEqual([expect.objectContaining({ actor: 'sam', outcome: 'rejected', policyVersion: '2026.1' })]);
  });

  it('only admins and auditors, and only of the device site', async () => {
    const header = (await hubClient(hub.url, seed.admin.token).call('audit.export', { deviceId })).header;
    expect(await errorCode(hubClient(hub.url, seed.reviewer.token).call('audit.export', { deviceId }))).toBe('forbidden');
    expect(await errorCode(hubClient(hub.url, seed.clerk.token).call('audit.verifyExport', { deviceId, header, entries: [] }))).toBe('forbidden');
    const other = await hub.service.createSite('elsewhere');
    const outsider = await hub.service.createUser({ name: 'other-auditor', role: 'auditor', siteId: other.id });
    expect(await errorCode(hubClient(hub.url, outsider.token).call('audit.export', { deviceId }))).toBe('not_found');
    expect(await errorCode(hubClient(hub.url, outsider.token).call('audit.verifyExport', { deviceId, header, entries: [] }))).toBe('not_found');
  });
});
