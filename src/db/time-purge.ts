// A side table whose rows end at one time column (indexed) and have a one-column key: the
// retention purge (src/maintenance/purge.ts) deletes its rows past a cutoff in bounded batches,
// oldest first, and a dry run counts them. The room that owns the table names its columns
// (`timePurge('web_sessions', 'token_hash', 'expires_at')`); the queries are written once here.
import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import type { Db } from './types.js';

/** The table seen with its columns as plain names: the queries are the same for every table. */
type Untyped = Kysely<Record<string, Record<string, string>>>;

export function timePurge<T extends keyof Database & string>(table: T, key: keyof Database[T] & string, time: keyof Database[T] & string) {
  const name: string = table;
  const k: string = key;
  const t: string = time;
  const untyped = (db: Db) => db as unknown as Untyped;
  /** At most `limit` rows whose time is before `before`, oldest first (plans: test/scale). */
  const deleteQuery = (tx: Db, before: string, limit: number) => {
    const batch = untyped(tx).selectFrom(name).select(k).where(t, '<', before).orderBy(t).limit(limit);
    // The time condition twice: the outer one lets PostgreSQL find the rows to delete in the index too.
    return untyped(tx).deleteFrom(name).where(t, '<', before).where(k, 'in', batch);
  };
  return {
    deleteQuery,
    async delete(tx: Db, before: string, limit: number): Promise<number> {
      return Number((await deleteQuery(tx, before, limit).executeTakeFirst()).numDeletedRows);
    },
    countQuery: (db: Db, before: string) =>
      untyped(db)
        .selectFrom(name)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where(t, '<', before),
  };
}
