// Every query about web sessions.
import type { Db } from '../db/store.js';
import { timePurge } from '../db/time-purge.js';
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

/** Sessions that ended before a cutoff (`web_sessions_expires`): the retention purge's batches. */
export const sessionPurge = timePurge('web_sessions', 'token_hash', 'expires_at');

/** Ends every session of an API user (after a password change), except the one given. */
export async function deleteSessionsOfApiUser(tx: Db, apiUserId: number, keepHash: string): Promise<void> {
  await tx.deleteFrom('web_sessions').where('api_user_id', '=', apiUserId).where('token_hash', '!=', keepHash).execute();
}
