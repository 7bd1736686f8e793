// The storage seam. `db` serves reads; `write` runs a unit of work in a durable transaction;
// `writePortable` runs a portable unit (plain data in and out), under `serve` on SQLite on a
// writer thread of its own (writer-thread.ts). On SQLite, units that arrive together share one
// transaction and so one fsync (group commit, sqlite-writer.ts), each inside its own savepoint
// so that one unit's failure undoes only that unit; WAL checkpoints run on a thread of their own
// (checkpointer.ts). On PostgreSQL every unit is its own transaction, retried on serialization
// failures and deadlocks. docs/decisions.md, 1–3 and 8, says why.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import { KNOWN_MIGRATIONS, migrationProvider } from './migrations/index.js';
import { cachingDatabase } from './statement-cache.js';
import { RawSqlite, ReadSnapshots, registerRawSqlite } from './raw-sqlite.js';
import { startCheckpointer } from './checkpointer.js';
import {
  Batcher,
  Mutex,
  commitTogether,
  commitUnits,
  openSqliteWriter,
  sqliteConnection,
  type BatchJob,
  type PortableJob,
  type SqliteWriter,
} from './sqlite-writer.js';
import { WRITER_THREAD_AVAILABLE, WriterThread, type PortableUnit } from './writer-thread.js';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;

/**
 * A unit of work. It must only run queries on the handle it is given: no other awaits (no
 * hashing, no network), because on SQLite it shares its transaction with other units.
 */
export type Unit<T> = (tx: Db) => Promise<T>;

export interface Store {
  readonly dialect: Dialect;
  readonly db: Db;
  write<T>(unit: Unit<T>): Promise<T>;
  /**
   * Runs a portable unit (plain data in and out, src/db/writer-thread.ts): on the SQLite writer
   * thread when the store has one, else exactly as write() would.
   */
  writePortable<A, R>(unit: PortableUnit<A, R>, args: A): Promise<R>;
  /** True when portable units run on a writer thread of their own. */
  readonly writerThread: boolean;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** PostgreSQL pool size. */
  poolSize?: number;
  /** PostgreSQL statement timeout. */
  statementTimeoutMs?: number;
  /** SQLite: most units committed together. */
  maxBatch?: number;
  /**
   * SQLite files: run portable units on a writer thread of their own (`placeorder serve`).
   * Only where the compiled worker exists (not when tests run the TypeScript sources).
   */
  writerThread?: boolean;
}

export function dialectOf(location: string): Dialect {
  return /^postgres(ql)?:\/\//i.test(location) ? 'postgres' : 'sqlite';
}

export async function openStore(location: string, options: StoreOptions = {}): Promise<Store> {
  return dialectOf(location) === 'postgres' ? openPostgres(location, options) : openSqlite(location, options);
}

async function openSqlite(path: string, options: StoreOptions): Promise<Store> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const writer = openSqliteWriter(path);
  // A second connection for reads: in WAL mode readers never wait for the writer.
  const reader = path === ':memory:' ? undefined : sqliteConnection(path);
  // Hot-path reads run on the read connection directly, in snapshots of one event-loop turn
  // (src/db/raw-sqlite.ts). With one in-memory connection they go through Kysely, whose mutex
  // keeps them out of a batch.
  const snapshots = reader ? new ReadSnapshots(reader) : undefined;
  const readDb = reader
    ? new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingDatabase(reader, { beforeBegin: snapshots!.end }) }) })
    : writer.db;
  if (reader) registerRawSqlite(readDb, new RawSqlite(reader, snapshots));
  // A commit of this process ends the read snapshot before its writer hears of it: whoever
  // wrote reads what they wrote.
  const afterCommit = () => snapshots?.end();
  const maxBatch = options.maxBatch ?? 256;
  // The one write lock of this process: the main connection's batches and the writer thread's.
  const lock = new Mutex();
  const committer = new GroupCommitter(writer, lock, maxBatch, afterCommit);
  const thread = options.writerThread && WRITER_THREAD_AVAILABLE && reader ? new WriterThread(path, lock, maxBatch, afterCommit) : undefined;
  const closeConnections = async () => {
    snapshots?.end();
    if (readDb !== writer.db) await readDb.destroy();
    await writer.db.destroy();
  };
  try {
    await thread?.start();
  } catch (error) {
    await thread?.stop();
    await closeConnections();
    throw error;
  }
  // Checkpoints run on a worker thread of their own (src/db/checkpointer.ts).
  const checkpointer = reader ? startCheckpointer(path) : undefined;
  return {
    dialect: 'sqlite',
    db: readDb,
    write: (unit) => committer.submit(unit),
    writePortable: (unit, args) => (thread ? thread.run(unit, args) : committer.submitPortable(unit, args)),
    writerThread: thread !== undefined,
    async close() {
      await thread?.stop();
      await committer.idle();
      await checkpointer?.stop();
      await closeConnections();
    },
  };
}

/** Groups the units that arrive within one turn of the event loop into one transaction. */
class GroupCommitter {
  private readonly batcher: Batcher<CommitJob>;

  constructor(writer: SqliteWriter, lock: Mutex, maxBatch: number, afterCommit: () => void) {
    // A batch of one kind of portable unit first tries that unit's batch form, as on the writer thread.
    const commit = async (batch: readonly CommitJob[]) =>
      (await commitTogether(writer, batch.map((job) => job.portable ?? { unit: undefined, args: undefined }))) ??
      commitUnits(writer, batch.map((job) => job.unit));
    this.batcher = new Batcher({ lock, maxBatch, commit, afterCommit });
  }

  submit<T>(unit: Unit<T>, portable?: CommitJob['portable']): Promise<T> {
    return new Promise<T>((resolve, reject) => this.batcher.add({ unit, portable, resolve: resolve as (v: unknown) => void, reject }));
  }

  submitPortable<A, R>(unit: PortableUnit<A, R>, args: A): Promise<R> {
    return this.submit((tx) => unit.run(tx, args), { unit: unit as PortableUnit<unknown, unknown>, args });
  }

  idle(): Promise<void> {
    return this.batcher.idle();
  }
}

interface CommitJob extends BatchJob {
  unit: Unit<unknown>;
  /** Set for a portable unit: it may be committed with others of its kind (commitTogether). */
  portable: PortableJob | undefined;
}

async function openPostgres(url: string, options: StoreOptions): Promise<Store> {
  const statementTimeoutMs = options.statementTimeoutMs ?? 10_000;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    // Durable acknowledgements: never let a session turn synchronous_commit off.
    options: `-c synchronous_commit=on -c statement_timeout=${statementTimeoutMs} -c TimeZone=UTC`,
    types: {
      // int8 (ids, cents) as JS numbers: every value we store is far below 2^53.
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // A connection lost while a client sits idle in the pool: the pool drops it and opens a new
  // one on demand.
  pool.on('error', () => {});
  // A connection lost while a client is checked out between two queries (inside a transaction,
  // say) is reported as an 'error' event on the client, which the pool does not listen to then:
  // unheard, Node would end the process. The query in flight (or the next one) fails instead,
  // that request answers -14, and the pool discards the client on release because it is no
  // longer queryable.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  async function write<T>(unit: Unit<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.transaction().execute(unit);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if ((code === '40001' || code === '40P01') && attempt < 5) continue;
        throw error;
      }
    }
  }
  return {
    dialect: 'postgres',
    db,
    write,
    writePortable: (unit, args) => write((tx) => unit.run(tx, args)),
    writerThread: false,
    close: () => db.destroy(),
  };
}

export interface SchemaState {
  applied: string[];
  pending: string[];
  unknown: string[];
}

export async function schemaState(store: Store): Promise<SchemaState> {
  let applied: string[] = [];
  try {
    const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db);
    applied = rows.rows.map((r) => r.name);
  } catch (error) {
    // Only a missing table means "never migrated". Anything else (the database unreachable, no
    // permission) must not be mistaken for a fresh database that `serve` would then migrate.
    if (!isMissingTable(error)) throw error;
  }
  return {
    applied,
    pending: KNOWN_MIGRATIONS.filter((m) => !applied.includes(m)),
    unknown: applied.filter((m) => !KNOWN_MIGRATIONS.includes(m)),
  };
}

function isMissingTable(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e.code === '42P01' || /no such table/i.test(e.message ?? '');
}

/** How long one migration run may take on PostgreSQL, waiting for another process's included. */
const MIGRATION_TIMEOUT_MS = 3_600_000;

/**
 * Brings the schema up to date. Safe when several processes run it at the same moment:
 * - PostgreSQL: Kysely's Migrator holds an advisory lock and applies every pending migration in
 *   one transaction, so the others wait, then find nothing left to do. The session's statement
 *   timeout (meant for requests) is lifted to MIGRATION_TIMEOUT_MS for the run, so that neither
 *   a long migration nor the wait for another process's run is cancelled half-way.
 * - SQLite: Kysely takes no lock there (it assumes one connection), so the whole run goes through
 *   the write path, inside `begin immediate`: the file's write lock serializes processes and a
 *   failed run leaves no half-applied migration behind.
 */
export async function migrate(store: Store): Promise<string[]> {
  const run = async (db: Db) => {
    const migrator = new Migrator({ db, provider: migrationProvider(store.dialect) });
    const { error, results } = await migrator.migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(String(error));
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  };
  if (store.dialect === 'sqlite') return store.write(run);
  return store.db.connection().execute(async (conn) => {
    await sql`select set_config('statement_timeout', ${String(MIGRATION_TIMEOUT_MS)}, false)`.execute(conn);
    try {
      return await run(conn);
    } finally {
      await sql`reset statement_timeout`.execute(conn).catch(() => {});
    }
  });
}

/**
 * Makes sure the schema is the one this build knows. A fresh database is migrated; an older
 * or newer one is refused with a message that says what to do.
 */
export async function ensureSchema(store: Store): Promise<void> {
  const state = await schemaState(store);
  if (state.unknown.length > 0) {
    throw new SchemaError(
      `the database schema is newer than this placeorder (unknown migrations: ${state.unknown.join(', ')}); run a newer placeorder`,
    );
  }
  if (state.applied.length === 0) {
    await migrate(store);
    return;
  }
  if (state.pending.length > 0) {
    throw new SchemaError(
      `the database schema is older than this placeorder (pending: ${state.pending.join(', ')}); run \`placeorder migrate\` first`,
    );
  }
}

export class SchemaError extends Error {
  override name = 'SchemaError';
}
