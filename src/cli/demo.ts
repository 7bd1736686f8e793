// Demo data for `serve --demo`: the brands the spec's own examples use, validated, so that the
// curl sample, the URL example and the HTML form (pointed at localhost) succeed as written.
import type { Clock } from '../clock.js';
import type { Hasher } from '../passwords/hasher.js';
import type { Store } from '../db/store.js';
import { resellerIdByAp } from '../resellers/resellers.repository.js';
import { createReseller } from '../resellers/resellers.service.js';
import { CliError } from './common.js';

export const DEMO_PASSWORD = 'demo-password';

export const DEMO_RESELLERS: ReadonlyArray<{ ap: string; login: string; origins: string[] }> = [
  { ap: 'reseller_brand_name', login: 'reseller_brand_name-api', origins: [] },
  { ap: 'myresellerbrand', login: 'myresellerbrand-api', origins: ['http://www.mydomain.com'] },
  { ap: 'resellerbrand', login: 'resellerbrand-api', origins: [] },
];

/** Creates the demo resellers that do not exist yet; returns the brands it created. */
export async function seedDemo(store: Store, hasher: Hasher, clock: Clock): Promise<string[]> {
  const created: string[] = [];
  for (const r of DEMO_RESELLERS) {
    if ((await resellerIdByAp(store.db, r.ap)) !== undefined) continue;
    try {
      await createReseller(store, hasher, clock, {
        ap: r.ap,
        login: r.login,
        password: DEMO_PASSWORD,
        validated: true,
        redirectOrigins: r.origins,
      });
    } catch (error) {
      // Another process (a second `serve --demo` started at the same moment) created it first.
      if ((await resellerIdByAp(store.db, r.ap)) !== undefined) continue;
      throw error;
    }
    created.push(r.ap);
  }
  return created;
}

/** The demo API users that still have the published demo password, by login name. */
export async function demoPasswordsInUse(store: Store, hasher: Hasher): Promise<string[]> {
  const rows = await store.db
    .selectFrom('api_users')
    .select(['login_name', 'password_hash'])
    .where('login_name', 'in', DEMO_RESELLERS.map((r) => r.login))
    .orderBy('login_name')
    .execute();
  const still: string[] = [];
  for (const r of rows) if (await hasher.verify(r.password_hash, DEMO_PASSWORD)) still.push(r.login_name);
  return still;
}

/**
 * `serve` without --allow-http stops here, closing the store, while any demo API user still has
 * the published password: a database once served with --demo cannot go into production with
 * them (issue 13, finding 10.4).
 */
export async function refuseDemoPasswords(store: Store, hasher: Hasher): Promise<void> {
  const logins = await demoPasswordsInUse(store, hasher);
  if (logins.length === 0) return;
  await store.close();
  throw new CliError(
    `demo API users still have the published password demo-password (${logins.join(', ')}), and this server is not in --allow-http development mode. ` +
      'Give each a new password (placeorder api-user password --login NAME --password …) or serve a database without demo data.',
  );
}
