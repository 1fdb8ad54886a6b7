import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as admin } from '../../src-server/admin/cli.ts';
import { spawnHub, type HubProcess } from '../../src-server/testing/spawn-hub.ts';
import { openTestDevice } from '../sync/testing.ts';
import { loopDocuments } from './loop-documents.ts';
import { copyClassifier } from './testing.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-model-procs-'));
const env = { ...process.env, COUNTERSIGN_KEY_STORAGE: 'file' };
const device = (dataDir: string, ...args: string[]) => run(process.execPath, ['--import', 'tsx', 'src-main/sync/device-cli.ts', '--data-dir', dataDir, ...args], { cwd: ROOT, env, timeout: 300_000 });
const countersign = (...args: string[]) => run(process.execPath, ['bin/countersign.mjs', ...args], { cwd: ROOT, env, timeout: 300_000 });

/** Separate processes, as an admin and a site run them: the hub, the admin CLI against it, the device's sync and the app's CLI. */
describe('a model published on the hub reaches an enrolled device through sync and routes its next document', () => {
  let hub: HubProcess;
  let token = '';
  const cli = async (...args: string[]) => {
    let value: unknown;
    if ((await admin(['--hub', hub.url, '--token', token, ...args], (v) => (value = v))) !== 0) throw new Error(`countersign-admin ${args.join(' ')} failed`);
    return value as Record<string, unknown>;
  };

  beforeAll(async () => {
    const hubDir = path.join(tmp, 'hub');
    await admin(['init', '--admin', 'root', '--data-dir', hubDir], (v) => (token = (v as { token: string }).token));
    hub = await spawnHub(['--data-dir', hubDir]);
  }, 120_000);
  afterAll(async () => {
    await hub?.kill();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('publish → stable at the site → device sync installs, verifies and switches → `countersign process` routes with it', async () => {
    const site = await cli('sites', 'add', 'Berlin');
    const user = (await cli('users', 'add', 'rita', '--role', 'reviewer', '--site', String(site.id))) as { user: { id: number } };
    const { code } = (await cli('devices', 'code', '--site', String(site.id), '--user', String(user.user.id))) as { code: string };
    await cli('keys', 'create', '--out', path.join(tmp, 'admin.key'));
    await cli('keys', 'register', '--key', path.join(tmp, 'admin.key'));
    const pkg = await cli('models', 'publish', copyClassifier('1.5.0'), '--key', path.join(tmp, 'admin.key'));
    await cli('models', 'rollout', String(pkg.id), '--site', String(site.id), '--stage', 'stable');

    // Enrolled with the key files a CLI child reads too (COUNTERSIGN_KEY_STORAGE=file).
    const d = await openTestDevice({ store: null, encrypted: true });
    await d.sync.connect({ hubUrl: hub.url, enrollmentCode: code, deviceName: 'rita-laptop' });
    await d.close();

    await device(d.dataDir, 'sync');
    const status = JSON.parse((await countersign('models', 'status', '--data-dir', d.dataDir)).stdout) as { tasks: { task: string; active: { version: string } }[]; trustedKeys: string[] };
    expect(status.tasks.find((t) => t.task === 'doc-classifier')!.active.version).toBe('1.5.0');
    expect(status.trustedKeys).toHaveLength(1);

    const [pdf] = loopDocuments(path.join(tmp, 'in'), 0, 1);
    const { stdout } = await countersign('process', pdf!, '--json', '--data-dir', d.dataDir);
    expect(JSON.parse(stdout.trim().split('\n')[0]!)).toMatchObject({ status: 'processed', model: { name: 'countersign-doc-classifier/model_quantized.onnx', version: '1.5.0' } });
  }, 600_000);
});
