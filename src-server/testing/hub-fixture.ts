import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createClient, type ApiError } from '../../src-shared/contract/dispatch.ts';
import { hubHttpTransport, type HubContract } from '../../src-shared/contract/hub.ts';
import { buildHubApp } from '../app.ts';
import { HubService } from '../hub-service.ts';
import { migrateHub } from '../store/migrations.ts';
import { HubDatabase } from '../store/database.ts';

export const PG_URL = process.env.COUNTERSIGN_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether the local PostgreSQL answers; the PostgreSQL variants skip (visibly) when it does not. */
export async function postgresReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** A fresh, migrated database of its own (a temp file, or a schema of its own), and how to drop it. */
  open(): Promise<{ db: HubDatabase; location: { database: string; schema?: string }; drop(): Promise<void> }>;
}

const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));

export const sqliteBackend: Backend = {
  name: 'sqlite',
  async open() {
    const dir = tmp('cs-hub-');
    const file = path.join(dir, 'hub.db');
    const db = HubDatabase.openSqlite(file);
    await migrateHub(db);
    return { db, location: { database: file }, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  },
};

export const postgresBackend: Backend = {
  name: 'postgres',
  async open() {
    const schema = `hub_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    const db = await HubDatabase.openPostgres(PG_URL, { schema, poolSize: 6 });
    await migrateHub(db);
    return {
      db,
      location: { database: PG_URL, schema },
      drop: async () => {
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      },
    };
  },
};

export const PG_AVAILABLE = await postgresReachable();
/** Both backends; PostgreSQL marked to skip when unreachable. */
export const BACKENDS: { backend: Backend; skip: boolean; label: string }[] = [
  { backend: sqliteBackend, skip: false, label: 'sqlite' },
  { backend: postgresBackend, skip: !PG_AVAILABLE, label: PG_AVAILABLE ? 'postgres' : `postgres (unreachable at ${new URL(PG_URL).host}: skipped)` },
];

export type HubClient = ReturnType<typeof createClient<HubContract>>;
export const hubClient = (url: string, token: string | null, fetchImpl: typeof fetch = fetch): HubClient => createClient<HubContract>(hubHttpTransport(url, () => token, fetchImpl));

export interface RunningHub {
  url: string;
  db: HubDatabase;
  service: HubService;
  close(): Promise<void>;
}

/** The hub in this process on a free loopback port. */
export async function startHub(db: HubDatabase, opts: { clock?: () => Date; port?: number; authFailuresPerMinute?: number; blobDir?: string } = {}): Promise<RunningHub> {
  // Tests authenticate wrongly on purpose many times over: no rate limit unless asked (authorization.test.ts checks it).
  const app = buildHubApp({ db, authFailuresPerMinute: opts.authFailuresPerMinute ?? 1_000_000, ...(opts.clock ? { clock: opts.clock } : {}), ...(opts.blobDir ? { blobDir: opts.blobDir } : {}) });
  await app.listen({ port: opts.port ?? 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, db, service: new HubService(db, opts.clock), close: () => app.close() };
}

/** A site with a queue, an admin, a reviewer, a clerk and an auditor, each with a token. */
export async function seedHub(hub: RunningHub, prefix = 'main') {
  const s = hub.service;
  const admin = await s.createUser({ name: `${prefix}-admin`, role: 'admin', siteId: null });
  const site = await s.createSite(`${prefix}-site`);
  const queue = await s.createQueue({ siteId: site.id, name: 'invoices' });
  const reviewer = await s.createUser({ name: `${prefix}-reviewer`, role: 'reviewer', siteId: site.id });
  const reviewer2 = await s.createUser({ name: `${prefix}-reviewer2`, role: 'reviewer', siteId: site.id });
  const clerk = await s.createUser({ name: `${prefix}-clerk`, role: 'clerk', siteId: site.id });
  const auditor = await s.createUser({ name: `${prefix}-auditor`, role: 'auditor', siteId: null });
  const code = async (userId: number) => (await s.createEnrollmentCode({ siteId: site.id, userId, ttlMinutes: 60 })).code;
  return { admin, site, queue, reviewer, reviewer2, clerk, auditor, code };
}

export const sha = (n: number) => n.toString(16).padStart(64, '0');

/** Metadata-only tasks on a queue, straight through the service. */
export async function makeTasks(hub: RunningHub, queueId: number, n: number, start = 1) {
  const tasks = Array.from({ length: n }, (_, i) => ({
    queueId,
    docRef: `device-1/doc-${start + i}`,
    docSha256: sha(start + i),
    docType: 'invoice' as const,
    fields: { vendor: 'ACME', total: `${100 + i}.00` },
    priority: 0,
    dueAt: null,
  }));
  const out = [];
  for (let i = 0; i < tasks.length; i += 1000) out.push(...(await hub.service.createTasks(tasks.slice(i, i + 1000), { kind: 'user', role: 'admin', userId: 1, userName: 'seed', siteId: null, deviceId: null })).items);
  return out;
}

/** The error code a hub call fails with, or 'ok' when it succeeds. */
export const errorCode = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return (err as ApiError).code;
  }
};
