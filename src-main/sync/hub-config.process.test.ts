import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { spawnHub, type HubProcess } from '../../src-server/testing/spawn-hub.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const env = { ...process.env, COUNTERSIGN_KEY_STORAGE: 'file' };
const run = (bin: string, args: string[]) => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', bin), ...args], { encoding: 'utf8', env, timeout: 300_000 });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} exited ${r.status}: ${r.stderr}${r.stdout}`);
  return r.stdout;
};
const json = <T = Record<string, unknown>>(bin: string, args: string[]): T => JSON.parse(run(bin, args)) as T;

/** Issue 12's done-when, through real processes: the hub, `countersign-admin` and the device's `countersign`. */
describe('a policy published on the hub routes the next document on an enrolled device', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-hubcfg-'));
  const hubDir = path.join(dir, 'hub');
  const dataDir = path.join(dir, 'device');
  let hub: HubProcess | null = null;
  afterAll(async () => {
    await hub?.kill('SIGTERM');
  });

  it('publishes, assigns, syncs, routes with it; a tampered version is refused and the device keeps the last good one', async () => {
    const { token } = json<{ token: string }>('countersign-admin.mjs', ['init', '--admin', 'root', '--data-dir', hubDir]);
    hub = await spawnHub(['--data-dir', hubDir]);
    expect((fs.statSync(path.join(hubDir, 'hub-signing-key')).mode & 0o777).toString(8)).toBe('600');
    const admin = (...args: string[]) => json<Record<string, unknown>>('countersign-admin.mjs', ['--hub', hub!.url, '--token', token, ...args]);
    const site = admin('sites', 'add', 'Berlin') as { id: number };
    const reviewer = admin('users', 'add', 'rita', '--role', 'reviewer', '--site', String(site.id)) as { user: { id: number } };

    // The admin starts from the bundled policy: at this site any total over 5 goes to a reviewer.
    const bundled = parseYaml(fs.readFileSync(path.join(ROOT, 'resources/policies/default.yaml'), 'utf8')) as { docTypes: Record<string, Record<string, unknown>> };
    for (const t of Object.values(bundled.docTypes)) Object.assign(t, { reviewAbove: 5, autoApprove: false });
    const policyFile = path.join(dir, 'berlin.yaml');
    fs.writeFileSync(policyFile, toYaml({ ...bundled, version: 'berlin-1' }));
    const bad = spawnSync(process.execPath, [path.join(ROOT, 'bin/countersign-admin.mjs'), '--hub', hub.url, '--token', token, 'policies', 'publish', '--name', 'berlin', '--file', path.join(ROOT, 'resources/rules/default.yaml')], { encoding: 'utf8', env });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/Not published: policy berlin: /);
    const v1 = admin('policies', 'publish', '--name', 'berlin', '--file', policyFile) as { version: number };
    admin('policies', 'assign', '--site', String(site.id), '--name', 'berlin', '--version', String(v1.version));

    const code = (admin('devices', 'code', '--site', String(site.id), '--user', String(reviewer.user.id)) as { code: string }).code;
    json('countersign.mjs', ['hub', '--data-dir', dataDir, 'connect', hub.url, code, '--name', 'rita-laptop']);
    json('countersign.mjs', ['hub', '--data-dir', dataDir, 'sync']);
    const status = json<{ config: { policy: string; source: { policy: string } } }>('countersign.mjs', ['status', '--data-dir', dataDir, '--json']);
    expect(status.config).toMatchObject({ policy: 'hub:berlin@1', source: { policy: 'hub' } });

    const processed = JSON.parse(run('countersign.mjs', ['process', path.join(ROOT, 'resources/samples/coolblue1.pdf'), '--data-dir', dataDir, '--json']).trim()) as { route: { action: string; policyVersion: string; reasons: string[] } };
    expect(processed.route).toMatchObject({ action: 'review', policyVersion: 'hub:berlin@1' });
    expect(processed.route.reasons.join(' ')).toMatch(/over the 5\.00 review limit/);

    // Someone with the hub's database but not its key changes version 2 before it is assigned.
    const v2 = admin('policies', 'publish', '--name', 'berlin', '--file', policyFile) as { version: number };
    const hubDb = new Database(path.join(hubDir, 'hub.db'));
    const row = hubDb.prepare(`SELECT content_json FROM hub_artifacts WHERE name = 'berlin' AND version = ?`).get(v2.version) as { content_json: string };
    const evil = JSON.parse(row.content_json) as { docTypes: Record<string, Record<string, unknown>> };
    for (const t of Object.values(evil.docTypes)) t.autoApprove = true;
    hubDb.prepare(`UPDATE hub_artifacts SET content_json = ? WHERE name = 'berlin' AND version = ?`).run(JSON.stringify(evil), v2.version);
    hubDb.close();
    admin('policies', 'assign', '--site', String(site.id), '--name', 'berlin', '--version', String(v2.version));
    json('countersign.mjs', ['hub', '--data-dir', dataDir, 'sync']);
    const after = json<{ config: { policy: string }; hub: { lastConfigRefusal: string } }>('countersign.mjs', ['status', '--data-dir', dataDir, '--json']);
    expect(after.config.policy).toBe('hub:berlin@1');
    expect(after.hub.lastConfigRefusal).toMatch(/Refused policy berlin version 2: its content hashes to/);
    const audit = run('countersign.mjs', ['audit', 'export', '--data-dir', dataDir]).trim().split('\n').map((l) => JSON.parse(l) as { event: string; data: { reason?: string } });
    expect(audit.filter((e) => e.event === 'config.refused').map((e) => e.data.reason)).toEqual(['bad_hash']);
    // The document already routed keeps the version it was routed with.
    expect(run('countersign.mjs', ['audit', 'export', '--data-dir', dataDir])).toMatch(/"policyVersion":"hub:berlin@1"/);
  }, 600_000);
});
