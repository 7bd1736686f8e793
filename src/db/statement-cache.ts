// Kysely's SQLite driver prepares every query afresh (`db.prepare(sql)` per execution); under
// load that compile step was the largest single cost of an order (docs/benchmarks.md). The SQL
// texts Kysely produces are few and stable, so the prepared statements are kept and reused.
// better-sqlite3 statements are reusable once a call returns, and Kysely runs one query at a
// time per connection (its mutex), so sharing one statement object is safe.
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Most statements kept per connection; the hot set (one order's queries) is a few dozen. */
export const MAX_CACHED_STATEMENTS = 500;

export function cachingDatabase(
  conn: BetterSqlite3.Database,
  { max = MAX_CACHED_STATEMENTS, beforeBegin }: { max?: number; beforeBegin?: () => void } = {},
): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    prepare(sqlText: string): SqliteStatement {
      // A transaction Kysely begins on this connection first ends a read snapshot of the
      // hot path (raw-sqlite.ts), which would otherwise make its `begin` fail.
      if (beforeBegin && sqlText === 'begin') beforeBegin();
      let stmt = statements.get(sqlText);
      if (stmt === undefined) {
        stmt = conn.prepare(sqlText) as unknown as SqliteStatement;
        // The oldest entry goes first (a Map iterates in insertion order). A query whose SQL
        // differs every time (values inlined as literals) then costs a hot statement one
        // re-prepare per `max` such queries, and a hit costs a lookup only.
        if (statements.size >= max) statements.delete(statements.keys().next().value!);
        statements.set(sqlText, stmt);
      }
      return stmt;
    },
    close(): void {
      statements.clear();
      conn.close();
    },
  };
}
