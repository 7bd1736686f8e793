// The queries of API-user sign-in: the user with its reseller, and the failure counter that
// drives lockout. (The api_users table belongs to resellers/; these are the reseller API's own
// questions of it.)
import type { Selectable } from 'kysely';
import type { Db } from '../db/store.js';
import type { ApiUsersTable, ResellersTable } from '../resellers/resellers.table.js';

/** An API user with its reseller's brand and suspension, as `findApiUser` selects them. */
export type ApiUserRow = Pick<
  Selectable<ApiUsersTable>,
  'id' | 'reseller_id' | 'login_name' | 'password_hash' | 'ip_allow' | 'failed_logins' | 'locked_until' | 'password_changed_at'
> &
  Pick<Selectable<ResellersTable>, 'suspended' | 'ap'>;

export async function findApiUser(db: Db, loginName: string): Promise<ApiUserRow | undefined> {
  return db
    .selectFrom('api_users')
    .innerJoin('resellers', 'resellers.id', 'api_users.reseller_id')
    .select([
      'api_users.id',
      'api_users.reseller_id',
      'api_users.login_name',
      'api_users.password_hash',
      'api_users.ip_allow',
      'api_users.failed_logins',
      'api_users.locked_until',
      'api_users.password_changed_at',
      'resellers.suspended',
      'resellers.ap',
    ])
    .where('api_users.login_name', '=', loginName)
    .executeTakeFirst();
}

/**
 * Counts one failed sign-in; the failure that reaches `threshold` locks the user until
 * `lockedUntil` and starts the count again. One statement each, so concurrent failures all count.
 */
export async function recordFailedLogin(tx: Db, id: number, threshold: number, lockedUntil: string): Promise<void> {
  const row = await tx
    .updateTable('api_users')
    .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
    .where('id', '=', id)
    .returning('failed_logins')
    .executeTakeFirst();
  if (row && row.failed_logins >= threshold) {
    await tx.updateTable('api_users').set({ failed_logins: 0, locked_until: lockedUntil }).where('id', '=', id).execute();
  }
}

export async function clearFailedLogins(tx: Db, id: number): Promise<void> {
  await tx.updateTable('api_users').set({ failed_logins: 0 }).where('id', '=', id).where('failed_logins', '>', 0).execute();
}

/** The operator sets a new password: the clock of password expiry restarts, any lock ends. */
export async function setApiUserPassword(tx: Db, loginName: string, passwordHash: string, at: string): Promise<boolean> {
  const r = await tx
    .updateTable('api_users')
    .set({ password_hash: passwordHash, password_changed_at: at, failed_logins: 0, locked_until: null })
    .where('login_name', '=', loginName)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** The operator lifts a lockout before it ends by itself. */
export async function unlockApiUser(tx: Db, loginName: string): Promise<boolean> {
  const r = await tx.updateTable('api_users').set({ failed_logins: 0, locked_until: null }).where('login_name', '=', loginName).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
