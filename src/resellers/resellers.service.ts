// Creating resellers and their API users (the operator's CLI, demo data, tests).
import { isoNow, type Clock } from '../clock.js';
import type { Hasher } from '../passwords/hasher.js';
import type { Store } from '../db/store.js';
import { MAX_ORIGIN_CHARS, parseOrigin } from './origin.js';
import { insertApiUser, insertRedirectOrigins, insertReseller, resellerIdByAp } from './resellers.repository.js';

export class ResellerInputError extends Error {
  override name = 'ResellerInputError';
}

export interface ResellerInput {
  ap: string;
  login: string;
  password: string;
  validated: boolean;
  redirectOrigins: readonly string[];
  ipAllow?: readonly string[];
  creditLimitCents?: number;
  sandbox?: boolean;
  permittedPpp?: number[] | null;
}

/**
 * `https://shop.example/` → `https://shop.example`; anything but scheme, host and port is refused
 * (the rules: src/resellers/origin.ts).
 */
export function normalizeOrigin(text: string): string {
  const origin = parseOrigin(text);
  if (origin === undefined) {
    throw new ResellerInputError(`"${text.slice(0, MAX_ORIGIN_CHARS)}" is not an origin like https://shop.example (scheme, host and optional port only)`);
  }
  return origin;
}

export function checkResellerInput(r: ResellerInput): void {
  if (r.ap === '' || [...r.ap].length > 64) throw new ResellerInputError('the brand name (ap) must be 1 to 64 characters');
  if (r.login === '' || [...r.login].length > 64) throw new ResellerInputError('the login name must be 1 to 64 characters');
  if ([...r.password].length < 8 || [...r.password].length > 128) {
    throw new ResellerInputError('the password must be 8 to 128 characters');
  }
}

export async function createReseller(store: Store, hasher: Hasher, clock: Clock, r: ResellerInput): Promise<number> {
  checkResellerInput(r);
  const origins = r.redirectOrigins.map(normalizeOrigin);
  const passwordHash = await hasher.hash(r.password);
  const at = isoNow(clock);
  return store.write(async (tx) => {
    if ((await resellerIdByAp(tx, r.ap)) !== undefined) throw new ResellerInputError(`a reseller "${r.ap}" exists already`);
    const existingUser = await tx.selectFrom('api_users').select('id').where('login_name', '=', r.login).executeTakeFirst();
    if (existingUser) throw new ResellerInputError(`an API user "${r.login}" exists already`);
    const id = await insertReseller(tx, {
      ap: r.ap,
      validated: r.validated,
      sandbox: r.sandbox ?? false,
      creditLimitCents: r.creditLimitCents ?? 0,
      permittedPpp: r.permittedPpp ?? null,
      createdAt: at,
    });
    await insertRedirectOrigins(tx, id, origins);
    await insertApiUser(tx, { resellerId: id, loginName: r.login, passwordHash, ipAllow: r.ipAllow ?? null, at });
    return id;
  });
}
