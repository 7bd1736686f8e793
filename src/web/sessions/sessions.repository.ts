// Every query about web sessions.
import type { Db } from '../../db/store.js';
import type { WebSessionsTable } from './sessions.table.js';

export type SessionRow = WebSessionsTable;

export async function insertSession(tx: Db, row: SessionRow): Promise<void> {
  await tx.insertInto('web_sessions').values(row).execute();
}

export async function findSessionByHash(db: Db, tokenHash: string): Promise<SessionRow | undefined> {
  return db.selectFrom('web_sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function deleteSession(tx: Db, tokenHash: string): Promise<void> {
  await tx.deleteFrom('web_sessions').where('token_hash', '=', tokenHash).execute();
}

/** Removes sessions that ended before `nowIso` (at most `limit`, so one sign-in never does unbounded work). */
export async function deleteExpiredSessions(tx: Db, nowIso: string, limit: number): Promise<void> {
  const stale = await tx.selectFrom('web_sessions').select('token_hash').where('expires_at', '<', nowIso).limit(limit).execute();
  if (stale.length === 0) return;
  await tx.deleteFrom('web_sessions').where('token_hash', 'in', stale.map((s) => s.token_hash)).execute();
}

/** Ends every session of an API user (after a password change), except the one given. */
export async function deleteSessionsOfApiUser(tx: Db, apiUserId: number, keepHash: string): Promise<void> {
  await tx.deleteFrom('web_sessions').where('api_user_id', '=', apiUserId).where('token_hash', '!=', keepHash).execute();
}
