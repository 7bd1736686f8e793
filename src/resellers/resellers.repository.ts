// Every query about resellers, their API users and their redirect origins.
import type { Selectable } from 'kysely';
import { rawSqlite } from '../db/raw-sqlite.js';
import type { Db } from '../db/store.js';
import type { ResellersTable } from './resellers.table.js';
import type { ResellerContext } from './reseller.js';

type ResellerContextRow = Pick<
  Selectable<ResellersTable>,
  'id' | 'ap' | 'validated' | 'suspended' | 'sandbox' | 'permitted_ppp' | 'redirect_secret'
>;

/**
 * The reseller with its redirect origins and secret, everything a request needs of it, read once
 * per request: one statement on SQLite, two through Kysely.
 */
export const RESELLER_CONTEXT_SQL = `select r.id, r.ap, r.validated, r.suspended, r.sandbox, r.permitted_ppp, r.redirect_secret,
  (select json_group_array(o.origin) from reseller_redirect_origins o where o.reseller_id = r.id) as origins_json
  from resellers r where r.ap = ?`;

/**
 * Contexts built from SQLite rows, by row: the requests of one event-loop turn share the row
 * (ReadSnapshots in src/db/raw-sqlite.ts), so they share the context built from it too.
 */
const contextOfRow = new WeakMap<object, ResellerContext>();

export async function findResellerContext(db: Db, ap: string): Promise<ResellerContext | undefined> {
  // No brand holds a NUL, and PostgreSQL refuses one in a query: the brand is unknown (-4 ap).
  if (ap.includes('\u0000')) return undefined;
  const raw = rawSqlite(db);
  if (raw) {
    const row = raw.get<ResellerContextRow & { origins_json: string }>(RESELLER_CONTEXT_SQL, ap);
    if (!row) return undefined;
    let context = contextOfRow.get(row);
    if (!context) contextOfRow.set(row, (context = resellerContext(row, JSON.parse(row.origins_json) as string[])));
    return context;
  }
  const row = await resellerByApQuery(db, ap).executeTakeFirst();
  if (!row) return undefined;
  const origins = await originsOfQuery(db, row.id).execute();
  return resellerContext(
    row,
    origins.map((o) => o.origin),
  );
}

/** The Kysely form of RESELLER_CONTEXT_SQL, in two queries (PostgreSQL runs these). */
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
