// Where the scale seed's rows go: multi-row statements in large transactions, straight on the
// driver (no Kysely, no group commit), with the durability a bulk load does not need turned
// off for the load's own connection only. The server's connections keep theirs.
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { Dialect } from '../db/store.js';

export type Cell = string | number | null;
/** A column and how PostgreSQL's unnest must type its array (`int` is bigint, `text` text). */
export type ColumnKind = 'int' | 'text';
export type TableSpec = Readonly<Record<string, ColumnKind>>;

export interface Sink {
  readonly dialect: Dialect;
  insert(table: string, spec: TableSpec, rows: readonly Cell[][]): Promise<void>;
  /** Any statement (set-up and finishing work). */
  exec(sqlText: string): Promise<void>;
  close(): Promise<void>;
}

/** Most parameters SQLite takes in one statement is 32766; rows per statement stay below it. */
const SQLITE_MAX_PARAMS = 32_000;

export function sqliteSink(path: string): Sink {
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  // A seed that dies half-way is thrown away and run again: no fsync, no foreign-key lookups.
  db.pragma('synchronous = OFF');
  db.pragma('foreign_keys = OFF');
  db.pragma('cache_size = -262144');
  db.pragma('temp_store = MEMORY');
  const statements = new Map<string, BetterSqlite3.Statement>();
  const statement = (table: string, columns: readonly string[], rows: number) => {
    const key = `${table}:${rows}`;
    let s = statements.get(key);
    if (!s) {
      const one = `(${columns.map(() => '?').join(', ')})`;
      s = db.prepare(`insert into ${table} (${columns.join(', ')}) values ${Array.from({ length: rows }, () => one).join(', ')}`);
      statements.set(key, s);
    }
    return s;
  };
  const insertAll = db.transaction((table: string, columns: readonly string[], rows: readonly Cell[][]) => {
    const per = Math.max(1, Math.min(500, Math.floor(SQLITE_MAX_PARAMS / columns.length)));
    for (let at = 0; at < rows.length; at += per) {
      const chunk = rows.slice(at, at + per);
      statement(table, columns, chunk.length).run(chunk.flat());
    }
  });
  return {
    dialect: 'sqlite',
    insert: async (table, spec, rows) => void (rows.length > 0 && insertAll(table, Object.keys(spec), rows)),
    exec: async (sqlText) => void db.exec(sqlText),
    close: async () => void db.close(),
  };
}

export async function postgresSink(url: string): Promise<Sink> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // A bulk load: the commit need not wait for the WAL flush (a failed seed is run again).
  await client.query('set synchronous_commit = off');
  await client.query('set statement_timeout = 0');
  // Foreign keys are checked by triggers, one per row; the seed writes parents first and knows
  // its own ids, so a superuser's load skips them. Without the right, they simply run.
  await client.query('set session_replication_role = replica').catch(() => undefined);
  return {
    dialect: 'postgres',
    async insert(table, spec, rows) {
      if (rows.length === 0) return;
      const columns = Object.keys(spec);
      const arrays = columns.map((_, k) => rows.map((r) => r[k] ?? null));
      const casts = columns.map((c, k) => `$${k + 1}::${spec[c] === 'int' ? 'bigint' : 'text'}[]`);
      await client.query(`insert into ${table} (${columns.join(', ')}) select * from unnest(${casts.join(', ')})`, arrays);
    },
    exec: async (sqlText) => void (await client.query(sqlText)),
    close: () => client.end(),
  };
}

/**
 * Rows collected per table and written in batches, parents before children (the order of
 * `specs`), so that every batch of a child finds its parents written.
 */
export class Tables {
  private readonly buffers = new Map<string, Cell[][]>();
  private pending = 0;
  private readonly columns = new Map<string, string[]>();
  readonly counts = new Map<string, number>();

  constructor(
    private readonly sink: Sink,
    private readonly specs: ReadonlyMap<string, TableSpec>,
    private readonly batchRows = 20_000,
  ) {
    for (const [table, spec] of specs) {
      this.buffers.set(table, []);
      this.columns.set(table, Object.keys(spec));
    }
  }

  /** One row, by column name; the first row of each table is checked against its spec. */
  add(table: string, row: Readonly<Record<string, Cell>>): void {
    const buffer = this.buffers.get(table);
    const columns = this.columns.get(table);
    if (!buffer || !columns) throw new Error(`seed: no table spec for ${table}`);
    if (!this.counts.has(table) && buffer.length === 0) {
      const keys = Object.keys(row);
      if (keys.length !== columns.length || keys.some((k) => !columns.includes(k))) {
        throw new Error(`seed: a ${table} row has columns ${keys.join(',')}, the spec ${columns.join(',')}`);
      }
    }
    buffer.push(columns.map((c) => row[c] ?? null));
    this.pending++;
  }

  /** Writes everything collected once enough has been (or always, with `force`). */
  async flush(force = false): Promise<void> {
    if (!force && this.pending < this.batchRows) return;
    for (const [table, spec] of this.specs) {
      const rows = this.buffers.get(table)!;
      if (rows.length === 0) continue;
      await this.sink.insert(table, spec, rows);
      this.counts.set(table, (this.counts.get(table) ?? 0) + rows.length);
      this.buffers.set(table, []);
    }
    this.pending = 0;
  }
}
