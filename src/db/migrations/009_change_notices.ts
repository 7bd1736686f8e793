// Change notices (issue 14): PostgreSQL processes keep the resellers and prices they read
// (src/db/read-cache.ts), so every change to those tables, by whoever makes it, notifies the
// listeners on channel `placeorder_changes` in the writing transaction (delivered at its
// commit). One notice per statement, not per row. SQLite keeps nothing and needs none.
import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../types.js';

/** The tables whose rows processes keep between requests. */
export const NOTIFYING_TABLES = ['resellers', 'reseller_redirect_origins', 'price_overrides'] as const;

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect !== 'postgres') return;
  await sql`create function placeorder_notify_change() returns trigger language plpgsql as $$
    begin
      perform pg_notify('placeorder_changes', tg_table_name);
      return null;
    end $$`.execute(db);
  for (const table of NOTIFYING_TABLES) {
    await sql`create trigger ${sql.id(`${table}_notify_change`)} after insert or update or delete or truncate on ${sql.table(table)}
      for each statement execute function placeorder_notify_change()`.execute(db);
  }
}
