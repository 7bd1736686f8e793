// The hot path's way to SQLite: prepared better-sqlite3 statements, run directly.
//
// Kysely costs about 20 µs per statement over a prepared statement called directly (building
// the operation tree, compiling it, its executor and connection mutex); an order runs a dozen
// statements, so on SQLite that was a quarter of the server's time (docs/benchmarks.md). The
// few queries of a placed order therefore also exist as plain SQL in their repositories, used
// when the handle they are given is a SQLite one; every other query, and PostgreSQL, keep
// Kysely. Both forms are exercised by the same tests, which run on both dialects.
import type BetterSqlite3 from 'better-sqlite3';

/** Most statements prepared per connection; the hot set is a dozen. */
const MAX_STATEMENTS = 64;

export type SqlValue = string | number | bigint | null | Buffer;
/** Positional values, or one object whose keys name the `@name` parameters. */
type Params = SqlValue[] | [Readonly<Record<string, SqlValue>>];

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
 * parameters) runs once per snapshot and its rows, frozen, serve every request of the turn:
 * under load some thirty requests share a turn, and read the same reseller and prices.
 */
export class ReadSnapshots {
  private open = false;
  private readonly begin: BetterSqlite3.Statement;
  private readonly commit: BetterSqlite3.Statement;
  /** Rows read in this snapshot, by statement, then by parameters. */
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
  shared<T>(sqlText: string, params: Params, read: () => T): T {
    // The statement texts are constants (their hashes are cached): a map per statement, then
    // the parameter itself when there is one plain value.
    const only = params.length === 1 ? params[0] : undefined;
    const key = typeof only === 'string' || typeof only === 'number' ? only : JSON.stringify(params);
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

/** Rows (an object, or an array of objects) frozen, so that sharing them is safe. */
function deepFreeze<T>(rows: T): T {
  if (Array.isArray(rows)) rows.forEach((row) => Object.freeze(row));
  return Object.freeze(rows);
}

export class RawSqlite {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(
    readonly connection: BetterSqlite3.Database,
    private readonly snapshots?: ReadSnapshots,
  ) {}

  private statement(sqlText: string): BetterSqlite3.Statement {
    let stmt = this.statements.get(sqlText);
    if (stmt === undefined) {
      stmt = this.connection.prepare(sqlText);
      if (this.statements.size >= MAX_STATEMENTS) this.statements.delete(this.statements.keys().next().value!);
      this.statements.set(sqlText, stmt);
    }
    return stmt;
  }

  get<T>(sqlText: string, ...params: Params): T | undefined {
    const read = () => this.statement(sqlText).get(...params) as T | undefined;
    return this.snapshots?.join() ? this.snapshots.shared(sqlText, params, read) : read();
  }

  all<T>(sqlText: string, ...params: Params): T[] {
    const read = () => this.statement(sqlText).all(...params) as T[];
    return this.snapshots?.join() ? this.snapshots.shared(sqlText, params, read) : read();
  }

  run(sqlText: string, ...params: Params): BetterSqlite3.RunResult {
    return this.statement(sqlText).run(...params);
  }

  /**
   * Inserts rows (each its values in column order) with multi-row statements, and returns the
   * new rows' ids in the order of `rows`. Statements of MANY_ROWS, then FEW_ROWS, then one row
   * keep the prepared set small whatever the count. A statement's new rows take consecutive
   * ids, the last one its `lastInsertRowid`: a table with an integer primary key gives each new
   * row one more than the largest id so far (or than its AUTOINCREMENT counter), row by row.
   */
  insertMany(table: string, columns: readonly string[], rows: readonly SqlValue[][]): number[] {
    const ids: number[] = [];
    for (let at = 0; at < rows.length; ) {
      const size = rows.length - at >= MANY_ROWS ? MANY_ROWS : rows.length - at >= FEW_ROWS ? FEW_ROWS : 1;
      const chunk = rows.slice(at, at + size);
      const done = this.run(multiRowSql(table, columns, size), ...chunk.flat());
      if (done.changes !== size) throw new Error(`insert into ${table}: ${done.changes} rows written of ${size}`);
      const last = Number(done.lastInsertRowid);
      for (let k = size - 1; k >= 0; k--) ids.push(last - k);
      at += size;
    }
    return ids;
  }
}

/** The text of insertSql, built once per table, column list and row count. */
const multiRowTexts = new WeakMap<readonly string[], Map<string, string>>();
function multiRowSql(table: string, columns: readonly string[], rows: number): string {
  let byKey = multiRowTexts.get(columns);
  if (!byKey) multiRowTexts.set(columns, (byKey = new Map()));
  const key = `${table} ${rows}`;
  let text = byKey.get(key);
  if (text === undefined) byKey.set(key, (text = insertSql(table, columns, rows)));
  return text;
}

/** Rows per multi-row insert statement (insertMany). */
const MANY_ROWS = 16;
const FEW_ROWS = 4;

/** The SQLite connection behind a Kysely handle, for the handles the store registered. */
const registry = new WeakMap<object, RawSqlite>();

/**
 * The raw connection behind `db` when it is a SQLite handle of the store (its read handle, or
 * the transaction handle a write unit is given); undefined on PostgreSQL.
 */
export function rawSqlite(db: object): RawSqlite | undefined {
  return registry.get(db);
}

export function registerRawSqlite(db: object, raw: RawSqlite): void {
  registry.set(db, raw);
}

/**
 * `insert into table (a, b) values (?, ?)` (`rows` of them): the statement for a row object whose keys are the
 * columns (the same object Kysely's `.values()` takes on the other path), bound in column order
 * by `columnValues`. Positional parameters, not `@name` ones: better-sqlite3 binds a named
 * parameter by looking the name up on the object, which for a fifteen-column row cost more
 * than twice the positional binding (docs/benchmarks.md).
 */
export function insertSql(table: string, columns: readonly string[], rows = 1): string {
  const row = `(${columns.map(() => '?').join(', ')})`;
  return `insert into ${table} (${columns.join(', ')}) values ${Array.from({ length: rows }, () => row).join(', ')}`;
}

/** The row's values in the order of `columns`, for a statement made by insertSql. */
export function columnValues<C extends string>(row: Readonly<Record<C, SqlValue>>, columns: readonly C[]): SqlValue[] {
  return columns.map((c) => row[c]);
}
