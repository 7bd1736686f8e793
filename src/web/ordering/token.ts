// The ordering page's session token: what the page was opened with (brand, products, the
// reseller flag and the URL's other order-level parameters) and when it stops being valid,
// signed with the server key. The form carries it in one hidden field, so the customer can
// change their own details but not the brand, the products on offer or the redirect targets.
// An expired token is -97 Session is expired (RESOLUTIONS: "-97 belongs to the interactive
// ordering pages").
import { sameText, sign } from '../secret.js';

export const TOKEN_FIELD = 'orderingSession';
/** Longer than any token we issue (10 products, 255-character URLs), short enough to refuse junk cheaply. */
const MAX_TOKEN_CHARS = 4096;
const PURPOSE = 'ordering-page/v1';

/**
 * The URL's order-level parameters, besides the brand and the reseller flag, that the session
 * carries to the order as they were given (submission.ts copies them, in this order).
 */
export const CARRIED_PARAMS = ['licenceCode', 'offerCode', 'region', 'successURL'] as const;

export interface OrderingSession extends Readonly<Partial<Record<(typeof CARRIED_PARAMS)[number], string>>> {
  readonly ap: string;
  /** The PPP codes on offer, in the URL's order. */
  readonly products: readonly number[];
  readonly reseller: 'Y' | 'N';
  /** Unix seconds. */
  readonly expiresAt: number;
  /** One-time: the form it was issued with places at most one order. */
  readonly nonce?: string | undefined;
}

export function issueToken(key: Buffer, s: OrderingSession): string {
  const payload = Buffer.from(JSON.stringify(s), 'utf8').toString('base64url');
  return `${payload}.${sign(key, PURPOSE, payload)}`;
}

export type TokenCheck =
  | { ok: true; session: OrderingSession }
  /** Signed by us but past its time: the page can offer a fresh form for the same products. */
  | { ok: false; reason: 'expired'; session: OrderingSession }
  | { ok: false; reason: 'invalid' };

export function checkToken(key: Buffer, token: string, nowSeconds: number): TokenCheck {
  if (token.length > MAX_TOKEN_CHARS) return { ok: false, reason: 'invalid' };
  const dot = token.indexOf('.');
  if (dot < 0) return { ok: false, reason: 'invalid' };
  const payload = token.slice(0, dot);
  if (!sameText(token.slice(dot + 1), sign(key, PURPOSE, payload))) return { ok: false, reason: 'invalid' };
  let session: OrderingSession;
  try {
    session = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as OrderingSession;
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (!Number.isFinite(session.expiresAt) || nowSeconds >= session.expiresAt) return { ok: false, reason: 'expired', session };
  return { ok: true, session };
}
