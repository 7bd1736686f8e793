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
