import { Command, Option } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ApiError, createClient } from '../../src-shared/contract/dispatch.ts';
import { ArtifactKindSchema, HubRoleSchema, hubHttpTransport, type HubContract } from '../../src-shared/contract/hub.ts';
import { HubService } from '../hub-service.ts';
import { registerHubAuditReport } from './audit-report-commands.ts';
import { addModelCommands } from './models-commands.ts';
import { migrateHub } from '../store/migrations.ts';
import { HubDatabase } from '../store/database.ts';

type Out = (value: unknown) => void;

/** An artifact file as written for the device: YAML (JSON is YAML too), one object. */
function readContentFile(file: string): Record<string, unknown> {
  const data: unknown = parseYaml(fs.readFileSync(file, 'utf8'));
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error(`${file}: not an object`);
  return data as Record<string, unknown>;
}
const int = (v: string) => {
  const n = Number.parseInt(v, 10);
  if (!Number.isFinite(n)) throw new Error(`not a number: ${v}`);
  return n;
};

/**
 * `countersign-admin`: sites, users, devices, policies, queues and tasks on a hub, over its API with an
 * admin token (`--hub`, `--token` or COUNTERSIGN_HUB, COUNTERSIGN_HUB_TOKEN). `init` alone writes to
 * the hub's database directly, to create the first admin. Every command prints JSON.
 */
export async function main(argv: string[], out: Out = (v) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`)): Promise<number> {
  const program = new Command('countersign-admin')
    .description('Administer a Countersign hub.')
    .addOption(new Option('--hub <url>', 'hub URL').env('COUNTERSIGN_HUB').default('http://127.0.0.1:8787'))
    .addOption(new Option('--token <token>', 'admin API token').env('COUNTERSIGN_HUB_TOKEN'))
    .exitOverride()
    .showHelpAfterError();
  const hub = () => {
    const { hub: url, token } = program.opts<{ hub: string; token?: string }>();
    if (!token) throw new Error('An admin token is needed: --token or COUNTERSIGN_HUB_TOKEN (countersign-admin init prints the first one)');
    return createClient<HubContract>(hubHttpTransport(url, () => token));
  };

  program
    .command('init')
    .description('Create the hub database if needed and the first admin user; prints their token (once).')
    .requiredOption('--admin <name>', 'admin user name')
    .option('--data-dir <dir>', 'the hub data directory (SQLite)', 'hub-data')
    .option('--database <url>', 'postgres://… instead of SQLite')
    .option('--schema <name>', 'PostgreSQL schema')
    .action(async (o: { admin: string; dataDir: string; database?: string; schema?: string }) => {
      const db = await HubDatabase.open({ dataDir: path.resolve(o.dataDir), ...(o.database ? { database: o.database } : {}), ...(o.schema ? { schema: o.schema } : {}) });
      try {
        await migrateHub(db);
        out(await new HubService(db).createUser({ name: o.admin, role: 'admin', siteId: null }));
      } finally {
        await db.close();
      }
    });

  const sites = program.command('sites').description('Sites');
  sites.command('add <name>').action(async (name: string) => out(await hub().call('sites.create', { name })));
  sites.command('list').action(async () => out(await hub().call('sites.list', {})));

  const users = program.command('users').description('Users and roles');
  users
    .command('add <name>')
    .requiredOption('--role <role>', `one of ${HubRoleSchema.options.join(', ')}`)
    .option('--site <id>', 'site the user works at', int)
    .option('--token-days <n>', 'days until the token expires', int, 90)
    .action(async (name: string, o: { role: string; site?: number; tokenDays: number }) =>
      out(await hub().call('users.create', { name, role: HubRoleSchema.parse(o.role), siteId: o.site ?? null, tokenTtlDays: o.tokenDays })),
    );
  users.command('list').action(async () => out(await hub().call('users.list', {})));
  users.command('revoke <id>').action(async (id: string) => out(await hub().call('users.revoke', { userId: int(id) })));
  users
    .command('rotate-token')
    .description('Replace the token this command runs with by a new one (printed once); the old one stops working')
    .option('--token-days <n>', 'days until the new token expires', int, 90)
    .action(async (o: { tokenDays: number }) => out(await hub().call('users.rotateToken', { tokenTtlDays: o.tokenDays })));

  const devices = program.command('devices').description('Devices and enrollment');
  devices
    .command('code')
    .description('A one-time enrollment code for a device at a site, for a user')
    .requiredOption('--site <id>', 'site', int)
    .requiredOption('--user <id>', 'user the device works for', int)
    .option('--ttl <minutes>', 'validity', int, 24 * 60)
    .action(async (o: { site: number; user: number; ttl: number }) => out(await hub().call('devices.createEnrollmentCode', { siteId: o.site, userId: o.user, ttlMinutes: o.ttl })));
  devices
    .command('list')
    .option('--site <id>', 'site', int)
    .action(async (o: { site?: number }) => out(await hub().call('devices.list', o.site ? { siteId: o.site } : {})));
  devices.command('revoke <id>').action(async (id: string) => out(await hub().call('devices.revoke', { deviceId: int(id) })));
  devices.command('revoke-code <code>').description('Revoke an enrollment code not used yet').action(async (code: string) => out(await hub().call('devices.revokeEnrollmentCode', { code })));

  const policies = program.command('policies').description('Policies, rule sets, vendor templates and model assignments (versioned, assigned per site)');
  policies
    .command('publish')
    .requiredOption('--kind <kind>', ArtifactKindSchema.options.join(', '), 'policy')
    .requiredOption('--name <name>', 'artifact name')
    .requiredOption('--file <file>', 'content: YAML or JSON, as the bundled policy, rule set or template files (checked against the same schemas)')
    .action(async (o: { kind: string; name: string; file: string }) =>
      out(await hub().call('artifacts.publish', { kind: ArtifactKindSchema.parse(o.kind), name: o.name, content: readContentFile(o.file) })),
    );
  policies
    .command('preview <file>')
    .description('What the policy in <file> would change at a site, replayed over the route summaries its devices already uploaded (metadata only)')
    .requiredOption('--site <id>', 'site', int)
    .option('--json', 'the full report as JSON')
    .action(async (file: string, o: { site: number; json?: boolean }) => {
      const r = await hub().call('policies.preview', { siteId: o.site, content: readContentFile(file), limit: 50_000 });
      if (o.json) return out(r);
      process.stdout.write(`Site ${r.siteId}: ${r.documents} document(s) routed on ${r.devices} device(s)\n${r.summary}`);
    });
  policies
    .command('assign')
    .requiredOption('--site <id>', 'site', int)
    .requiredOption('--kind <kind>', ArtifactKindSchema.options.join(', '), 'policy')
    .requiredOption('--name <name>', 'artifact name')
    .requiredOption('--version <n>', 'version', int)
    .action(async (o: { site: number; kind: string; name: string; version: number }) =>
      out(await hub().call('artifacts.assign', { siteId: o.site, kind: ArtifactKindSchema.parse(o.kind), name: o.name, version: o.version })),
    );
  policies
    .command('list')
    .option('--site <id>', 'site', int)
    .action(async (o: { site?: number }) => out(await hub().call('artifacts.list', o.site ? { siteId: o.site } : {})));

  addModelCommands(program, hub, out);

  const queues = program.command('queues').description('Review queues and their tasks');
  queues
    .command('add <name>')
    .requiredOption('--site <id>', 'site', int)
    .action(async (name: string, o: { site: number }) => out(await hub().call('queues.create', { siteId: o.site, name })));
  queues
    .command('list')
    .option('--site <id>', 'site', int)
    .action(async (o: { site?: number }) => out(await hub().call('queues.list', o.site ? { siteId: o.site } : {})));
  queues
    .command('add-tasks')
    .description('Put tasks (metadata only: docRef, docSha256, docType, fields, priority, dueAt) on a queue')
    .requiredOption('--queue <id>', 'queue', int)
    .requiredOption('--file <json>', 'a JSON array of tasks')
    .action(async (o: { queue: number; file: string }) => {
      const tasks = (JSON.parse(fs.readFileSync(o.file, 'utf8')) as Record<string, unknown>[]).map((t) => ({ ...t, queueId: o.queue }));
      out(await hub().call('tasks.create', { tasks: tasks as never }));
    });
  queues
    .command('tasks')
    .option('--queue <id>', 'queue', int)
    .option('--status <s>', 'open, decided or cancelled')
    .action(async (o: { queue?: number; status?: 'open' | 'decided' | 'cancelled' }) => out(await hub().call('tasks.list', { ...(o.queue ? { queueId: o.queue } : {}), ...(o.status ? { status: o.status } : {}), limit: 1000 })));

  const audit = program.command('audit').description("Devices' uploaded audit trails");
  audit.command('verify <deviceId>').action(async (id: string) => out(await hub().call('audit.verify', { deviceId: int(id) })));
  audit.command('head <deviceId>').action(async (id: string) => out(await hub().call('audit.head', { deviceId: int(id) })));
  registerHubAuditReport(audit, hub, out);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message?: string; cause?: { code?: string } };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) return e.exitCode ?? 1;
    process.stderr.write(`countersign-admin: ${err instanceof ApiError ? `${e.code}: ${e.message}` : e.cause?.code ? `hub unreachable (${e.cause.code})` : e.message}\n`);
    return 1;
  }
}
