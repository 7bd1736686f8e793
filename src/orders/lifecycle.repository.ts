// Queries of the order lifecycle: loading an order to change it (locked on PostgreSQL), moving
// its status, and the account-history questions of !PlaceOrder's rules -45 and -73.
import { sql, type Selectable } from 'kysely';
import type { Db, Dialect } from '../db/store.js';
import type { OrderStatus, OrdersTable } from './orders.table.js';
import { ordersWithResellerQuery } from './orders-with-reseller.js';

const LIFECYCLE_COLUMNS = [
  'id',
  'reseller_id',
  'customer_id',
  'email_key',
  'reseller_pays',
  'status',
  'total_cents',
  'currency',
  'renews_licence',
  'authorized_at',
  'created_at',
] as const;

/**
 * An order as the lifecycle steps read it: the columns of LIFECYCLE_COLUMNS, typed by the table,
 * with the stored 0/1 flag read as what it means (`resellerPays`).
 */
export type LifecycleOrderRow = Omit<Pick<Selectable<OrdersTable>, (typeof LIFECYCLE_COLUMNS)[number]>, 'reseller_pays'> & {
  /** reseller=Y: the reseller authorizes and pays; reseller=N: the customer pays (mark-paid). */
  readonly resellerPays: boolean;
};

/**
 * The order, with its row locked until the transaction ends on PostgreSQL (`FOR UPDATE`), so two
 * requests acting on one order take turns and the second sees the first one's outcome. SQLite
 * needs no lock: its write transactions already run one at a time.
 */
export async function loadOrder(db: Db, orderId: number, lockFor?: Dialect): Promise<LifecycleOrderRow | undefined> {
  const q = loadOrderQuery(db, orderId);
  const row = await (lockFor === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
  if (!row) return undefined;
  const { reseller_pays: resellerPays, ...rest } = row;
  return { ...rest, resellerPays: resellerPays === 1 };
}

export function loadOrderQuery(db: Db, orderId: number) {
  return db.selectFrom('orders').select(LIFECYCLE_COLUMNS).where('id', '=', orderId);
}

/** The order with its reseller's brand, for !GetOrderStatus. */
export function orderHeaderQuery(db: Db, orderId: number) {
  return ordersWithResellerQuery(db)
    .select(['orders.id', 'orders.reseller_id', 'orders.status', 'orders.total_cents', 'orders.currency', 'resellers.ap'])
    .where('orders.id', '=', orderId);
}

export async function orderHeader(db: Db, orderId: number) {
  return orderHeaderQuery(db, orderId).executeTakeFirst();
}

export function itemsOfOrderQuery(db: Db, orderId: number) {
  return db.selectFrom('order_items').select(['item_no', 'ppp', 'product_code', 'term', 'price_cents']).where('order_id', '=', orderId).orderBy('item_no');
}

export async function itemsOfOrder(db: Db, orderId: number) {
  return itemsOfOrderQuery(db, orderId).execute();
}

export interface StatusChange {
  status: OrderStatus;
  at: string;
  authorizedAt?: string;
  paidAt?: string;
  activatedAt?: string;
  closedAt?: string;
  refundReasonCode?: number;
}

export async function changeStatus(tx: Db, orderId: number, c: StatusChange): Promise<void> {
  await tx
    .updateTable('orders')
    .set({
      status: c.status,
      updated_at: c.at,
      ...(c.authorizedAt !== undefined ? { authorized_at: c.authorizedAt } : {}),
      ...(c.paidAt !== undefined ? { paid_at: c.paidAt } : {}),
      ...(c.activatedAt !== undefined ? { activated_at: c.activatedAt } : {}),
      ...(c.closedAt !== undefined ? { closed_at: c.closedAt } : {}),
      ...(c.refundReasonCode !== undefined ? { refund_reason_code: c.refundReasonCode } : {}),
    })
    .where('id', '=', orderId)
    .execute();
}

/**
 * Whose history the account rules read: a customer account, or a guest's email address — at one
 * reseller. Each reseller (a sandbox reseller too) sees only the orders placed through it, so no
 * answer tells one reseller, or anyone ordering through it, what was bought elsewhere (issue 13,
 * finding 9; docs/api/place-order.md, "Customers of several resellers").
 */
export type AccountKey = { resellerId: number } & ({ customerId: number } | { emailKey: string });

/**
 * Makes concurrent orders of one account take turns through the account rules (PostgreSQL runs
 * them in parallel otherwise; SQLite's writes are serial already).
 */
export async function lockAccount(tx: Db, dialect: Dialect, account: AccountKey): Promise<void> {
  if (dialect !== 'postgres') return;
  const who = 'customerId' in account ? `customer:${account.customerId}` : `email:${account.emailKey}`;
  const key = `reseller:${account.resellerId}:${who}`;
  await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(tx);
}

/** The account's orders at its reseller: `orders_customer`, or `orders_offer_email` for a guest's email. */
function accountOrders(tx: Db, account: AccountKey) {
  const q = tx.selectFrom('orders as o').where('o.reseller_id', '=', account.resellerId);
  return 'customerId' in account ? q.where('o.customer_id', '=', account.customerId) : q.where('o.email_key', '=', account.emailKey);
}

/** -45: an earlier order of the account used this offer (and was not rejected or cancelled). */
export function offerUsedQuery(tx: Db, account: AccountKey, offerCode: string) {
  return accountOrders(tx, account)
    .select(sql<number>`1`.as('one'))
    .where('o.offer_code', '=', offerCode)
    .where('o.status', 'not in', ['rejected', 'cancelled'])
    .limit(1);
}

export async function offerUsed(tx: Db, account: AccountKey, offerCode: string): Promise<boolean> {
  return (await offerUsedQuery(tx, account, offerCode).executeTakeFirst()) !== undefined;
}

/**
 * -73: the account holds a live order of this product: waiting for authorization or payment, or
 * active with an unrevoked licence of the product that has not expired (`nowIso`).
 */
export function liveOrderOfQuery(tx: Db, account: AccountKey, productCode: string, nowIso: string) {
  return accountOrders(tx, account)
    .innerJoin('order_items as i', 'i.order_id', 'o.id')
    .select(sql<number>`1`.as('one'))
    .where('i.product_code', '=', productCode)
    .where((eb) =>
      eb.or([
        eb('o.status', 'in', ['pending_authorization', 'awaiting_payment']),
        eb.and([
          eb('o.status', '=', 'active'),
          eb.exists(
            eb
              .selectFrom('licences as l')
              .select(sql<number>`1`.as('one'))
              .whereRef('l.order_id', '=', 'o.id')
              .whereRef('l.item_no', '=', 'i.item_no')
              .where('l.revoked_at', 'is', null)
              .where('l.expires_at', '>', nowIso),
          ),
        ]),
      ]),
    )
    .limit(1);
}

export async function liveOrderOf(tx: Db, account: AccountKey, productCode: string, nowIso: string): Promise<boolean> {
  return (await liveOrderOfQuery(tx, account, productCode, nowIso).executeTakeFirst()) !== undefined;
}

/** -73 for once-ever products: any order of it that was not rejected, cancelled or refunded. */
export function everOrderedQuery(tx: Db, account: AccountKey, productCode: string) {
  return accountOrders(tx, account)
    .innerJoin('order_items as i', 'i.order_id', 'o.id')
    .select(sql<number>`1`.as('one'))
    .where('i.product_code', '=', productCode)
    .where('o.status', 'not in', ['rejected', 'cancelled', 'refunded'])
    .limit(1);
}

export async function everOrdered(tx: Db, account: AccountKey, productCode: string): Promise<boolean> {
  return (await everOrderedQuery(tx, account, productCode).executeTakeFirst()) !== undefined;
}

/** A live order (not rejected, cancelled or refunded) that already renews this licence (`orders_renews_licence`). */
export function renewalExistsQuery(tx: Db, licenceCode: string) {
  return tx.selectFrom('orders').select('id').where('renews_licence', '=', licenceCode).where('status', 'not in', ['rejected', 'cancelled', 'refunded']);
}

export async function renewalExists(tx: Db, licenceCode: string): Promise<boolean> {
  return (await renewalExistsQuery(tx, licenceCode).executeTakeFirst()) !== undefined;
}
