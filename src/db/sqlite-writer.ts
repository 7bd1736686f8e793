// One SQLite write connection and how a batch of units is committed on it: in one transaction
// (one fsync), each unit in its own savepoint when there are several, so that one unit's
// failure undoes only that unit. Used on the main thread (store.ts) and on the writer thread
// (writer-thread.worker.ts) alike.
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { BACKSTOP_AUTOCHECKPOINT_PAGES } from './checkpointer.js';
import type { Database } from './database.js';
import { registerExecutor } from './prepared.js';
import { SqliteExecutor } from './sqlite-executor.js';
import type { Outcome, PortableUnit } from './portable-unit.js';
export type { Outcome } from './portable-unit.js';
import { cachingDatabase } from './statement-cache.js';

import type { Db } from './types.js';

export function sqliteConnection(path: string): BetterSqlite3.Database {
  const conn = new BetterSqlite3(path);
  conn.pragma('journal_mode = WAL');
  // better-sqlite3 leaves WAL at NORMAL, which can lose the last commits on power loss. An
  // order is acknowledged only once durable, so FULL is set and then read back.
  conn.pragma('synchronous = FULL');
  conn.pragma('busy_timeout = 10000');
  conn.pragma('foreign_keys = ON');
  // Each unit of a group commit runs in a savepoint, and SQLite keeps a savepoint's undo data in
  // a statement journal: by default a temporary file, written page by page (some 45 writes per
  // order). Kept in memory instead, it costs no system calls; it only ever serves a rollback
  // inside a live transaction, so durability does not depend on it (docs/benchmarks.md).
  conn.pragma('temp_store = MEMORY');
  const sync = conn.pragma('synchronous', { simple: true });
  if (sync !== 2) throw new Error(`SQLite refused synchronous=FULL (got ${String(sync)})`);
  return conn;
}

export interface SqliteWriter {
  readonly connection: BetterSqlite3.Database;
  readonly db: Db;
  /** Prepared statements on the connection: the batch form's and the units' hot queries. */
  readonly executor: SqliteExecutor;
}

/** The write connection of a database file (or of `:memory:`, which has no other). */
export function openSqliteWriter(path: string): SqliteWriter {
  const connection = sqliteConnection(path);
  if (path !== ':memory:') {
    // Checkpoints run on their own thread (checkpointer.ts); the writer's are a backstop.
    connection.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
    // After a checkpoint resets the log, the file is cut back to this size (64 MiB).
    connection.pragma('journal_size_limit = 67108864');
  }
  return {
    connection,
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingDatabase(connection) }) }),
    executor: new SqliteExecutor(connection),
  };
}


/**
 * Commits the units together. Kysely's connection mutex is held for the batch; the units get
 * its handle, and the raw statements of the hot path reach the same connection, so the same
 * transaction.
 *
 * Several units run each in its own savepoint, so that one unit's failure undoes only that
 * unit. `optimistic`: they first run without savepoints (a savepoint costs two statements and a
 * copy of every page the unit changes); only if one of them fails is the batch run again with
 * them. Only for units that may run twice: no effect outside the database (portable units,
 * writer-thread.ts). A lone unit needs no savepoint: its failure is the batch's.
 */
export function commitUnits(
  writer: SqliteWriter,
  units: ReadonlyArray<(tx: Db) => Promise<unknown>>,
  { optimistic = false }: { optimistic?: boolean } = {},
): Promise<Outcome[]> {
  return writer.db.connection().execute(async (conn) => {
    registerExecutor(conn, writer.executor);
    if (units.length === 1 || optimistic) {
      const outcomes = await inTransaction(writer, units, async (unit): Promise<Outcome> => ({ ok: true, value: await unit(conn) }));
      // Otherwise nothing of this attempt was kept: the batch runs again, unit by unit.
      if (units.length === 1 || outcomes.every((o) => o.ok)) return outcomes;
    }
    return inTransaction(writer, units, (unit) => runInSavepoint(writer, conn, unit));
  });
}

/** A portable unit to commit, with its arguments (no unit: not a portable one). */
export interface PortableJob {
  readonly unit: PortableUnit<unknown, unknown> | undefined;
  readonly args: unknown;
}

/**
 * A batch of portable units of one kind committed through that kind's `many` form
 * (writer-thread.ts) in one transaction. Undefined when the jobs are not all of one kind, when
 * the form does not take their arguments, or when it threw (nothing of it is kept then): the
 * caller commits the units one by one instead, so a failure of the batch form costs time, never
 * an order.
 */
export async function commitTogether(writer: SqliteWriter, jobs: readonly PortableJob[]): Promise<Outcome[] | undefined> {
  const unit = jobs[0]?.unit;
  if (jobs.length < 2 || !unit?.many || jobs.some((job) => job.unit !== unit)) return undefined;
  const many = unit.many;
  const args = jobs.map((job) => job.args);
  if (!many.accepts(args)) return undefined;
  return writer.db.connection().execute(async () => {
    exec(writer, 'begin immediate');
    try {
      const outcomes = await many.run(writer.executor, args);
      if (outcomes.length !== args.length) throw new Error(`${unit.name}: ${outcomes.length} outcomes for ${args.length} units`);
      exec(writer, 'commit');
      return [...outcomes];
    } catch {
      if (writer.connection.inTransaction) exec(writer, 'rollback');
      return undefined;
    }
  });
}

/** One transaction over the units: every outcome, or, if anything threw, every unit failed. */
async function inTransaction<U>(writer: SqliteWriter, units: readonly U[], run: (unit: U) => Promise<Outcome>): Promise<Outcome[]> {
  // IMMEDIATE takes the write lock up front, so another process (the CLI) waits instead of
  // failing with SQLITE_BUSY half-way through.
  exec(writer, 'begin immediate');
  try {
    const outcomes: Outcome[] = [];
    for (const unit of units) outcomes.push(await run(unit));
    exec(writer, 'commit');
    return outcomes;
  } catch (error) {
    // A lone unit's own failure, or a failure of the batch itself (a savepoint, the commit):
    // nothing of the batch is durable, so every unit of it fails.
    if (writer.connection.inTransaction) exec(writer, 'rollback');
    return units.map((): Outcome => ({ ok: false, error }));
  }
}

/** Runs a statement without values (begin, commit, savepoints) on the writer's connection. */
function exec(writer: SqliteWriter, text: string): void {
  writer.executor.statement(text).run();
}

async function runInSavepoint(writer: SqliteWriter, conn: Db, unit: (tx: Db) => Promise<unknown>): Promise<Outcome> {
  exec(writer, 'savepoint unit');
  try {
    const value = await unit(conn);
    exec(writer, 'release savepoint unit');
    return { ok: true, value };
  } catch (error) {
    exec(writer, 'rollback to savepoint unit');
    exec(writer, 'release savepoint unit');
    return { ok: false, error };
  }
}

/** A job of a Batcher: settled with its own outcome once its batch is done. */
export interface BatchJob {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export interface BatcherOptions<J> {
  readonly lock: Mutex;
  /** Most jobs in one batch. */
  readonly maxBatch: number;
  /** Commits one batch; one outcome per job, in order. */
  commit(batch: readonly J[]): Promise<readonly Outcome[]>;
  /** Runs after each batch, before any of its jobs is settled (ends the read snapshot). */
  afterCommit?(): void;
  /**
   * Settle a batch's jobs only after the next batch has been handed on: for a committer on
   * another thread, which then commits while this thread answers.
   */
  readonly settleAfterNextDispatch?: boolean;
}

/**
 * Group commit's queue: the jobs that arrive within one turn of the event loop go out together
 * (at most maxBatch), one batch at a time, each under the process's write lock.
 */
export class Batcher<J extends BatchJob> {
  private queue: J[] = [];
  private draining: Promise<void> | undefined;

  constructor(private readonly options: BatcherOptions<J>) {}

  add(job: J): void {
    this.queue.push(job);
    this.draining ??= new Promise<void>((done) => setImmediate(() => void this.drain().finally(done)));
  }

  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    const { lock, maxBatch, commit, afterCommit, settleAfterNextDispatch } = this.options;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, maxBatch);
        let outcomes: readonly Outcome[];
        try {
          outcomes = await lock.run(() => commit(batch));
        } catch (error) {
          outcomes = batch.map(() => ({ ok: false, error }));
        }
        afterCommit?.();
        const settle = () =>
          batch.forEach((job, i) => {
            const o = outcomes[i]!;
            if (o.ok) job.resolve(o.value);
            else job.reject(o.error);
          });
        if (settleAfterNextDispatch) setImmediate(settle);
        else settle();
      }
    } finally {
      this.draining = undefined;
    }
  }
}

/** Runs one task at a time, in arrival order: the write lock between the store's writers. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
