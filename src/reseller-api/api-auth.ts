// Signing in a reseller's API user (docs/api/reseller-endpoints.md, "Authentication"). Every
// failure — unknown name, wrong password, locked, password expired, source IP not allowed,
// reseller suspended — is the same -16 answer, byte for byte, so a caller learns nothing about
// which it was. Passwords are checked with argon2id off the event loop; proven credentials are
// remembered per process (CredentialCache), so routine calls do not pay for argon2 each time.
import { randomBytes } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { AppContext } from '../app-context.js';
import type { Hasher } from '../customers/hasher.js';
import { normalizeAddress } from '../wire/transport.js';
import { clearFailedLogins, findApiUser, recordFailedLogin } from './api-users.repository.js';

export interface ApiPrincipal {
  readonly apiUserId: number;
  readonly resellerId: number;
  readonly ap: string;
}

/** CredentialCache keys are per name; this prefix keeps API users apart from customers. */
const CACHE_PREFIX = 'api-user\u0000';

export async function authenticateApiUser(
  ctx: Pick<AppContext, 'store' | 'hasher' | 'clock' | 'config' | 'credentials'>,
  loginName: string,
  password: string,
  clientAddress: string,
): Promise<ApiPrincipal | undefined> {
  const user = await findApiUser(ctx.store.db, loginName);
  if (!user) {
    // Unknown names cost one verification too, so timing does not tell which names exist.
    await ctx.hasher.verify(await dummyHash(ctx.hasher), password);
    return undefined;
  }
  const cacheName = CACHE_PREFIX + loginName;
  const proven =
    ctx.credentials.proven(cacheName, password, user.password_hash) || (await ctx.hasher.verify(user.password_hash, password));
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const locked = user.locked_until !== null && user.locked_until > nowIso;
  if (!proven) {
    if (!locked) {
      const until = new Date(now.getTime() + ctx.config.apiLockoutMinutes * 60_000).toISOString();
      await ctx.store.write((tx) => recordFailedLogin(tx, user.id, ctx.config.apiLockoutThreshold, until));
    }
    return undefined;
  }
  ctx.credentials.remember(cacheName, password, user.password_hash);
  if (locked) return undefined;
  if (passwordExpired(user.password_changed_at, ctx.config.apiPasswordMaxAgeDays, now)) return undefined;
  if (!addressAllowed(user.ip_allow, clientAddress)) return undefined;
  if (user.suspended === 1) return undefined;
  if (user.failed_logins > 0) await ctx.store.write((tx) => clearFailedLogins(tx, user.id));
  return { apiUserId: user.id, resellerId: user.reseller_id, ap: user.ap };
}

export function passwordExpired(changedAt: string, maxAgeDays: number, now: Date): boolean {
  if (maxAgeDays === 0) return false;
  return now.getTime() >= new Date(changedAt).getTime() + maxAgeDays * 86_400_000;
}

/** `ip_allow` is a JSON list of addresses and CIDR blocks; null allows every address. */
export function addressAllowed(ipAllowJson: string | null, address: string): boolean {
  if (ipAllowJson === null) return true;
  let entries: unknown;
  try {
    entries = JSON.parse(ipAllowJson);
  } catch {
    return false;
  }
  if (!Array.isArray(entries)) return false;
  const family = isIP(address);
  if (family === 0) return false;
  const list = new BlockList();
  for (const entry of entries) {
    if (typeof entry !== 'string') continue;
    const [addr, bits] = entry.trim().split('/') as [string, string | undefined];
    const f = isIP(addr);
    if (f === 0) continue;
    const type = f === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(addr, type);
    else if (/^[0-9]{1,3}$/.test(bits) && Number(bits) <= (f === 4 ? 32 : 128)) list.addSubnet(addr, Number(bits), type);
  }
  return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The caller's address: the socket's, or — when the socket is a configured trusted proxy — the
 * last address that proxy appended to X-Forwarded-For (the one hop we can believe).
 */
export function clientAddressOf(req: IncomingMessage, trustedProxies: readonly string[]): string {
  const socketAddress = normalizeAddress(req.socket.remoteAddress ?? '');
  if (trustedProxies.length === 0 || !addressAllowed(JSON.stringify(trustedProxies), socketAddress)) return socketAddress;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((h) => normalizeAddress(h.trim()));
  const last = hops[hops.length - 1];
  return last && isIP(last) ? last : socketAddress;
}

const dummyHashes = new WeakMap<Hasher, Promise<string>>();
function dummyHash(hasher: Hasher): Promise<string> {
  let h = dummyHashes.get(hasher);
  if (!h) dummyHashes.set(hasher, (h = hasher.hash(randomBytes(24).toString('base64'))));
  return h;
}
