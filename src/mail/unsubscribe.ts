// The unsubscribe link's signature: HMAC-SHA256 (src/web/secret.ts) over the reseller and the
// address with the key every process shares (notification_keys), so a link works for ever,
// whichever process sent it and whichever answers it.
import { sameText, sign } from '../web/secret.js';

export interface UnsubscribeRequest {
  readonly resellerId: number;
  readonly email: string;
}

/** The request a link names, when its signature holds; undefined for anything else. */
export function verifyUnsubscribe(key: Buffer, r: string | undefined, e: string | undefined, s: string | undefined): UnsubscribeRequest | undefined {
  if (!r || !e || !s || !/^[0-9]{1,15}$/.test(r) || e.length > 255 || s.length > 64) return undefined;
  const email = e.toLowerCase();
  if (!sameText(s, sign(key, 'unsubscribe', `${r}\n${email}`))) return undefined;
  return { resellerId: Number(r), email };
}
