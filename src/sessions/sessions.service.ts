// Sign-in sessions of the console and the portal. The browser holds a random 256-bit token (its
// cookie and the forms' CSRF checks are the web's: src/web/session-cookies.ts); the database
// holds only the token's SHA-256, with the session's CSRF token. The sessions are a concept
// below the pages because the retention purge (src/maintenance/) deletes the ended ones too.
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Db, Store } from '../db/store.js';
import { deleteSession, findSessionByHash, insertSession, type SessionRow } from './sessions.repository.js';

export type SessionKind = 'console' | 'portal';

/** Absolute lifetime of a session; a person signs in again after it. */
export const SESSION_TTL_SECONDS: Record<SessionKind, number> = { console: 8 * 3600, portal: 2 * 3600 };

export interface Session {
  readonly tokenHash: string;
  readonly kind: SessionKind;
  readonly resellerId: number | null;
  readonly apiUserId: number | null;
  readonly customerId: number | null;
  readonly csrf: string;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function toSession(row: SessionRow): Session {
  return {
    tokenHash: row.token_hash,
    kind: row.kind,
    resellerId: row.reseller_id,
    apiUserId: row.api_user_id,
    customerId: row.customer_id,
    csrf: row.csrf,
  };
}

export interface NewSession {
  kind: SessionKind;
  resellerId?: number;
  apiUserId?: number;
  customerId?: number;
}

/** Starts a session; returns the cookie value (shown to nobody else) and the session. */
export async function startSession(store: Store, clock: Clock, s: NewSession): Promise<{ token: string; session: Session }> {
  const token = randomBytes(32).toString('base64url');
  const now = clock.now();
  const row: SessionRow = {
    token_hash: hashToken(token),
    kind: s.kind,
    reseller_id: s.resellerId ?? null,
    api_user_id: s.apiUserId ?? null,
    customer_id: s.customerId ?? null,
    csrf: randomBytes(32).toString('base64url'),
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + SESSION_TTL_SECONDS[s.kind] * 1000).toISOString(),
  };
  // Ended sessions go with the retention purge (src/maintenance/).
  await store.write((tx) => insertSession(tx, row));
  return { token, session: toSession(row) };
}

export async function sessionOf(db: Db, clock: Clock, kind: SessionKind, token: string | undefined): Promise<Session | undefined> {
  if (!token || token.length > 100) return undefined;
  const row = await findSessionByHash(db, hashToken(token));
  if (!row || row.kind !== kind || row.expires_at <= clock.now().toISOString()) return undefined;
  return toSession(row);
}

export async function endSession(store: Store, session: Session): Promise<void> {
  await store.write((tx) => deleteSession(tx, session.tokenHash));
}
