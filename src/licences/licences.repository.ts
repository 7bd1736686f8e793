// Every query about licences.
import type { Selectable } from 'kysely';
import type { Db } from '../db/store.js';
import type { LicencesTable } from './licences.table.js';

const COLUMNS = [
  'id',
  'code',
  'order_id',
  'item_no',
  'reseller_id',
  'customer_id',
  'email_key',
  'product_code',
  'ppp',
  'starts_at',
  'expires_at',
  'revoked_at',
] as const;

/** A licence as the queries below read it: the columns of COLUMNS, typed by the table. */
export type LicenceRow = Pick<Selectable<LicencesTable>, (typeof COLUMNS)[number]>;

export interface NewLicence {
  code: string;
  orderId: number;
  itemNo: number;
  resellerId: number;
  customerId: number | null;
  emailKey: string;
  productCode: string;
  ppp: number;
  startsAt: string;
  expiresAt: string;
  renewsLicenceId: number | null;
  at: string;
}

export async function insertLicence(tx: Db, l: NewLicence): Promise<void> {
  await tx
    .insertInto('licences')
    .values({
      code: l.code,
      order_id: l.orderId,
      item_no: l.itemNo,
      reseller_id: l.resellerId,
      customer_id: l.customerId,
      email_key: l.emailKey,
      product_code: l.productCode,
      ppp: l.ppp,
      starts_at: l.startsAt,
      expires_at: l.expiresAt,
      renews_licence_id: l.renewsLicenceId,
      revoked_at: null,
      created_at: l.at,
    })
    .execute();
}

export function findLicenceByCodeQuery(db: Db, code: string) {
  return db.selectFrom('licences').select(COLUMNS).where('code', '=', code);
}

export async function findLicenceByCode(db: Db, code: string): Promise<LicenceRow | undefined> {
  return findLicenceByCodeQuery(db, code).executeTakeFirst();
}

export function licencesOfOrderQuery(db: Db, orderId: number) {
  return db.selectFrom('licences').select(COLUMNS).where('order_id', '=', orderId).orderBy('item_no');
}

export async function licencesOfOrder(db: Db, orderId: number): Promise<LicenceRow[]> {
  return licencesOfOrderQuery(db, orderId).execute();
}

export async function revokeLicencesOfOrder(tx: Db, orderId: number, at: string): Promise<void> {
  await tx.updateTable('licences').set({ revoked_at: at }).where('order_id', '=', orderId).where('revoked_at', 'is', null).execute();
}

/** A range of licence expiries for a scan, and whose licences it reads. */
export interface ExpiryRange {
  readonly after: string;
  readonly until: string;
  /** One sandbox reseller (on its own clock), or everyone but the sandbox resellers with a moved clock. */
  readonly scope: { readonly onlyReseller?: number; readonly exceptResellers?: readonly number[] };
  readonly limit: number;
}

/**
 * Unrevoked licences expiring in (after, until] of the scope's resellers, in expiry order: a
 * range of `licences_expires`, at most `limit`. The base of both expiry scans (the webhook
 * events, src/webhooks/expiry.repository.ts; the reminders, src/notifications/
 * sources.repository.ts), which add what they read and what they have done already. Expiry
 * order alone, the index's own: a tie-breaker would make PostgreSQL sort the range.
 */
export function expiringLicencesQuery(db: Db, r: ExpiryRange) {
  let q = db
    .selectFrom('licences as l')
    .where('l.expires_at', '>', r.after)
    .where('l.expires_at', '<=', r.until)
    .where('l.revoked_at', 'is', null)
    .orderBy('l.expires_at')
    .limit(r.limit);
  if (r.scope.onlyReseller !== undefined) q = q.where('l.reseller_id', '=', r.scope.onlyReseller);
  if (r.scope.exceptResellers && r.scope.exceptResellers.length > 0) q = q.where('l.reseller_id', 'not in', [...r.scope.exceptResellers]);
  return q;
}
