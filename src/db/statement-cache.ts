// Kysely's SQLite driver prepares every query afresh (`db.prepare(sql)` per execution); under
// load that compile step was the largest single cost of an order (docs/benchmarks.md). The SQL
// texts Kysely produces are few and stable, so the prepared statements are kept and reused.
// better-sqlite3 statements are reusable once a call returns, and Kysely runs one query at a
// time per connection (its mutex), so sharing one statement object is safe.
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Most statements kept per connection; texts vary only with the number of values in a list. */
export const MAX_CACHED_STATEMENTS = 500;

export function cachingDatabase(conn: BetterSqlite3.Database, max = MAX_CACHED_STATEMENTS): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    prepare(sqlText: string): SqliteStatement {
      let stmt = statements.get(sqlText);
      if (stmt === undefined) {
        stmt = conn.prepare(sqlText) as unknown as SqliteStatement;
        // A full cache starts over rather than tracking recency: the working set is small.
        if (statements.size >= max) statements.clear();
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
