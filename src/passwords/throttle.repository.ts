// Every query about `login_throttle` (src/passwords/throttle.table.ts): failed password proofs
// per login name, counted in the database so that every process of a fleet sees them.
import { sql } from 'kysely';
import { preparedQuery, type Executor } from '../db/prepared.js';
import type { Db } from '../db/types.js';
import type { LoginRealm } from './throttle.table.js';

export interface ThrottleState {
  readonly failures: number;
  readonly lockedUntil: string | null;
}

export async function throttleOf(db: Db, realm: LoginRealm, loginName: string): Promise<ThrottleState | undefined> {
  const row = await throttleOfQuery(db, realm, loginName).executeTakeFirst();
  return row && { failures: row.failures, lockedUntil: row.locked_until };
}

/**
 * Counts one failure; the failure that reaches `threshold` locks the name until `lockedUntil`
 * and starts the count again. One upsert, so concurrent failures all count (on PostgreSQL the
 * conflicting row is updated under its lock; SQLite writes one transaction at a time).
 */
export async function recordFailure(tx: Db, realm: LoginRealm, loginName: string, threshold: number, lockedUntil: string, at: string): Promise<void> {
  const row = await tx
    .insertInto('login_throttle')
    .values({ realm, login_name: loginName, failures: 1, locked_until: null, updated_at: at })
    .onConflict((oc) =>
      oc.columns(['realm', 'login_name']).doUpdateSet((eb) => ({ failures: eb('login_throttle.failures', '+', 1), updated_at: at })),
    )
    .returning('failures')
    .executeTakeFirstOrThrow();
  if (row.failures >= threshold) {
    await tx
      .updateTable('login_throttle')
      .set({ failures: 0, locked_until: lockedUntil })
      .where('realm', '=', realm)
      .where('login_name', '=', loginName)
      .execute();
  }
}

/** A proven password ends the count (and any lock the operator lifts: `api-user unlock`). */
export async function clearThrottle(on: Executor | Db, realm: LoginRealm, loginName: string): Promise<boolean> {
  return (await CLEAR_THROTTLE.count(on, [{ realm, login_name: loginName }])) > 0;
}

const CLEAR_THROTTLE = preparedQuery<{ realm: LoginRealm; login_name: string }, never>('clear login throttle', ['realm', 'login_name'], (db, r) =>
  db.deleteFrom('login_throttle').where('realm', '=', r.realm).where('login_name', '=', r.login_name),
);

/** Rows untouched since `before` whose lock (if any) has ended: they hold nothing any more. */
function staleThrottle(db: Db, before: string) {
  return db
    .selectFrom('login_throttle')
    .where('updated_at', '<', before)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', before)]));
}

/** At most `limit` of them (`login_throttle_updated`): one batch of the retention purge. */
export function purgeThrottleQuery(tx: Db, before: string, limit: number) {
  const batch = staleThrottle(tx, before).select(['realm', 'login_name']).orderBy('updated_at').limit(limit);
  return tx.deleteFrom('login_throttle').where('updated_at', '<', before).where(sql<boolean>`(realm, login_name) in (${batch})`);
}

export async function purgeThrottle(tx: Db, before: string, limit: number): Promise<number> {
  return Number((await purgeThrottleQuery(tx, before, limit).executeTakeFirst()).numDeletedRows);
}

export function countStaleThrottleQuery(db: Db, before: string) {
  return staleThrottle(db, before).select((eb) => eb.fn.countAll<number>().as('n'));
}

export function throttleOfQuery(db: Db, realm: LoginRealm, loginName: string) {
  return db.selectFrom('login_throttle').select(['failures', 'locked_until']).where('realm', '=', realm).where('login_name', '=', loginName);
}
