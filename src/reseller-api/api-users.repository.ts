// The queries of API-user sign-in: the user with its reseller, and a new password. (The
// api_users table belongs to resellers/; these are the reseller API's own questions of it. The
// failures that lock a user are counted by src/passwords/, per login name.)
import type { Selectable } from 'kysely';
import type { Db } from '../db/store.js';
import type { ApiUsersTable, ResellersTable } from '../resellers/resellers.table.js';

/** An API user with its reseller's brand and suspension, as `findApiUser` selects them. */
export type ApiUserRow = Pick<Selectable<ApiUsersTable>, 'id' | 'reseller_id' | 'login_name' | 'password_hash' | 'ip_allow' | 'password_changed_at'> &
  Pick<Selectable<ResellersTable>, 'suspended' | 'ap'>;

export async function findApiUser(db: Db, loginName: string): Promise<ApiUserRow | undefined> {
  return findApiUserQuery(db, loginName).executeTakeFirst();
}

export function findApiUserQuery(db: Db, loginName: string) {
  return db
    .selectFrom('api_users')
    .innerJoin('resellers', 'resellers.id', 'api_users.reseller_id')
    .select([
      'api_users.id',
      'api_users.reseller_id',
      'api_users.login_name',
      'api_users.password_hash',
      'api_users.ip_allow',
      'api_users.password_changed_at',
      'resellers.suspended',
      'resellers.ap',
    ])
    .where('api_users.login_name', '=', loginName);
}

/** The operator sets a new password: the clock of password expiry restarts (the caller ends any lock). */
export async function setApiUserPassword(tx: Db, loginName: string, passwordHash: string, at: string): Promise<boolean> {
  const r = await tx
    .updateTable('api_users')
    .set({ password_hash: passwordHash, password_changed_at: at })
    .where('login_name', '=', loginName)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** What the console's settings page shows and checks of its API user. */
export interface ApiUserSettings {
  readonly id: number;
  readonly loginName: string;
  readonly passwordHash: string;
  /** Addresses and CIDR blocks the user may call from; empty allows every address. */
  readonly ipAllow: readonly string[];
}

export async function apiUserSettings(db: Db, apiUserId: number): Promise<ApiUserSettings | undefined> {
  const r = await db.selectFrom('api_users').select(['id', 'login_name', 'ip_allow', 'password_hash']).where('id', '=', apiUserId).executeTakeFirst();
  return r && { id: r.id, loginName: r.login_name, passwordHash: r.password_hash, ipAllow: r.ip_allow === null ? [] : (JSON.parse(r.ip_allow) as string[]) };
}

/** Stores the allowlist; an empty one is stored as null (every address). */
export async function setIpAllow(tx: Db, apiUserId: number, entries: readonly string[]): Promise<void> {
  await tx.updateTable('api_users').set({ ip_allow: entries.length === 0 ? null : JSON.stringify(entries) }).where('id', '=', apiUserId).execute();
}
