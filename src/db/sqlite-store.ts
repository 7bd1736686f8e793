// The store on a SQLite file (or `:memory:`): one write connection with group commit (and,
// under `serve`, a writer thread for portable units), a read connection whose hot reads share a
// snapshot per event-loop turn, and checkpoints on a thread of their own.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, SqliteDialect } from 'kysely';
import { startCheckpointer } from './checkpointer.js';
import type { Database } from './database.js';
import type { PortableUnit } from './portable-unit.js';
import { registerExecutor } from './prepared.js';
import { ReadSnapshots, SqliteExecutor } from './sqlite-executor.js';
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
import { cachingDatabase } from './statement-cache.js';
import type { Store, StoreOptions, Unit } from './types.js';
import { WRITER_THREAD_AVAILABLE, WriterThread } from './writer-thread.js';

export async function openSqlite(path: string, options: StoreOptions): Promise<Store> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const writer = openSqliteWriter(path);
  // A second connection for reads: in WAL mode readers never wait for the writer.
  const reader = path === ':memory:' ? undefined : sqliteConnection(path);
  // Hot-path reads run on the read connection directly, as prepared statements, in snapshots of
  // one event-loop turn (src/db/sqlite-executor.ts). With one in-memory connection they go through Kysely, whose mutex
  // keeps them out of a batch.
  const snapshots = reader ? new ReadSnapshots(reader) : undefined;
  const readDb = reader
    ? new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingDatabase(reader, { beforeBegin: snapshots!.end }) }) })
    : writer.db;
  if (reader) registerExecutor(readDb, new SqliteExecutor(reader, snapshots));
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
    roundTrips: () => undefined,
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

