// Signing in a reseller's API user (docs/api/reseller-endpoints.md, "Authentication"). Every
// failure — unknown name, wrong password, locked, password expired, source IP not allowed,
// reseller suspended — is the same -16 answer, byte for byte, so a caller learns nothing about
// which it was. The password is proven by src/passwords/prover.ts, the one door for customers
// and API users: a locked name is refused before any hash, and an address outside the user's
// allowlist is refused without counting a failure, so that nobody outside it can lock the user.
import type { AppContext } from '../app-context.js';
import { addressAllowed } from '../wire/client-address.js';
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
