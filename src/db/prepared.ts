// Queries written once with Kysely, compiled once per dialect (and per row count), and run as
// prepared statements: better-sqlite3's prepared statements on SQLite, named statements on
// PostgreSQL (decision 13 in docs/decisions.md).
//
// Building and compiling a Kysely query costs some 20 µs; the hot path's statements are few and
// their SQL never changes, only their values. So a hot query is a builder run once, with marks
// in place of values: the compiled text is kept, and where each mark landed among the
// parameters says which value goes where. Running it binds the values and sends the text, which
// the database has parsed and planned already (on PostgreSQL, once per connection).
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  CompiledQuery,
  type Compilable,
  type DatabaseIntrospector,
  type DialectAdapter,
  type QueryCompiler,
} from 'kysely';
import type pg from 'pg';
import type { Database } from './database.js';
import type { Db, Dialect } from './types.js';

/**
 * The row counts a multi-row statement is compiled for, each about 1.5 times the one before:
 * more rows go as several statements (chunks). A handful of texts per query keeps compiling
 * and PostgreSQL's prepared statements per connection bounded (a batch of 37 orders writes
 * them as 32 + 4 + 1, in the same transaction).
 */
const ROW_COUNTS = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256] as const;

/** The largest row count a statement is compiled for that is at most `n` (n ≥ 1). */
function batchSizeFor(n: number): number {
  let size: number = ROW_COUNTS[0];
  for (const count of ROW_COUNTS) if (count <= n) size = count;
  return size;
}
const MARK = '\u0000placeorder:';

/** Where a compiled parameter's value comes from: a row's field, or a constant of the builder. */
type Slot = { row: number; key: string } | { constant: unknown };

export interface Compiled {
  readonly text: string;
  /** The statement's name on PostgreSQL: the same text always gets the same name. */
  readonly name: string;
  readonly slots: readonly Slot[];
}

/** A Kysely instance that only compiles (no connection), from a dialect's own parts. */
function compilerOf(
  Adapter: new () => DialectAdapter,
  Introspector: new (db: Kysely<unknown>) => DatabaseIntrospector,
  Compiler: new () => QueryCompiler,
): Db {
  return new Kysely<Database>({
    dialect: {
      createAdapter: () => new Adapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new Introspector(db),
      createQueryCompiler: () => new Compiler(),
    },
  });
}

const compilers: Record<Dialect, Db> = {
  sqlite: compilerOf(SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler),
  postgres: compilerOf(PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler),
};

/** Rows whose every field is a mark: field `key` of row `row` holds MARK + "row:key". */
function markedRows<R>(count: number, keys: readonly string[]): R[] {
  return Array.from({ length: count }, (_, row) => Object.fromEntries(keys.map((key) => [key, `${MARK}${row}:${key}`])) as R);
}

function slotOf(parameter: unknown): Slot {
  if (typeof parameter !== 'string' || !parameter.startsWith(MARK)) return { constant: parameter };
  const rest = parameter.slice(MARK.length);
  const colon = rest.indexOf(':');
  return { row: Number(rest.slice(0, colon)), key: rest.slice(colon + 1) };
}

/** FNV-1a of the text, as a statement name: PostgreSQL keeps one plan per name and connection. */
function nameOf(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return `po_${(h >>> 0).toString(36)}_${text.length.toString(36)}`;
}

/**
 * A query over rows of values `R` (one row for a plain query, several for a multi-row insert),
 * returning rows `O`. `build` gets rows whose fields are marks and must use each field it
 * needs as a value (never to choose the query's shape: the shape is compiled once).
 */
export class PreparedQuery<R extends object, O> {
  private readonly compiled: Record<Dialect, Map<number, Compiled>> = { sqlite: new Map(), postgres: new Map() };

  constructor(
    readonly label: string,
    /** The fields of a row of values, each of which the builder must use as a value. */
    private readonly keys: ReadonlyArray<keyof R & string>,
    private readonly build: (db: Db, rows: readonly R[]) => Compilable<O>,
  ) {}

  /** The compiled form for this dialect and row count, compiled on first use. */
  compile(dialect: Dialect, rowCount: number): Compiled {
    if (!(ROW_COUNTS as readonly number[]).includes(rowCount)) throw new Error(`${this.label}: ${rowCount} rows at once (chunks() sizes them)`);
    const byCount = this.compiled[dialect];
    let c = byCount.get(rowCount);
    if (!c) {
      const query = this.build(compilers[dialect], markedRows<R>(rowCount, this.keys)).compile();
      if (query.parameters.some((p) => typeof p === 'string' && p.startsWith(MARK)) !== this.keys.length > 0) {
        throw new Error(`${this.label}: its builder must use its row's fields as values`);
      }
      c = { text: query.sql, name: nameOf(query.sql), slots: query.parameters.map(slotOf) };
      byCount.set(rowCount, c);
    }
    return c;
  }

  /** The values to bind, in the compiled order. */
  values(c: Compiled, rows: readonly R[]): unknown[] {
    return c.slots.map((s) => ('constant' in s ? s.constant : (rows[s.row] as Record<string, unknown>)[s.key]));
  }

  /** The statement as sent for these rows of values (to explain its plan). */
  compiledFor(dialect: Dialect, rows: readonly R[]): CompiledQuery {
    const c = this.compile(dialect, rows.length);
    return CompiledQuery.raw(c.text, this.values(c, rows));
  }

  /** Its rows for these rows of values, on an executor or a Kysely handle (executorOf). */
  all(on: Executor | Db, rows: readonly R[]): Promise<O[]> {
    return executorOf(on).all(this, rows);
  }

  /** Runs it; how many rows it changed. */
  count(on: Executor | Db, rows: readonly R[]): Promise<number> {
    return executorOf(on).run(this, rows);
  }
}

/** A query over one row of values (`keys` names its fields). */
export function preparedQuery<R extends object, O>(
  label: string,
  keys: ReadonlyArray<keyof R & string>,
  build: (db: Db, row: R) => Compilable<O>,
): PreparedQuery<R, O> {
  return new PreparedQuery<R, O>(label, keys, (db, rows) => build(db, rows[0]!));
}

/** A query over many rows (a multi-row insert, a lookup of many ids), compiled per row count. */
export function preparedRowsQuery<R extends object, O>(
  label: string,
  keys: ReadonlyArray<keyof R & string>,
  build: (db: Db, rows: readonly R[]) => Compilable<O>,
): PreparedQuery<R, O> {
  return new PreparedQuery<R, O>(label, keys, build);
}

/**
 * Runs prepared queries on one connection, inside the transaction its owner began. The batch
 * writer (src/orders/order-batch.ts) is written against this, once for both dialects.
 */
export interface Executor {
  readonly dialect: Dialect;
  /** Rows of the query for these rows of values (none: an empty result, no statement sent). */
  all<R extends object, O>(query: PreparedQuery<R, O>, rows: readonly R[]): Promise<O[]>;
  /** Runs it and returns how many rows it changed. */
  run<R extends object, O>(query: PreparedQuery<R, O>, rows: readonly R[]): Promise<number>;
}

/** Splits rows into runs whose lengths are row counts statements are compiled for, longest first. */
export function chunks<R>(rows: readonly R[]): R[][] {
  const out: R[][] = [];
  for (let at = 0; at < rows.length; ) {
    const size = batchSizeFor(rows.length - at);
    out.push(rows.slice(at, at + size));
    at += size;
  }
  return out;
}


/** PostgreSQL: named statements on a client checked out of the pool. */
export class PostgresExecutor implements Executor {
  readonly dialect = 'postgres' as const;

  constructor(private readonly client: pg.ClientBase) {}

  async all<R extends object, O>(query: PreparedQuery<R, O>, rows: readonly R[]): Promise<O[]> {
    const out: O[] = [];
    for (const chunk of chunks(rows)) out.push(...(await this.send(query, chunk)).rows);
    return out;
  }

  async run<R extends object, O>(query: PreparedQuery<R, O>, rows: readonly R[]): Promise<number> {
    let changes = 0;
    for (const chunk of chunks(rows)) changes += (await this.send(query, chunk)).rowCount ?? 0;
    return changes;
  }

  private send<R extends object, O>(query: PreparedQuery<R, O>, rows: readonly R[]): Promise<pg.QueryResult<O & pg.QueryResultRow>> {
    const c = query.compile('postgres', rows.length);
    return this.client.query<O & pg.QueryResultRow>({ name: c.name, text: c.text, values: query.values(c, rows) });
  }
}

/** Executors of the store's own handles (SQLite's read handle, a SQLite write unit's handle). */
const executors = new WeakMap<object, Executor>();

export function registerExecutor(db: object, executor: Executor): void {
  executors.set(db, executor);
}

/** The dialect of a Kysely handle, by its adapter (a transaction shares its database's). */
export function dialectOfHandle(db: Db): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/**
 * A Kysely handle (a PostgreSQL transaction, a handle the store registered no executor for) as
 * an executor: each statement's compiled text through the handle's own connection.
 */
class KyselyExecutor implements Executor {
  readonly dialect: Dialect;

  constructor(private readonly db: Db) {
    this.dialect = dialectOfHandle(db);
  }

  async all<R extends object, O>(query: PreparedQuery<R, O>, rows: readonly R[]): Promise<O[]> {
    return (await this.results(query, rows)).flatMap((r) => r.rows as O[]);
  }

  async run<R extends object, O>(query: PreparedQuery<R, O>, rows: readonly R[]): Promise<number> {
    return (await this.results(query, rows)).reduce((sum, r) => sum + Number(r.numAffectedRows ?? 0), 0);
  }

  private async results<R extends object, O>(query: PreparedQuery<R, O>, rows: readonly R[]) {
    const out = [];
    for (const chunk of chunks(rows)) {
      const c = query.compile(this.dialect, chunk.length);
      out.push(await this.db.executeQuery(CompiledQuery.raw(c.text, query.values(c, chunk))));
    }
    return out;
  }
}

/**
 * The executor of a handle: the one the store registered (SQLite's read and write connections),
 * else the handle itself through Kysely. Either way the query was compiled once.
 */
function executorOf(on: Executor | Db): Executor {
  return on instanceof Kysely ? (executors.get(on) ?? new KyselyExecutor(on)) : on;
}
