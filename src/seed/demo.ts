// Demo data for `serve --demo`: the brands the spec's own examples use, validated, so that the
// curl sample, the URL example and the HTML form (pointed at localhost) succeed as written. It
// sits with the other made-up data of seed/ rather than in cli/, because the start page
// (src/web/start/) shows the same brands and password, and the pages import nothing of the CLI.
import type { Clock } from '../clock.js';
import type { Hasher } from '../passwords/hasher.js';
import type { Store } from '../db/store.js';
import { resellerIdByAp } from '../resellers/resellers.repository.js';
import { createReseller } from '../resellers/resellers.service.js';

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
