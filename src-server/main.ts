import { Command } from 'commander';
import path from 'node:path';
import { buildHubApp } from './app.ts';
import { migrateHub } from './store/migrations.ts';
import { openHubSql } from './store/sql.ts';

/** `npm run hub -- [--port N] [--host H] [--data-dir DIR] [--database postgres://…]` */
export async function main(argv: string[]): Promise<void> {
  const opts = new Command('hub')
    .description('The Countersign hub: sites, devices, queues, sync and audit trails (never document content).')
    .option('--port <n>', 'TCP port', (v) => Number.parseInt(v, 10), 8787)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--data-dir <dir>', 'where the embedded SQLite database lives', 'hub-data')
    .option('--database <url>', 'postgres://… for PostgreSQL (default: SQLite in the data directory)')
    .option('--schema <name>', 'PostgreSQL schema to use (created if missing)')
    .option('--log', 'log every request', false)
    .parse(argv, { from: 'user' })
    .opts<{ port: number; host: string; dataDir: string; database?: string; schema?: string; log: boolean }>();
  const db = await openHubSql({ dataDir: path.resolve(opts.dataDir), ...(opts.database ? { database: opts.database } : {}), ...(opts.schema ? { schema: opts.schema } : {}) });
  await migrateHub(db);
  const app = buildHubApp({ db, logger: opts.log });
  const address = await app.listen({ port: opts.port, host: opts.host });
  process.stdout.write(`hub listening on ${address} (${db.dialect})\n`);
  const stop = async () => {
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

const isEntry = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isEntry) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`hub: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
