// Every query about resellers, their API users and their redirect origins.
import type { Selectable } from 'kysely';
import { preparedQuery } from '../db/prepared.js';
import { cachedRead } from '../db/read-cache.js';
import type { Db } from '../db/types.js';
import type { ResellersTable } from './resellers.table.js';
import type { ResellerContext } from './reseller.js';

type ResellerContextRow = Pick<
  Selectable<ResellersTable>,
  'id' | 'ap' | 'validated' | 'suspended' | 'sandbox' | 'permitted_ppp' | 'redirect_secret'
>;

/**
 * The reseller with its redirect origins and secret, everything a request needs of it: one row
 * per origin (one with a null origin when it has none), in one statement.
 */
export const RESELLER_CONTEXT = preparedQuery<{ ap: string }, ResellerContextRow & { origin: string | null }>('reseller context', ['ap'], (db, r) =>
  db
    .selectFrom('resellers as r')
    .leftJoin('reseller_redirect_origins as o', 'o.reseller_id', 'r.id')
    .select(['r.id', 'r.ap', 'r.validated', 'r.suspended', 'r.sandbox', 'r.permitted_ppp', 'r.redirect_secret', 'o.origin'])
    .where('r.ap', '=', r.ap),
);

/**
 * Contexts built from rows, by the rows' array: on SQLite the requests of one event-loop turn
 * share the rows (ReadSnapshots, src/db/sqlite-executor.ts), so they share the context too.
 */
const contextOfRows = new WeakMap<object, ResellerContext>();

/**
 * The reseller a request names, read once per request: kept between requests on PostgreSQL
 * (src/db/read-cache.ts), shared by the requests of an event-loop turn on SQLite.
 */
export function findResellerContext(db: Db, ap: string): Promise<ResellerContext | undefined> {
  // No brand holds a NUL, and PostgreSQL refuses one in a query: the brand is unknown (-4 ap).
  if (ap.includes('\u0000')) return Promise.resolve(undefined);
  return cachedRead(
    db,
    `reseller:${ap}`,
    async () => {
      const rows = await RESELLER_CONTEXT.all(db, [{ ap }]);
      if (rows.length === 0) return undefined;
      let context = contextOfRows.get(rows);
      if (!context) {
        const origins = rows.flatMap((r) => (r.origin === null ? [] : [r.origin]));
        contextOfRows.set(rows, (context = resellerContext(rows[0]!, origins)));
      }
      return context;
    },
    (context) => context !== undefined,
  );
}

/** The reseller row of a brand (for the checks that need no origins). */
export function resellerByApQuery(db: Db, ap: string) {
  return db.selectFrom('resellers').select(['id', 'ap', 'validated', 'suspended', 'sandbox', 'permitted_ppp', 'redirect_secret']).where('ap', '=', ap);
}

export function originsOfQuery(db: Db, resellerId: number) {
  return db.selectFrom('reseller_redirect_origins').select('origin').where('reseller_id', '=', resellerId);
}

function resellerContext(row: ResellerContextRow, origins: readonly string[]): ResellerContext {
  return Object.freeze({
    id: row.id,
    ap: row.ap,
    validated: row.validated === 1,
    suspended: row.suspended === 1,
    sandbox: row.sandbox === 1,
    permittedPpp: row.permitted_ppp === null ? null : new Set<number>(JSON.parse(row.permitted_ppp) as number[]),
    redirectOrigins: new Set(origins),
    redirectSecret: row.redirect_secret,
  });
}

export async function resellerIdByAp(db: Db, ap: string): Promise<number | undefined> {
  const row = await db.selectFrom('resellers').select('id').where('ap', '=', ap).executeTakeFirst();
  return row?.id;
}

export interface NewReseller {
  ap: string;
  validated: boolean;
  sandbox?: boolean;
  creditLimitCents?: number;
  permittedPpp?: number[] | null;
  createdAt: string;
}

export async function insertReseller(tx: Db, r: NewReseller): Promise<number> {
  const row = await tx
    .insertInto('resellers')
    .values({
      ap: r.ap,
      validated: r.validated ? 1 : 0,
      suspended: 0,
      sandbox: r.sandbox ? 1 : 0,
      permitted_ppp: r.permittedPpp ? JSON.stringify(r.permittedPpp) : null,
      credit_limit_cents: r.creditLimitCents ?? 0,
      currency: 'USD',
      redirect_secret: null,
      created_at: r.createdAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertRedirectOrigins(tx: Db, resellerId: number, origins: readonly string[]): Promise<void> {
  if (origins.length === 0) return;
  await tx
    .insertInto('reseller_redirect_origins')
    .values(origins.map((origin) => ({ reseller_id: resellerId, origin })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export interface NewApiUser {
  resellerId: number;
  loginName: string;
  passwordHash: string;
  ipAllow: readonly string[] | null;
  at: string;
}

export async function insertApiUser(tx: Db, u: NewApiUser): Promise<number> {
  const row = await tx
    .insertInto('api_users')
    .values({
      reseller_id: u.resellerId,
      login_name: u.loginName,
      password_hash: u.passwordHash,
      ip_allow: u.ipAllow && u.ipAllow.length > 0 ? JSON.stringify(u.ipAllow) : null,
      password_changed_at: u.at,
      created_at: u.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function apiUserExists(db: Db, loginName: string): Promise<boolean> {
  return (await db.selectFrom('api_users').select('id').where('login_name', '=', loginName).executeTakeFirst()) !== undefined;
}

/** Distinct unregistered origins remembered per reseller: an attacker cannot grow the table. */
export const MAX_ORIGIN_SIGHTINGS = 100;

/**
 * Counts a sighting of an unregistered redirect origin in a placed order (issue 16). At the cap
 * the origin seen least recently makes room: an origin the reseller's own form names today shows
 * up however many others were named before (second outside attack).
 */
export async function noteOriginSighting(tx: Db, resellerId: number, origin: string, at: string, orderId: number): Promise<void> {
  const seen = await tx
    .updateTable('redirect_origin_sightings')
    .set((eb) => ({ hits: eb('hits', '+', 1), last_seen_at: at, last_order_id: orderId }))
    .where('reseller_id', '=', resellerId)
    .where('origin', '=', origin)
    .executeTakeFirst();
  if (Number(seen.numUpdatedRows) > 0) return;
  const { n } = await tx
    .selectFrom('redirect_origin_sightings')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('reseller_id', '=', resellerId)
    .executeTakeFirstOrThrow();
  if (Number(n) >= MAX_ORIGIN_SIGHTINGS) {
    const oldest = await tx
      .selectFrom('redirect_origin_sightings')
      .select('origin')
      .where('reseller_id', '=', resellerId)
      .orderBy('last_seen_at')
      .limit(1)
      .executeTakeFirstOrThrow();
    await tx.deleteFrom('redirect_origin_sightings').where('reseller_id', '=', resellerId).where('origin', '=', oldest.origin).execute();
  }
  await tx
    .insertInto('redirect_origin_sightings')
    .values({ reseller_id: resellerId, origin, first_seen_at: at, last_seen_at: at, hits: 1, last_order_id: orderId })
    .onConflict((oc) => oc.columns(['reseller_id', 'origin']).doNothing())
    .execute();
}

/** The unregistered origins seen since `since`, most recent first (registered ones left out). */
export async function recentOriginSightings(db: Db, resellerId: number, since: string, limit = 20) {
  return db
    .selectFrom('redirect_origin_sightings as s')
    .leftJoin('reseller_redirect_origins as o', (join) => join.onRef('o.reseller_id', '=', 's.reseller_id').onRef('o.origin', '=', 's.origin'))
    .select(['s.origin', 's.first_seen_at', 's.last_seen_at', 's.hits', 's.last_order_id'])
    .where('s.reseller_id', '=', resellerId)
    .where('s.last_seen_at', '>=', since)
    .where('o.origin', 'is', null)
    .orderBy('s.last_seen_at', 'desc')
    .limit(limit)
    .execute();
}
