// The storage seam. `db` serves reads; `write` runs a unit of work in a durable transaction;
// `writePortable` runs a portable unit (plain data in and out, portable-unit.ts) with the others
// that arrive together, through its batch form: group commit on both dialects.
// - SQLite (sqlite-store.ts): units share one transaction and so one fsync, each in its own
//   savepoint when they run one by one; under `serve` portable units commit on a writer thread.
// - PostgreSQL (postgres-store.ts): the portable units of an event-loop turn commit in one
//   transaction of a few multi-row statements; everything else is its own transaction, retried
//   on serialization failures and deadlocks.
// docs/decisions.md, 1–3, 8 and 13, says why.
import { Migrator, sql } from 'kysely';
import { KNOWN_MIGRATIONS, migrationProvider } from './migrations/index.js';
import { openPostgres } from './postgres-store.js';
import { openSqlite } from './sqlite-store.js';
import type { Db, Dialect, Store, StoreOptions } from './types.js';

export type { Db, Dialect, Store, StoreOptions, Unit } from './types.js';

export function dialectOf(location: string): Dialect {
  return /^postgres(ql)?:\/\//i.test(location) ? 'postgres' : 'sqlite';
}

export async function openStore(location: string, options: StoreOptions = {}): Promise<Store> {
  return dialectOf(location) === 'postgres' ? openPostgres(location, options) : openSqlite(location, options);
}

export interface SchemaState {
  applied: string[];
  pending: string[];
  unknown: string[];
}

export async function schemaState(store: Store): Promise<SchemaState> {
  let applied: string[] = [];
  try {
    const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db);
    applied = rows.rows.map((r) => r.name);
  } catch (error) {
    // Only a missing table means "never migrated". Anything else (the database unreachable, no
    // permission) must not be mistaken for a fresh database that `serve` would then migrate.
    if (!isMissingTable(error)) throw error;
  }
  return {
    applied,
    pending: KNOWN_MIGRATIONS.filter((m) => !applied.includes(m)),
    unknown: applied.filter((m) => !KNOWN_MIGRATIONS.includes(m)),
  };
}

function isMissingTable(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e.code === '42P01' || /no such table/i.test(e.message ?? '');
}

/** How long one migration run may take on PostgreSQL, waiting for another process's included. */
const MIGRATION_TIMEOUT_MS = 3_600_000;

/**
 * Brings the schema up to date. Safe when several processes run it at the same moment:
 * - PostgreSQL: Kysely's Migrator holds an advisory lock and applies every pending migration in
 *   one transaction, so the others wait, then find nothing left to do. The session's statement
 *   timeout (meant for requests) is lifted to MIGRATION_TIMEOUT_MS for the run, so that neither
 *   a long migration nor the wait for another process's run is cancelled half-way.
 * - SQLite: Kysely takes no lock there (it assumes one connection), so the whole run goes through
 *   the write path, inside `begin immediate`: the file's write lock serializes processes and a
 *   failed run leaves no half-applied migration behind.
 */
export async function migrate(store: Store): Promise<string[]> {
  const run = async (db: Db) => {
    const migrator = new Migrator({ db, provider: migrationProvider(store.dialect) });
    const { error, results } = await migrator.migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(String(error));
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  };
  if (store.dialect === 'sqlite') return store.write(run);
  return store.db.connection().execute(async (conn) => {
    await sql`select set_config('statement_timeout', ${String(MIGRATION_TIMEOUT_MS)}, false)`.execute(conn);
    try {
      return await run(conn);
    } finally {
      await sql`reset statement_timeout`.execute(conn).catch(() => {});
    }
  });
}

/**
 * Makes sure the schema is the one this build knows. A fresh database is migrated; an older
 * or newer one is refused with a message that says what to do.
 */
export async function ensureSchema(store: Store): Promise<void> {
  const state = await schemaState(store);
  if (state.unknown.length > 0) {
    throw new SchemaError(
      `the database schema is newer than this placeorder (unknown migrations: ${state.unknown.join(', ')}); run a newer placeorder`,
    );
  }
  if (state.applied.length === 0) {
    await migrate(store);
    return;
  }
  if (state.pending.length > 0) {
    throw new SchemaError(
      `the database schema is older than this placeorder (pending: ${state.pending.join(', ')}); run \`placeorder migrate\` first`,
    );
  }
}

export class SchemaError extends Error {
  override name = 'SchemaError';
}
