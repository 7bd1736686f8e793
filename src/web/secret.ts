// The key that signs ordering-page tokens and pre-sign-in CSRF tokens. Configured keys are
// shared by every process; without one, each Config object gets its own random key, remembered
// here so that the !PlaceOrder hook and the web routes of one app sign with the same key.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config.js';

const generated = new WeakMap<Config, Buffer>();

export function webKey(config: Config): Buffer {
  if (config.webSecret !== '') return Buffer.from(config.webSecret, 'utf8');
  let key = generated.get(config);
  if (!key) generated.set(config, (key = randomBytes(32)));
  return key;
}

/** HMAC-SHA256 of `purpose NUL text`, base64url: one key, separate purposes that never cross. */
export function sign(key: Buffer, purpose: string, text: string): string {
  return createHmac('sha256', key).update(purpose).update('\0').update(text).digest('base64url');
}

export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
