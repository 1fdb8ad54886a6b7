// Hub load on loopback: autocannon pushes one decision per request (each connection is its own enrolled
// device and client id, mutation ids strictly increasing), against 1 and 2 hub processes on SQLite and
// on PostgreSQL. Latency percentiles come from every response time, not from autocannon's buckets.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import os from 'node:os';
import { generateDeviceKey } from '../../src-main/sync/device-identity.ts';
import { HubService } from '../../src-server/hub-service.ts';
import { hubClient, makeTasks, PG_AVAILABLE, postgresBackend, seedHub, sqliteBackend, type Backend } from '../../src-server/testing/hub-fixture.ts';
import { spawnHub } from '../../src-server/testing/spawn-hub.ts';

interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}
interface AutocannonOptions {
  url: string | string[];
  connections: number;
  duration: number;
  requests: { method: string; path: string; setupRequest: (req: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest }[];
}
interface AutocannonResult {
  requests: { average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  '2xx': number;
}
interface AutocannonInstance extends Promise<AutocannonResult> {
  on(event: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (o: AutocannonOptions) => AutocannonInstance;

const DURATION_S = Number(process.env.HUB_BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.HUB_BENCH_CONNECTIONS ?? 8);

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function runOne(backend: Backend, processes: 1 | 2, batch = 1) {
  const opened = await backend.open();
  const db = opened.db;
  const service = new HubService(db);
  const fakeHub = { url: '', db, service, close: async () => {} };
  const seed = await seedHub(fakeHub, 'bench');
  const tasks = await makeTasks(fakeHub, seed.queue.id, 3000);
  const args = opened.location.schema ? ['--database', opened.location.database, '--schema', opened.location.schema] : ['--database', opened.location.database];
  const hubs = await Promise.all(Array.from({ length: processes }, () => spawnHub(args)));
  try {
    const tokens: string[] = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      const code = (await service.createEnrollmentCode({ siteId: seed.site.id, userId: seed.reviewer.user.id, ttlMinutes: 60 })).code;
      const r = await hubClient(hubs[0]!.url, code).call('device.enroll', { name: `bench-${i}`, publicKey: generateDeviceKey().key.publicKey });
      tokens.push(r.credential);
    }
    let nextTask = 0;
    let nextConn = 0;
    const latencies: number[] = [];
    const instance = autocannon({
      url: hubs.map((h) => h.url),
      connections: CONNECTIONS,
      duration: DURATION_S,
      requests: [
        {
          method: 'POST',
          path: '/v1/sync.push',
          setupRequest: (req, ctx) => {
            if (!ctx.clientId) Object.assign(ctx, { clientId: randomUUID(), mid: 0, token: tokens[nextConn++ % tokens.length] });
            const mutations = Array.from({ length: batch }, () => {
              ctx.mid = (ctx.mid as number) + 1;
              const taskId = tasks[nextTask++ % tasks.length]!.id;
              return { id: ctx.mid, name: 'task.decide', args: { taskId, action: 'approve', actor: 'bench', decidedAt: new Date().toISOString() } };
            });
            return { ...req, headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.token as string}` }, body: JSON.stringify({ clientId: ctx.clientId, mutations }) };
          },
        },
      ],
    });
    instance.on('response', (_c, _s, _b, ms) => latencies.push(ms));
    const result = await instance;
    latencies.sort((a, b) => a - b);
    const stored = await db.get<{ n: number }>('SELECT count(*) AS n FROM hub_decisions');
    return {
      label: `${backend.name}, ${processes} hub process${processes > 1 ? 'es' : ''}${batch > 1 ? `, ${batch} decisions per push` : ''}`,
      decisionsPerSecond: result.requests.average * batch,
      rps: result.requests.average,
      ok: result['2xx'],
      failed: result.non2xx + result.errors + result.timeouts,
      stored: Number(stored?.n ?? 0),
      p50: pct(latencies, 50),
      p95: pct(latencies, 95),
      p99: pct(latencies, 99),
    };
  } finally {
    await Promise.all(hubs.map((h) => h.kill('SIGTERM')));
    await db.close();
    await opened.drop();
  }
}

export default async function hubBench(): Promise<string> {
  const rows: string[] = [];
  const configs: [Backend, 1 | 2, number][] = [
    [sqliteBackend, 1, 1],
    [sqliteBackend, 2, 1],
    ...(PG_AVAILABLE ? ([[postgresBackend, 1, 1], [postgresBackend, 2, 1]] as [Backend, 1 | 2, number][]) : []),
    [sqliteBackend, 1, 50],
    ...(PG_AVAILABLE ? ([[postgresBackend, 2, 50]] as [Backend, 1 | 2, number][]) : []),
  ];
  for (const [backend, n, batch] of configs) {
    const r = await runOne(backend, n, batch);
    rows.push(`| ${r.label} | ${r.rps.toFixed(0)} | ${r.decisionsPerSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.ok} | ${r.failed} | ${r.stored} |`);
    process.stderr.write(`hub bench: ${rows.at(-1)}\n`);
  }
  return [
    '## hub',
    '',
    `Pushes of one decision each (\`POST /v1/sync.push\`), autocannon on loopback, ${CONNECTIONS} connections (each an enrolled device with its own client id), ${DURATION_S} s per row; the load generator shares the machine (${os.availableParallelism()} cores, load average ${os.loadavg()[0]!.toFixed(1)} at the end) with the hub processes and the database. Every push authenticates, locks the client row, writes the decision, the task and the change feed in one transaction. Decisions cycle through 3,000 tasks, so once a task is decided later decisions on it are stored as superseded (the same writes plus a lookup of the winner).`,
    '',
    '| backend | pushes/s | decisions/s | P50 ms | P95 ms | P99 ms | 2xx | failed | decisions stored |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    ...(PG_AVAILABLE ? [] : ['', 'PostgreSQL was unreachable at 127.0.0.1:5432: its rows were not run.']),
    '',
    '"decisions stored" counts what the database holds after the run: every acknowledged push (2xx), plus at most one push per connection still in flight when the clock stopped (committed, reply not counted). Exactly-once holds by construction (unique client id and mutation id); the fault tests check it.',
    '',
  ].join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) process.stdout.write(`${await hubBench()}\n`);
