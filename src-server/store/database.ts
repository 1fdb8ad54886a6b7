import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect, sql, SqliteDialect, type RawBuilder } from 'kysely';
import pg from 'pg';
import type { HubSchema } from './schema.ts';
import { startWalCheckpointer } from './wal-checkpointer.ts';

export type Dialect = 'sqlite' | 'postgres';
export type HubKysely = Kysely<HubSchema>;
export type Param = string | number | null;

/**
 * Every PostgreSQL write transaction holds this advisory lock, shared (writers never wait for each
 * other), from before it has a transaction id to its end; the second key is the schema, so hubs (and
 * test runs) in other schemas of the cluster never count. A pull uses it to tell which running
 * transactions may still add change-feed rows (see handlers/sync.ts).
 */
export const FEED_WRITER_LOCK = 730175;

/**
 * better-sqlite3 behind Kysely's SqliteDialect, with its prepared statements kept: Kysely prepares
 * each query's text anew, and preparing costs more than running a small statement.
 */
function cachingSqlite(db: Database.Database) {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => db.close(),
    prepare(text: string) {
      let stmt = cache.get(text);
      if (!stmt) {
        stmt = db.prepare(text);
        if (cache.size > 500) cache.clear();
        cache.set(text, stmt);
      }
      return stmt;
    },
  };
}

/**
 * A pg pool whose clients run every parameterised query as a named prepared statement (parsed and
 * planned once per connection). Our hot statements have fixed texts (arrays go through UNNEST), so
 * the set of names stays small; the rest fall back to unnamed statements beyond a cap.
 */
function preparingPool(pool: pg.Pool) {
  const named = new WeakMap<pg.PoolClient, Set<string>>();
  // Statement names by text: hashed once per text, not once per query.
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (name === undefined) {
      if (names.size >= 1000) names.clear();
      names.set(text, (name = `hub_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`));
    }
    return name;
  };
  const wrap = (client: pg.PoolClient) =>
    new Proxy(client, {
      get(target, prop, receiver) {
        if (prop !== 'query') return Reflect.get(target, prop, receiver) as unknown;
        return (text: unknown, values?: unknown[]) => {
          if (typeof text !== 'string' || !values || values.length === 0) return (target.query as (...a: unknown[]) => unknown)(text, values);
          let prepared = named.get(target);
          if (!prepared) named.set(target, (prepared = new Set()));
          const name = nameOf(text);
          if (!prepared.has(name) && prepared.size >= 200) return target.query(text, values);
          prepared.add(name);
          return target.query({ name, text, values });
        };
      },
    });
  return {
    connect: async () => wrap(await pool.connect()),
    end: () => pool.end(),
  };
}

// BIGINT (int8) comes back as a string by default; our ids and sequence numbers fit a double.
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser,
};

/** The PostgreSQL application_name of a hub's connections: `countersign-hub`, with the schema when it has one. */
export const hubApplicationName = (schema: string | null): string => (schema ? `countersign-hub:${schema}` : 'countersign-hub');

export interface OpenOptions {
  /** `postgres://…` for PostgreSQL; otherwise a SQLite file path. */
  database?: string;
  /** Where `hub.db` lives when no database is named. */
  dataDir?: string;
  /** PostgreSQL schema (created if missing), so several hubs or test runs share a cluster apart. */
  schema?: string;
  /** PostgreSQL pool size; default: twice the number of cores, at least 8. */
  poolSize?: number;
}

/**
 * The hub's database: Kysely over SQLite (better-sqlite3) or PostgreSQL (pg). Queries use Kysely's
 * builder or its `sql` tag; `tx` is the one way to write more than one statement atomically.
 */
export class HubDatabase {
  private constructor(
    readonly db: HubKysely,
    readonly dialect: Dialect,
    /** The PostgreSQL schema, or null (SQLite, or PostgreSQL's default search path). */
    readonly schema: string | null,
    private readonly afterClose: () => Promise<void> = async () => {},
  ) {}

  static openSqlite(file: string): HubDatabase {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    const raw = new Database(file);
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.pragma('foreign_keys = ON');
    // Several hub processes may share one file: wait for the writer rather than fail.
    raw.pragma('busy_timeout = 10000');
    const checkpointer = file === ':memory:' ? null : startWalCheckpointer(file);
    // Checkpoints run on their own thread; this connection checkpoints only if that thread falls far behind.
    if (checkpointer) raw.pragma('wal_autocheckpoint = 10000');
    const db = new Kysely<HubSchema>({ dialect: new SqliteDialect({ database: cachingSqlite(raw) as unknown as Database.Database }) });
    return new HubDatabase(db, 'sqlite', null, async () => checkpointer?.stop());
  }

  static async openPostgres(url: string, opts: { schema?: string; poolSize?: number } = {}): Promise<HubDatabase> {
    if (opts.schema && !/^[a-z_][a-z0-9_]*$/.test(opts.schema)) throw new Error(`Bad schema name ${opts.schema}`);
    if (opts.schema) {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query(`CREATE SCHEMA IF NOT EXISTS ${opts.schema}`);
      } finally {
        await admin.end();
      }
    }
    const pool = new pg.Pool({
      connectionString: url,
      // A push holds its connection mostly while its commit waits for the WAL flush, not a core: more
      // connections than cores let PostgreSQL flush several commits at once (2 cores: 8 beat 2, 4 and 16).
      max: opts.poolSize ?? Math.max(8, 2 * os.availableParallelism()),
      types: pgTypes,
      // A new connection costs its backend tens of ms of CPU before its first push (start-up, then compiling
      // and planning hub_push): keep idle ones for minutes, not pg's default 10 s, so bursty load does not redo it.
      idleTimeoutMillis: 5 * 60_000,
      // What pg_stat_activity shows for the hub's connections (and the bench counts the database's CPU by).
      application_name: hubApplicationName(opts.schema ?? null),
      ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
    });
    // An idle connection dropped by the server (a restart, a failover) must not crash the hub:
    // the pool replaces it and the next request gets a fresh one.
    pool.on('error', (err) => process.stderr.write(`hub: idle PostgreSQL connection lost: ${err.message}\n`));
    await pool.query('SELECT 1');
    const db = new Kysely<HubSchema>({ dialect: new PostgresDialect({ pool: preparingPool(pool) as unknown as pg.Pool }) });
    return new HubDatabase(db, 'postgres', opts.schema ?? null);
  }

  /** `--database postgres://…` or a SQLite file, or by default `hub.db` in the data directory. */
  static async open(opts: OpenOptions): Promise<HubDatabase> {
    if (opts.database && /^postgres(ql)?:\/\//.test(opts.database)) return HubDatabase.openPostgres(opts.database, { ...(opts.schema ? { schema: opts.schema } : {}), ...(opts.poolSize ? { poolSize: opts.poolSize } : {}) });
    if (opts.database) return HubDatabase.openSqlite(opts.database);
    return HubDatabase.openSqlite(path.join(opts.dataDir ?? 'hub-data', 'hub.db'));
  }

  /**
   * One transaction on one connection. SQLite: `BEGIN IMMEDIATE` (one writer; waiting is
   * `busy_timeout`'s job, never an upgrade failure). PostgreSQL: `BEGIN` and the shared feed-writer lock
   * in one round trip, before the transaction has an id.
   */
  tx<T>(fn: (t: HubKysely) => Promise<T>): Promise<T> {
    return this.db.connection().execute(async (conn) => {
      const begin =
        this.dialect === 'postgres' ? `BEGIN; SELECT pg_advisory_xact_lock_shared(${FEED_WRITER_LOCK}, hashtext(current_schema()))` : 'BEGIN IMMEDIATE';
      await sql.raw(begin).execute(conn);
      try {
        const result = await fn(conn);
        await sql.raw('COMMIT').execute(conn);
        return result;
      } catch (err) {
        await sql.raw('ROLLBACK').execute(conn).catch(() => undefined);
        throw err;
      }
    });
  }

  /** Is the database answering? (readiness) */
  async ping(): Promise<void> {
    await sql`SELECT 1`.execute(this.db);
  }

  // ---- ad-hoc SQL with `?` placeholders, for tests and one-off checks (the hub's code uses the builder) ----

  private raw<T>(text: string, params: Param[]): RawBuilder<T> {
    const parts = text.split('?');
    if (parts.length - 1 !== params.length) throw new Error(`${parts.length - 1} placeholders, ${params.length} parameters`);
    const strings = Object.assign([...parts], { raw: [...parts] }) as unknown as TemplateStringsArray;
    return sql<T>(strings, ...params);
  }
  async all<T>(text: string, params: Param[] = []): Promise<T[]> {
    return (await this.raw<T>(text, params).execute(this.db)).rows;
  }
  async get<T>(text: string, params: Param[] = []): Promise<T | undefined> {
    return (await this.all<T>(text, params))[0];
  }
  async run(text: string, params: Param[] = []): Promise<{ changes: number }> {
    return { changes: Number((await this.raw(text, params).execute(this.db)).numAffectedRows ?? 0) };
  }

  async close(): Promise<void> {
    await this.db.destroy();
    await this.afterClose();
  }
}
