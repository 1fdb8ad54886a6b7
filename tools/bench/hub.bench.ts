// Hub load on loopback: autocannon pushes one decision per request (each connection is its own enrolled
// device and client id, mutation ids strictly increasing), against 1 and 2 hub processes on SQLite and
// on PostgreSQL. Latency percentiles come from every response time, not from autocannon's buckets.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { generateDeviceKey } from '../../src-main/sync/device-identity.ts';
import { HubService } from '../../src-server/hub-service.ts';
import { hubClient, makeTasks, PG_AVAILABLE, PG_URL, postgresBackend, seedHub, sqliteBackend, type Backend } from '../../src-server/testing/hub-fixture.ts';
import { spawnHub } from '../../src-server/testing/spawn-hub.ts';
import { hubApplicationName, type HubDatabase } from '../../src-server/store/database.ts';

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
// Seconds of the same load before each measured row, on tasks of their own: a hub process runs for days, so
// the rows measure it once V8 has compiled its hot code and every pooled connection is open (0: measure cold).
const WARMUP_S = Number(process.env.HUB_BENCH_WARMUP_SECONDS ?? 3);
// HUB_BENCH_CPU_PROF=<dir>: each hub process writes a V8 CPU profile there when it stops (open in Chrome DevTools).
const PROFILE_DIR = process.env.HUB_BENCH_CPU_PROF;

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

/** CPU seconds used so far by each PostgreSQL backend serving the hubs of `schema` (by application_name). */
async function databaseCpu(db: HubDatabase, schema: string | undefined): Promise<Map<number, number>> {
  if (db.dialect !== 'postgres' || !schema) return new Map();
  const pids = await db.all<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = ?', [hubApplicationName(schema)]);
  return new Map(pids.map((r) => [r.pid, cpuSeconds(r.pid)]));
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function runOne(backend: Backend, processes: 1 | 2, batch = 1) {
  const opened = await backend.open();
  const db = opened.db;
  const service = new HubService(db);
  const fakeHub = { url: '', db, service, close: async () => {} };
  const seed = await seedHub(fakeHub, 'bench');
  const tasks = await makeTasks(fakeHub, seed.queue.id, 3000);
  const warmupTasks = WARMUP_S > 0 ? await makeTasks(fakeHub, seed.queue.id, 3000, 1_000_001) : [];
  const args = opened.location.schema ? ['--database', opened.location.database, '--schema', opened.location.schema] : ['--database', opened.location.database];
  if (process.env.HUB_BENCH_POOL) args.push('--pool-size', process.env.HUB_BENCH_POOL); // default: the hub's own
  const hubs = await Promise.all(Array.from({ length: processes }, () => spawnHub(args, PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : [])));
  try {
    const tokens: string[] = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      const code = (await service.createEnrollmentCode({ siteId: seed.site.id, userId: seed.reviewer.user.id, ttlMinutes: 60 })).code;
      const r = await hubClient(hubs[0]!.url, code).call('device.enroll', { name: `bench-${i}`, publicKey: generateDeviceKey().key.publicKey });
      tokens.push(r.credential);
    }
    let nextConn = 0;
    // Each run's connections are new clients (their own client ids, mutation ids from 1).
    const load = (seconds: number, taskList: { id: number }[]) => {
      let nextTask = 0;
      return autocannon({
        url: hubs.map((h) => h.url),
        connections: CONNECTIONS,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            path: '/v1/sync.push',
            setupRequest: (req, ctx) => {
              if (!ctx.clientId) Object.assign(ctx, { clientId: randomUUID(), mid: 0, token: tokens[nextConn++ % tokens.length] });
              const mutations = Array.from({ length: batch }, () => {
                ctx.mid = (ctx.mid as number) + 1;
                const taskId = taskList[nextTask++ % taskList.length]!.id;
                return { id: ctx.mid, name: 'task.decide', args: { taskId, action: 'approve', actor: 'bench', decidedAt: new Date().toISOString() } };
              });
              return { ...req, headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.token as string}` }, body: JSON.stringify({ clientId: ctx.clientId, mutations }) };
            },
          },
        ],
      });
    };
    if (WARMUP_S > 0) await load(WARMUP_S, warmupTasks);
    const storedBefore = Number((await db.get<{ n: number }>('SELECT count(*) AS n FROM hub_decisions'))?.n ?? 0);
    const latencies: number[] = [];
    const instance = load(DURATION_S, tasks);
    instance.on('response', (_c, _s, _b, ms) => latencies.push(ms));
    const hubCpu0 = hubs.reduce((sum, h) => sum + cpuSeconds(h.proc.pid), 0);
    const dbCpu0 = await databaseCpu(db, opened.location.schema);
    const loadCpu0 = process.cpuUsage();
    const result = await instance;
    const hubCpu = hubs.reduce((sum, h) => sum + cpuSeconds(h.proc.pid), 0) - hubCpu0;
    // Backends opened during the run count from zero (their connection set-up included).
    const dbCpu = [...(await databaseCpu(db, opened.location.schema))].reduce((sum, [pid, s]) => sum + s - (dbCpu0.get(pid) ?? 0), 0);
    const loadCpuUs = process.cpuUsage(loadCpu0);
    const loadCpu = (loadCpuUs.user + loadCpuUs.system) / 1e6;
    latencies.sort((a, b) => a - b);
    const stored = await db.get<{ n: number }>('SELECT count(*) AS n FROM hub_decisions');
    return {
      label: `${backend.name}, ${processes} hub process${processes > 1 ? 'es' : ''}${batch > 1 ? `, ${batch} decisions per push` : ''}`,
      decisionsPerSecond: result.requests.average * batch,
      rps: result.requests.average,
      ok: result['2xx'],
      failed: result.non2xx + result.errors + result.timeouts,
      stored: Number(stored?.n ?? 0) - storedBefore,
      p50: pct(latencies, 50),
      p95: pct(latencies, 95),
      p99: pct(latencies, 99),
      // CPU milliseconds per acknowledged push: what the hub processes and the load generator each spent.
      hubCpuMs: (hubCpu * 1000) / Math.max(1, result['2xx']),
      loadCpuMs: (loadCpu * 1000) / Math.max(1, result['2xx']),
      dbCpuMs: db.dialect === 'postgres' ? (dbCpu * 1000) / Math.max(1, result['2xx']) : NaN,
    };
  } finally {
    await Promise.all(hubs.map((h) => h.kill('SIGTERM')));
    await db.close();
    await opened.drop();
  }
}

/**
 * The anchor: pgbench's TPC-B (BEGIN, three UPDATEs, a SELECT, an INSERT, END) with as many clients as the
 * hub bench has connections, for as long, on a database of its own on the same server, run right before
 * the hub rows: what this PostgreSQL does in those minutes when the round trips cost nothing else.
 */
function pgbenchTps(): { tps: number; note: string } | null {
  if (!PG_AVAILABLE) return null;
  const url = new URL(PG_URL);
  const db = `countersign_bench_pgbench_${process.pid}`;
  const conn = ['-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username || 'postgres')];
  const psql = (sqlText: string) => execFileSync('psql', [...conn, '-d', url.pathname.slice(1) || 'postgres', '-qAtc', sqlText], { stdio: 'pipe' });
  try {
    psql(`CREATE DATABASE ${db}`);
    execFileSync('pgbench', [...conn, '-i', '-q', '-s', '1', db], { stdio: 'pipe' });
    const out = execFileSync('pgbench', [...conn, '-c', String(CONNECTIONS), '-j', '2', '-T', String(DURATION_S), db], { stdio: 'pipe' }).toString();
    const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1] ?? NaN);
    return { tps, note: `pgbench -c ${CONNECTIONS} -j 2 -T ${DURATION_S} (TPC-B, scale 1)` };
  } catch (err) {
    return { tps: NaN, note: `pgbench failed: ${(err as Error).message.split('\n')[0]}` };
  } finally {
    try {
      psql(`DROP DATABASE IF EXISTS ${db}`);
    } catch {
      // left for an admin to drop; the name says what it is
    }
  }
}

export default async function hubBench(): Promise<string> {
  const rows: string[] = [];
  const anchor = pgbenchTps();
  if (anchor) {
    rows.push(`| PostgreSQL itself: ${anchor.note} | ${anchor.tps.toFixed(0)} tps | | | | | | | | 1.00x | | | | ${os.loadavg()[0]!.toFixed(1)} |`);
    process.stderr.write(`hub bench: ${rows.at(-1)}\n`);
  }
  const pg = (n: 1 | 2, batch: number): [Backend, 1 | 2, number][] => (PG_AVAILABLE ? [[postgresBackend, n, batch]] : []);
  const only = process.env.HUB_BENCH_ONLY; // e.g. "postgres" or "sqlite": one backend's rows
  const all: [Backend, 1 | 2, number][] = [
    [sqliteBackend, 1, 1],
    [sqliteBackend, 2, 1],
    ...pg(1, 1),
    ...pg(2, 1),
    [sqliteBackend, 1, 50],
    ...pg(1, 50),
    ...pg(2, 50),
  ];
  // HUB_BENCH_ROWS=postgres/1/1,sqlite/1/50: only those rows (backend/processes/decisions per push).
  const rowsWanted = process.env.HUB_BENCH_ROWS?.split(',');
  const configs = all.filter(([b, n, batch]) => (!only || b.name === only) && (!rowsWanted || rowsWanted.includes(`${b.name}/${n}/${batch}`)));
  for (const [backend, n, batch] of configs) {
    const r = await runOne(backend, n, batch);
    const vs = backend.name === 'postgres' && anchor && Number.isFinite(anchor.tps) ? `${(r.rps / anchor.tps).toFixed(2)}x` : '';
    rows.push(`| ${r.label} | ${r.rps.toFixed(0)} | ${r.decisionsPerSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.ok} | ${r.failed} | ${r.stored} | ${vs} | ${r.hubCpuMs.toFixed(2)} | ${Number.isNaN(r.dbCpuMs) ? '' : r.dbCpuMs.toFixed(2)} | ${r.loadCpuMs.toFixed(2)} | ${os.loadavg()[0]!.toFixed(1)} |`);
    process.stderr.write(`hub bench: ${rows.at(-1)}\n`);
  }
  return [
    '## hub',
    '',
    `Pushes of one (or 50) decisions each (\`POST /v1/sync.push\`), autocannon on loopback, ${CONNECTIONS} connections (each an enrolled device with its own client id), ${DURATION_S} s per row${WARMUP_S > 0 ? ` after ${WARMUP_S} s of the same load on other tasks (not counted: V8 compiles the hot code, the pool opens its connections)` : ' from a cold start'}; the load generator shares the machine (${os.availableParallelism()} cores, load average ${os.loadavg()[0]!.toFixed(1)} at the end) with the hub processes and the database. Every push checks its device credential in the transaction that applies it (so a process looks a credential up only once), locks the client row, then writes the decisions, the tasks, the leases and the change feed as sets in one transaction (SQLite: one statement per table; PostgreSQL: one statement in all, \`SELECT hub_push(…)\`). CPU columns: milliseconds of CPU per acknowledged push, from /proc, of the hub processes, of the PostgreSQL backends serving them, and of the load generator. The first row is PostgreSQL's own pgbench (TPC-B) with the same number of clients, run in the same minutes: the anchor for the PostgreSQL rows. Decisions cycle through 3,000 tasks, so once a task is decided later decisions on it are stored as superseded (the same writes plus a lookup of the winner).`,
    '',
    '| backend | pushes/s | decisions/s | P50 ms | P95 ms | P99 ms | 2xx | failed | decisions stored | pushes/s ÷ pgbench tps | hub CPU ms per push | PostgreSQL CPU ms per push | load generator CPU ms per push | load average (1 min) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    ...(PG_AVAILABLE ? [] : ['', 'PostgreSQL was unreachable at 127.0.0.1:5432: its rows were not run.']),
    '',
    '"decisions stored" counts what the measured run added to the database: every acknowledged push (2xx), plus at most one push per connection still in flight when the clock stopped (committed, reply not counted). Exactly-once holds by construction (unique client id and mutation id); the fault tests check it.',
    '',
  ].join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) process.stdout.write(`${await hubBench()}\n`);
