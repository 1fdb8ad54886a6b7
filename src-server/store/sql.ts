import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

export type Dialect = 'sqlite' | 'postgres';
export type Param = string | number | null;

/** The few things the hub asks of a SQL database; `?` placeholders in both dialects. */
export interface Sql {
  readonly dialect: Dialect;
  all<T>(sql: string, params?: Param[]): Promise<T[]>;
  get<T>(sql: string, params?: Param[]): Promise<T | undefined>;
  run(sql: string, params?: Param[]): Promise<{ changes: number }>;
}

export interface SqlDb extends Sql {
  /** One transaction; on PostgreSQL one pooled connection, on SQLite `BEGIN IMMEDIATE` (one writer). */
  tx<T>(fn: (t: Sql) => Promise<T>): Promise<T>;
  exec(script: string): Promise<void>;
  close(): Promise<void>;
}

/** Runs queued work one at a time: better-sqlite3 is synchronous, but a transaction spans awaits. */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

class SqliteSql implements Sql {
  readonly dialect = 'sqlite' as const;
  constructor(protected readonly db: Database.Database) {}
  async all<T>(sql: string, params: Param[] = []): Promise<T[]> {
    return this.db.prepare(sql).all(...params) as T[];
  }
  async get<T>(sql: string, params: Param[] = []): Promise<T | undefined> {
    return this.db.prepare(sql).get(...params) as T | undefined;
  }
  async run(sql: string, params: Param[] = []): Promise<{ changes: number }> {
    return { changes: this.db.prepare(sql).run(...params).changes };
  }
}

export class SqliteDb implements SqlDb {
  readonly dialect = 'sqlite' as const;
  private readonly inner: SqliteSql;
  private readonly lock = new Mutex();

  constructor(private readonly db: Database.Database) {
    this.inner = new SqliteSql(db);
  }

  static open(file: string): SqliteDb {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // Several hub processes may share one file: wait for the writer rather than fail.
    db.pragma('busy_timeout = 10000');
    return new SqliteDb(db);
  }

  all<T>(sql: string, params?: Param[]): Promise<T[]> {
    return this.lock.run(() => this.inner.all<T>(sql, params));
  }
  get<T>(sql: string, params?: Param[]): Promise<T | undefined> {
    return this.lock.run(() => this.inner.get<T>(sql, params));
  }
  run(sql: string, params?: Param[]): Promise<{ changes: number }> {
    return this.lock.run(() => this.inner.run(sql, params));
  }
  exec(script: string): Promise<void> {
    return this.lock.run(async () => void this.db.exec(script));
  }
  tx<T>(fn: (t: Sql) => Promise<T>): Promise<T> {
    return this.lock.run(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.inner);
        this.db.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    });
  }
  async close(): Promise<void> {
    await this.lock.run(async () => this.db.close());
  }
}

/** `?` to `$1, $2, …`; our SQL never has a `?` inside a string literal. */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

// BIGINT (int8) comes back as a string by default; our ids and sequence numbers fit a double.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser,
};

class PgSql implements Sql {
  readonly dialect = 'postgres' as const;
  constructor(protected readonly q: pg.Pool | pg.PoolClient) {}
  async all<T>(sql: string, params: Param[] = []): Promise<T[]> {
    return (await this.q.query(numbered(sql), params)).rows as T[];
  }
  async get<T>(sql: string, params: Param[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }
  async run(sql: string, params: Param[] = []): Promise<{ changes: number }> {
    return { changes: (await this.q.query(numbered(sql), params)).rowCount ?? 0 };
  }
}

export class PostgresDb extends PgSql implements SqlDb {
  private constructor(private readonly pool: pg.Pool) {
    super(pool);
  }

  /** `schema` confines every table to one schema (created if missing), so test runs never collide. */
  static async open(url: string, opts: { schema?: string; max?: number } = {}): Promise<PostgresDb> {
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
      max: opts.max ?? 10,
      types,
      ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
    });
    // An idle connection dropped by the server (a restart, a failover) must not crash the hub:
    // the pool replaces it and the next request gets a fresh one.
    pool.on('error', (err) => process.stderr.write(`hub: idle PostgreSQL connection lost: ${err.message}\n`));
    await pool.query('SELECT 1');
    return new PostgresDb(pool);
  }

  async exec(script: string): Promise<void> {
    await this.pool.query(script);
  }

  async tx<T>(fn: (t: Sql) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock_shared(${FEED_WRITER_LOCK}, hashtext(current_schema()))`);
      const result = await fn(new PgSql(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** `--database postgres://…` or, by default, `hub.db` in the data directory. */
export async function openHubSql(opts: { database?: string; dataDir?: string; schema?: string }): Promise<SqlDb> {
  if (opts.database && /^postgres(ql)?:\/\//.test(opts.database)) return PostgresDb.open(opts.database, opts.schema ? { schema: opts.schema } : {});
  if (opts.database) return SqliteDb.open(opts.database);
  return SqliteDb.open(path.join(opts.dataDir ?? 'hub-data', 'hub.db'));
}

/**
 * Every PostgreSQL write transaction holds this advisory lock, shared (writers never wait for each
 * other), from before it has a transaction id to its end; the second key is the schema, so hubs (and
 * test runs) in other schemas of the cluster never count. A pull uses it to tell which running
 * transactions may still add change-feed rows (see HubService.pull).
 */
export const FEED_WRITER_LOCK = 730175;

export const forUpdate = (t: Sql): string => (t.dialect === 'postgres' ? ' FOR UPDATE' : '');
