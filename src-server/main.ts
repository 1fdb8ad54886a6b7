import { Command } from 'commander';
import path from 'node:path';
import { buildHubApp } from './app.ts';
import { loadOrCreateHubSigningKey } from './hub-signing-key.ts';
import { HubDatabase } from './store/database.ts';
import { migrateHub } from './store/migrations.ts';

/** `npm run hub -- [--port N] [--host H] [--data-dir DIR] [--database postgres://…] [--pool-size N]` */
export async function main(argv: string[]): Promise<void> {
  const opts = new Command('hub')
    .description('The Countersign hub: sites, devices, queues, sync and audit trails (never document content).')
    .option('--port <n>', 'TCP port', (v) => Number.parseInt(v, 10), Number(process.env.COUNTERSIGN_HUB_PORT ?? 8787))
    .option('--host <host>', 'address to listen on', process.env.COUNTERSIGN_HUB_HOST ?? '127.0.0.1')
    .option('--data-dir <dir>', 'where the embedded SQLite database lives', 'hub-data')
    .option('--database <url>', 'postgres://… for PostgreSQL (default: SQLite in the data directory)', process.env.COUNTERSIGN_HUB_DATABASE)
    .option('--schema <name>', 'PostgreSQL schema to use (created if missing)', process.env.COUNTERSIGN_HUB_SCHEMA)
    .option('--pool-size <n>', 'PostgreSQL connections of this process (default: twice the cores, at least 8)', (v) => Number.parseInt(v, 10))
    .option('--shutdown-timeout <s>', 'seconds SIGTERM waits for requests in flight', (v) => Number.parseInt(v, 10), 30)
    .option('--trust-proxy <addresses>', 'reverse proxy addresses (comma-separated) whose X-Forwarded-For to believe', process.env.COUNTERSIGN_HUB_TRUST_PROXY)
    .option('--log', 'log every request', false)
    .parse(argv, { from: 'user' })
    .opts<{ port: number; host: string; dataDir: string; database?: string; schema?: string; poolSize?: number; shutdownTimeout: number; trustProxy?: string; log: boolean }>();
  const db = await HubDatabase.open({
    dataDir: path.resolve(opts.dataDir),
    ...(opts.database ? { database: opts.database } : {}),
    ...(opts.schema ? { schema: opts.schema } : {}),
    ...(opts.poolSize ? { poolSize: opts.poolSize } : {}),
  });
  await migrateHub(db);
  const signingKey = loadOrCreateHubSigningKey(path.resolve(opts.dataDir));
  const app = buildHubApp({ db, logger: opts.log, signingKey, blobDir: path.join(path.resolve(opts.dataDir), 'model-blobs'), ...(opts.trustProxy ? { trustProxy: opts.trustProxy } : {}) });
  const address = await app.listen({ port: opts.port, host: opts.host });
  process.stdout.write(`hub listening on ${address} (${db.dialect})\n`);
  let stopping = false;
  // Graceful: /readyz turns 503 so the proxy stops sending, the listener closes, requests in flight
  // (a push mid-transaction) finish and are answered, then the pool closes. Nothing acknowledged is lost;
  // what was not answered was not committed, or is a replay the device's next push gets acknowledged.
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`hub: ${signal}, finishing requests in flight\n`);
    const force = setTimeout(() => {
      process.stderr.write(`hub: requests still running after ${opts.shutdownTimeout} s; exiting\n`);
      process.exit(1);
    }, opts.shutdownTimeout * 1000);
    force.unref();
    app.draining();
    // Keep-alive connections that were busy when the listener closed go idle one by one: close each as
    // it does (Node closes only those idle at the moment of close()), so the drain ends with the last reply.
    const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
    await app.close();
    clearInterval(sweep);
    await db.close();
    process.stdout.write('hub: stopped\n');
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

const isEntry = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isEntry) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`hub: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
