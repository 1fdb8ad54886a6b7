import { Command } from 'commander';
import path from 'node:path';
import { ApiError } from '../../src-shared/contract/dispatch.ts';
import { AuditLog } from '../audit/audit-log.ts';
import fs from 'node:fs';
import { replaceSiteKey, resolveDataKey, type KeyStorage, type SecretStore } from '../blob/key-provider.ts';
import { resolveDataDir } from '../config/data-dir.ts';
import { openDataDirDatabase } from '../store/secure-store.ts';
import { WriteDoor } from '../store/mutate.ts';
import { DeviceSecretVault } from './device-identity.ts';
import { SyncService, type SyncServiceOptions } from './sync-service.ts';
import { ModelService } from '../models/model-service.ts';
import { ENGINE_VERSION } from '../engine/engine.ts';

type Out = (value: unknown) => void;

/**
 * The device's hub commands over a data directory: connect (enroll), sync, status, hub tasks, decide.
 * `countersign hub <command>` can mount it; `tsx src-main/sync/device-cli.ts` runs it on its own.
 */
export async function main(argv: string[], opts: { out?: Out; secretStore?: SecretStore | null; fetch?: typeof fetch } = {}): Promise<number> {
  const out = opts.out ?? ((v: unknown) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`));
  const program = new Command('countersign hub').option('--data-dir <dir>', 'the app data directory (default: $COUNTERSIGN_DATA_DIR, else the per-user folder, as for every command)').exitOverride();
  const withSync = async (fn: (s: SyncService) => Promise<unknown>, tuning: { pushBatch?: number } = {}) => {
    const dataDir = resolveDataDir(program.opts<{ dataDir?: string }>().dataDir);
    const keyOptions = { prefer: process.env.COUNTERSIGN_KEY_STORAGE as KeyStorage | undefined, ...(opts.secretStore !== undefined ? { secretStore: opts.secretStore } : {}) };
    const db = await openDataDirDatabase(dataDir, keyOptions);
    try {
      const vault = await DeviceSecretVault.open(dataDir, opts.secretStore);
      if (vault.warning) process.stderr.write(`warning: ${vault.warning}\n`);
      const siteKey = async () => {
        const k = await resolveDataKey(dataDir, 'site', keyOptions);
        if (k.warning) process.stderr.write(`warning: ${k.warning}\n`);
        return k.key;
      };
      const audit = new AuditLog(db);
      const door = new WriteDoor(db, audit);
      // A sync also applies the site's model assignment (download, verify, warm up, switch) and reports outcomes.
      const models = new ModelService({ db, door, modelsDir: ModelService.modelsDirOf(dataDir), appVersion: ENGINE_VERSION });
      const afterSync: SyncServiceOptions['afterSync'] = async (hub, device) => void (await models.syncWithHub(hub, device));
      out(await fn(new SyncService({ db, audit, door, vault, siteKey, afterSync, ...tuning, ...(opts.fetch ? { fetch: opts.fetch } : {}) })));
    } finally {
      db.close();
    }
  };
  program
    .command('connect <hubUrl> <enrollmentCode>')
    .option('--name <name>', 'this device name', 'countersign-device')
    .option('--insecure', 'accept a plain http:// hub URL that is not on loopback (no TLS)')
    .action((hubUrl: string, code: string, o: { name: string; insecure?: boolean }) =>
      withSync((s) => s.handlers['sync.connect']({ hubUrl, enrollmentCode: code, deviceName: o.name, allowInsecure: o.insecure === true })),
    );
  program
    .command('sync')
    .option('--push-batch <n>', 'mutations per push request', (v) => Number.parseInt(v, 10), 200)
    .action((o: { pushBatch: number }) => withSync(async (s) => ({ report: await s.syncOnce(), status: s.status() }), { pushBatch: o.pushBatch }));
  program.command('status').action(() => withSync(async (s) => s.status()));
  // The site key travels between a site's devices by hand (a USB stick, an admin's share), never through the hub.
  const siteKeyOptions = () => ({ prefer: process.env.COUNTERSIGN_KEY_STORAGE as KeyStorage | undefined, ...(opts.secretStore !== undefined ? { secretStore: opts.secretStore } : {}) });
  program
    .command('site-key-export <file>')
    .description("write this device's site key (the HMAC key for values kept on site) to a 0600 file, to import on the site's other devices")
    .action(async (file: string) => {
      const dataDir = path.resolve(program.opts<{ dataDir: string }>().dataDir);
      const k = await resolveDataKey(dataDir, 'site', siteKeyOptions());
      fs.writeFileSync(file, `${k.key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
      out({ exported: file, note: 'A secret: copy it to the other devices of this site by hand, then delete it. Never send it to the hub.' });
    });
  program
    .command('site-key-import <file>')
    .description("use the site key exported from another device of this site, so equal values hash equally on both")
    .action(async (file: string) => {
      const dataDir = path.resolve(program.opts<{ dataDir: string }>().dataDir);
      const storage = await replaceSiteKey(dataDir, Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64'), siteKeyOptions());
      out({ imported: file, storage });
    });
  program
    .command('tasks')
    .option('--status <s>', 'open, decided or cancelled')
    .action((o: { status?: 'open' | 'decided' | 'cancelled' }) => withSync(async (s) => s.hubTasks({ status: o.status, offset: 0, limit: 1000 })));
  program
    .command('decide <taskId> <action>')
    .requiredOption('--actor <name>', 'reviewer')
    .option('--reason <text>', 'for a rejection')
    .option('--set <field=value...>', 'corrections')
    .action((taskId: string, action: string, o: { actor: string; reason?: string; set?: string[] }) =>
      withSync(async (s) => {
        const corrections = o.set ? Object.fromEntries(o.set.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])) : undefined;
        return { mutationId: s.decideHubTask({ taskId: Number(taskId), action: action as 'approve' | 'correct' | 'reject', actor: o.actor, reason: o.reason, corrections }) };
      }),
    );
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message?: string; cause?: { code?: string } };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) return e.exitCode ?? 1;
    process.stderr.write(`countersign hub: ${err instanceof ApiError ? `${e.code}: ${e.message}` : e.cause?.code ? `hub unreachable (${e.cause.code})` : e.message}\n`);
    return 1;
  }
}

const isEntry = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isEntry) process.exitCode = await main(process.argv.slice(2));
