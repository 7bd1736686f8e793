// Every query about web sessions.
import type { Db } from '../db/store.js';
import type { WebSessionsTable } from './sessions.table.js';

export type SessionRow = WebSessionsTable;

export async function insertSession(tx: Db, row: SessionRow): Promise<void> {
  await tx.insertInto('web_sessions').values(row).execute();
}

export function findSessionByHashQuery(db: Db, tokenHash: string) {
  return db.selectFrom('web_sessions').selectAll().where('token_hash', '=', tokenHash);
}

export async function findSessionByHash(db: Db, tokenHash: string): Promise<SessionRow | undefined> {
  return findSessionByHashQuery(db, tokenHash).executeTakeFirst();
}

export async function deleteSession(tx: Db, tokenHash: string): Promise<void> {
  await tx.deleteFrom('web_sessions').where('token_hash', '=', tokenHash).execute();
}

/** Sessions that ended before `nowIso`, at most `limit` (`web_sessions_expires`): one batch of the retention purge. */
export function deleteExpiredSessionsQuery(tx: Db, nowIso: string, limit: number) {
  const batch = tx.selectFrom('web_sessions').select('token_hash').where('expires_at', '<', nowIso).orderBy('expires_at').limit(limit);
  return tx.deleteFrom('web_sessions').where('expires_at', '<', nowIso).where('token_hash', 'in', batch);
}

export async function deleteExpiredSessions(tx: Db, nowIso: string, limit: number): Promise<number> {
  return Number((await deleteExpiredSessionsQuery(tx, nowIso, limit).executeTakeFirst()).numDeletedRows);
}

export function countExpiredSessionsQuery(db: Db, nowIso: string) {
  return db.selectFrom('web_sessions').select((eb) => eb.fn.countAll<number>().as('n')).where('expires_at', '<', nowIso);
}

/** Ends every session of an API user (after a password change), except the one given. */
export async function deleteSessionsOfApiUser(tx: Db, apiUserId: number, keepHash: string): Promise<void> {
  await tx.deleteFrom('web_sessions').where('api_user_id', '=', apiUserId).where('token_hash', '!=', keepHash).execute();
}
