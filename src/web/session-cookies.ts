// The browser's side of a sign-in session (src/sessions/): the cookie that carries its token
// (HttpOnly, SameSite=Strict; Secure, with the __Host- prefix, over HTTPS) and the CSRF checks
// of the forms. The sign-in forms, before a session exists, carry an HMAC of a random
// pre-session cookie; every form of a session carries the session's CSRF token.
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Session } from '../sessions/sessions.service.js';
import { sameText, sign } from './secret.js';

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
