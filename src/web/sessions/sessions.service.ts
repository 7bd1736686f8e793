// Sign-in sessions of the console and the portal. The browser holds a random 256-bit token in
// an HttpOnly, SameSite=Strict cookie (Secure, with the __Host- prefix, over HTTPS); the
// database holds only its SHA-256. Every form of a session carries the session's CSRF token;
// the sign-in forms, before a session exists, carry an HMAC of a random pre-session cookie.
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../clock.js';
import type { Db, Store } from '../../db/store.js';
import { sameText, sign } from '../secret.js';
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

// ---- cookies ---------------------------------------------------------------------------

/** The cookies of a request (first occurrence of each name). */
export function cookiesOf(req: FastifyRequest): Map<string, string> {
  const out = new Map<string, string>();
  const header = req.headers.cookie;
  if (!header) return out;
  for (const part of header.split(';').slice(0, 50)) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

/**
 * Over HTTPS the cookie is `__Host-…` and Secure (bound to this exact host, never sent in
 * clear). Plain HTTP happens only in local development (`--allow-http`), where a Secure cookie
 * would not come back from every browser; the name then lacks the prefix.
 */
export function cookieName(base: string, https: boolean): string {
  return https ? `__Host-${base}` : base;
}

export function setCookie(reply: FastifyReply, name: string, value: string, https: boolean, maxAgeSeconds: number): void {
  const attrs = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSeconds}`];
  if (https) attrs.push('Secure');
  reply.header('set-cookie', [...toArray(reply.getHeader('set-cookie')), attrs.join('; ')]);
}

export function clearCookie(reply: FastifyReply, name: string, https: boolean): void {
  setCookie(reply, name, '', https, 0);
}

function toArray(v: unknown): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v.map(String) : [String(v)];
}

// ---- sign-in CSRF (before a session exists) -------------------------------------------

const PRE_PURPOSE = 'sign-in-csrf/v1';

export function newPreSessionNonce(): string {
  return randomBytes(24).toString('base64url');
}

export function signInCsrf(key: Buffer, nonce: string): string {
  return sign(key, PRE_PURPOSE, nonce);
}

export function checkSignInCsrf(key: Buffer, nonce: string | undefined, given: string | undefined): boolean {
  return nonce !== undefined && given !== undefined && nonce.length <= 100 && sameText(given, signInCsrf(key, nonce));
}

export function checkCsrf(session: Session, given: string | undefined): boolean {
  return given !== undefined && sameText(given, session.csrf);
}
