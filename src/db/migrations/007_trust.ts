// Trust at the boundary (issue 13):
// - `login_throttle`: failed password proofs per login name, for customers and API users alike,
//   known names and unknown ones (src/passwords/prover.ts). It replaces the two lockout columns
//   of `api_users`, whose state it takes over.
// - `idempotency_keys.error_code` and `.headers`: the stored answer's code and its own headers
//   (a page's), kept beside it rather than parsed back out of its body.
// - `redirect_origin_sightings`: origins of successURL/errorURL targets a reseller has not
//   registered, as seen (issue 16), for the console to offer to register.
import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../types.js';
import { types } from './index.js';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('login_throttle')
    // 'customer' or 'api-user': the two kinds of login never share a row.
    .addColumn('realm', 'text', (c) => c.notNull())
    .addColumn('login_name', 'text', (c) => c.notNull())
    // Failures in a row since the last success or the last lock.
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('login_throttle_pk', ['realm', 'login_name'])
    .execute();
  await db.schema.createIndex('login_throttle_updated').on('login_throttle').column('updated_at').execute();
  await sql`insert into login_throttle (realm, login_name, failures, locked_until, updated_at)
    select 'api-user', login_name, failed_logins, locked_until, coalesce(locked_until, password_changed_at)
    from api_users where failed_logins > 0 or locked_until is not null`.execute(db);
  await db.schema.alterTable('api_users').dropColumn('failed_logins').execute();
  await db.schema.alterTable('api_users').dropColumn('locked_until').execute();
  await db.schema.alterTable('idempotency_keys').addColumn('error_code', 'integer').execute();
  await db.schema.alterTable('idempotency_keys').addColumn('headers', 'text').execute();
  await backfillErrorCodes(db);
  await db.schema
    .createTable('redirect_origin_sightings')
    .addColumn('reseller_id', types(dialect).ref, (c) => c.notNull().references('resellers.id'))
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    // The newest order that named it: the console links to it, so the reseller can see who did.
    .addColumn('last_order_id', types(dialect).ref)
    .addPrimaryKeyConstraint('redirect_origin_sightings_pk', ['reseller_id', 'origin'])
    .execute();
}

/** Answers stored before this migration: their code read once from the body they begin with. */
async function backfillErrorCodes(db: Kysely<unknown>): Promise<void> {
  const rows = await sql<{ scope: string; idem_key: string; body: string }>`select scope, idem_key, body from idempotency_keys
    where state = 'done' and body is not null`.execute(db);
  for (const row of rows.rows) {
    const m = /^(?:errorCode=)?(-?[0-9]+)(?:&|\n|$)/.exec(row.body);
    const code = m ? Number(m[1]) : -14;
    await sql`update idempotency_keys set error_code = ${code} where scope = ${row.scope} and idem_key = ${row.idem_key}`.execute(db);
  }
}
