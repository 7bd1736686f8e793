// Prepared queries (prepared.ts) on a better-sqlite3 connection, and the read snapshots of one
// event-loop turn that the hot path's reads share on the read connection.
import type BetterSqlite3 from 'better-sqlite3';
import { chunks, type Executor, type PreparedQuery } from './prepared.js';

/** Most prepared statements kept per connection; the hot set is a few dozen. */
const MAX_STATEMENTS = 512;
/** Most distinct reads remembered in one snapshot; the reads beyond it simply run. */
const MAX_SNAPSHOT_READS = 1024;

/**
 * Read snapshots that last one turn of the event loop, on the read connection.
 *
 * Every statement outside a transaction is a read transaction of its own, and starting one costs
 * SQLite three system calls (a lock taken and released on the WAL index, a size check of the
 * file). Under load on a small VM those calls, not the queries, were most of a read: 29 µs of a
 * 5 µs query (docs/benchmarks.md). So the first hot-path read of a turn begins a transaction, the
 * reads of every request handled in that turn share it, and it ends when the turn does
 * (setImmediate) — and, before anyone learns of it, whenever this process commits a write, so a
 * request always reads what it wrote. Another process's commit is seen from the next turn on.
 *
 * Within one snapshot the same read gives the same rows, so each distinct read (statement and
 * values) runs once per snapshot and its rows, frozen, serve every request of the turn: under
 * load some thirty requests share a turn, and read the same reseller and prices.
 */
export class ReadSnapshots {
  private open = false;
  private readonly begin: BetterSqlite3.Statement;
  private readonly commit: BetterSqlite3.Statement;
  /** Rows read in this snapshot, by statement, then by values. */
  private reads = new Map<string, Map<unknown, unknown>>();
  private readCount = 0;

  constructor(private readonly connection: BetterSqlite3.Database) {
    this.begin = connection.prepare('begin');
    this.commit = connection.prepare('commit');
  }

  /**
   * Joins the open snapshot (or a transaction someone else runs), or begins one. True when the
   * snapshot is this object's own, so its reads may be shared.
   */
  join(): boolean {
    if (this.connection.inTransaction) return this.open;
    this.begin.run();
    this.open = true;
    setImmediate(this.end);
    return true;
  }

  /** The rows of a read in this snapshot: read once, then shared (frozen) until it ends. */
  shared<T>(sqlText: string, values: readonly unknown[], read: () => T): T {
    const only = values.length === 1 ? values[0] : undefined;
    const key = typeof only === 'string' || typeof only === 'number' ? only : JSON.stringify(values);
    let bySql = this.reads.get(sqlText);
    if (bySql?.has(key)) return bySql.get(key) as T;
    const rows = deepFreeze(read());
    if (this.readCount < MAX_SNAPSHOT_READS) {
      if (!bySql) this.reads.set(sqlText, (bySql = new Map()));
      bySql.set(key, rows);
      this.readCount++;
    }
    return rows;
  }

  /** Ends the snapshot this object began, if it is still open. */
  readonly end = (): void => {
    if (!this.open) return;
    this.open = false;
    if (this.readCount > 0) {
      this.reads = new Map();
      this.readCount = 0;
    }
    if (this.connection.inTransaction) this.commit.run();
  };
}

/** Rows (an array of objects) frozen, so that sharing them is safe. */
function deepFreeze<T>(rows: T): T {
  if (Array.isArray(rows)) rows.forEach((row) => Object.freeze(row));
  return Object.freeze(rows);
}

/**
 * SQLite: better-sqlite3 statements, prepared once per text and connection. With `snapshots`
 * (the read connection), reads join the turn's snapshot and share its rows.
 */
export class SqliteExecutor implements Executor {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(
    readonly connection: BetterSqlite3.Database,
    private readonly snapshots?: ReadSnapshots,
  ) {}

  /** A statement by its text, prepared on first use (begin, commit, savepoints too). */
  statement(text: string): BetterSqlite3.Statement {
    let stmt = this.statements.get(text);
    if (stmt === undefined) {
      stmt = this.connection.prepare(text);
      if (this.statements.size >= MAX_STATEMENTS) this.statements.delete(this.statements.keys().next().value!);
      this.statements.set(text, stmt);
    }
    return stmt;
  }

  all<R extends object, O>(query: PreparedQuery<R, O>, rows: readonly R[]): Promise<O[]> {
    const out: O[][] = [];
    for (const chunk of chunks(rows)) {
      const c = query.compile('sqlite', chunk.length);
      const stmt = this.statement(c.text);
      const values = query.values(c, chunk);
      if (!stmt.reader) {
        stmt.run(...values);
        continue;
      }
      const read = () => stmt.all(...values) as O[];
      // Only a plain read may be shared: a statement that writes and returns rows must run.
      const shareable = this.snapshots !== undefined && /^select /i.test(c.text);
      out.push(shareable && this.snapshots!.join() ? this.snapshots!.shared(c.text, values, read) : read());
    }
    return Promise.resolve(out.length === 1 ? out[0]! : out.flat());
  }

  run<R extends object, O>(query: PreparedQuery<R, O>, rows: readonly R[]): Promise<number> {
    let changes = 0;
    for (const chunk of chunks(rows)) {
      const c = query.compile('sqlite', chunk.length);
      changes += this.statement(c.text).run(...query.values(c, chunk)).changes;
    }
    return Promise.resolve(changes);
  }
}
