// Signing in a reseller's API user (docs/api/reseller-endpoints.md, "Authentication"). Every
// failure — unknown name, wrong password, locked, password expired, source IP not allowed,
// reseller suspended — is the same -16 answer, byte for byte, so a caller learns nothing about
// which it was. The password is proven by src/passwords/prover.ts, the one door for customers
// and API users: a locked name is refused before any hash, and an address outside the user's
// allowlist is refused without counting a failure, so that nobody outside it can lock the user.
import { BlockList, isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { AppContext } from '../app-context.js';
import { normalizeAddress } from '../wire/transport.js';
import { findApiUser } from './api-users.repository.js';

export interface ApiPrincipal {
  readonly apiUserId: number;
  readonly resellerId: number;
  readonly ap: string;
}

export async function authenticateApiUser(
  ctx: Pick<AppContext, 'store' | 'clock' | 'config' | 'passwords'>,
  loginName: string,
  password: string,
  clientAddress: string,
): Promise<ApiPrincipal | undefined> {
  const login = await ctx.passwords.find('api-user', loginName, async () => {
    const row = await findApiUser(ctx.store.db, loginName);
    return row && { ...row, passwordHash: row.password_hash };
  });
  const attempt = { realm: 'api-user' as const, loginName, password, source: clientAddress };
  const user = await ctx.passwords.prove(attempt, login, { admitted: login.account === undefined || addressAllowed(login.account.ip_allow, clientAddress) });
  if (!user) return undefined;
  if (passwordExpired(user.password_changed_at, ctx.config.apiPasswordMaxAgeDays, ctx.clock.now())) return undefined;
  if (user.suspended === 1) return undefined;
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
  return addressInList(entries, address);
}

/** Whether the address is one of the entries (addresses and CIDR blocks; other values are skipped). */
export function addressInList(entries: readonly unknown[], address: string): boolean {
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
