// Queries of the order lifecycle: loading an order to change it (locked on PostgreSQL), moving
// its status, and the account-history questions of !PlaceOrder's rules -45 and -73.
import { sql, type Selectable } from 'kysely';
import type { Db, Dialect } from '../db/store.js';
import type { OrderStatus, OrdersTable } from './orders.table.js';

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

/** An order as the lifecycle steps read it: the columns of LIFECYCLE_COLUMNS, typed by the table. */
export type LifecycleOrderRow = Pick<Selectable<OrdersTable>, (typeof LIFECYCLE_COLUMNS)[number]>;

/**
 * The order, with its row locked until the transaction ends on PostgreSQL (`FOR UPDATE`), so two
 * requests acting on one order take turns and the second sees the first one's outcome. SQLite
 * needs no lock: its write transactions already run one at a time.
 */
export async function loadOrder(db: Db, orderId: number, lockFor?: Dialect): Promise<LifecycleOrderRow | undefined> {
  let q = db
    .selectFrom('orders')
    .select(LIFECYCLE_COLUMNS)
    .where('id', '=', orderId);
  if (lockFor === 'postgres') q = q.forUpdate();
  return q.executeTakeFirst();
}

/** The order with its reseller's brand, for !GetOrderStatus. */
export async function orderHeader(db: Db, orderId: number) {
  return db
    .selectFrom('orders')
    .innerJoin('resellers', 'resellers.id', 'orders.reseller_id')
    .select(['orders.id', 'orders.reseller_id', 'orders.status', 'orders.total_cents', 'orders.currency', 'resellers.ap'])
    .where('orders.id', '=', orderId)
    .executeTakeFirst();
}

export async function itemsOfOrder(db: Db, orderId: number) {
  return db
    .selectFrom('order_items')
    .select(['item_no', 'ppp', 'product_code', 'term', 'price_cents'])
    .where('order_id', '=', orderId)
    .orderBy('item_no')
    .execute();
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

function ofAccount(account: AccountKey) {
  return 'customerId' in account
    ? sql<boolean>`o.customer_id = ${account.customerId} and o.reseller_id = ${account.resellerId}`
    : sql<boolean>`o.email_key = ${account.emailKey} and o.reseller_id = ${account.resellerId}`;
}

/** -45: an earlier order of the account used this offer (and was not rejected or cancelled). */
export async function offerUsed(tx: Db, account: AccountKey, offerCode: string): Promise<boolean> {
  const row = await sql<{ one: number }>`
    select 1 as one from orders o
    where ${ofAccount(account)} and o.offer_code = ${offerCode}
      and o.status not in ('rejected', 'cancelled')
    limit 1`.execute(tx);
  return row.rows.length > 0;
}

/**
 * -73: the account holds a live order of this product: waiting for authorization or payment, or
 * active with an unrevoked licence of the product that has not expired (`nowIso`).
 */
export async function liveOrderOf(tx: Db, account: AccountKey, productCode: string, nowIso: string): Promise<boolean> {
  const row = await sql<{ one: number }>`
    select 1 as one from orders o join order_items i on i.order_id = o.id
    where ${ofAccount(account)} and i.product_code = ${productCode}
      and (o.status in ('pending_authorization', 'awaiting_payment')
        or (o.status = 'active' and exists (
          select 1 from licences l
          where l.order_id = o.id and l.item_no = i.item_no and l.revoked_at is null and l.expires_at > ${nowIso})))
    limit 1`.execute(tx);
  return row.rows.length > 0;
}

/** -73 for once-ever products: any order of it that was not rejected, cancelled or refunded. */
export async function everOrdered(tx: Db, account: AccountKey, productCode: string): Promise<boolean> {
  const row = await sql<{ one: number }>`
    select 1 as one from orders o join order_items i on i.order_id = o.id
    where ${ofAccount(account)} and i.product_code = ${productCode}
      and o.status not in ('rejected', 'cancelled', 'refunded')
    limit 1`.execute(tx);
  return row.rows.length > 0;
}

/** A live order (not rejected, cancelled or refunded) that already renews this licence. */
export async function renewalExists(tx: Db, licenceCode: string): Promise<boolean> {
  const row = await tx
    .selectFrom('orders')
    .select('id')
    .where('renews_licence', '=', licenceCode)
    .where('status', 'not in', ['rejected', 'cancelled', 'refunded'])
    .executeTakeFirst();
  return row !== undefined;
}
