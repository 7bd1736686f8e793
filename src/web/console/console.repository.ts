// The console's own questions: a reseller's orders, filtered and paged; one order's contact
// details; its redirect origins and an API user's settings. Authorizing, rejecting, refunding
// and the funds statement are issue #3's services (src/orders/lifecycle.service.ts,
// src/funds/funds.service.ts); this file does not repeat their SQL.
import { sql, type Selectable } from 'kysely';
import type { Db } from '../../db/store.js';
import { itemsOfOrdersQuery } from '../../orders/order-list.repository.js';
import type { OrderStatus, OrdersTable } from '../../orders/orders.table.js';

export interface OrderListFilter {
  readonly resellerId: number;
  readonly status?: OrderStatus | undefined;
  readonly productCode?: string | undefined;
  /** Lower-cased email address (orders.email_key). */
  readonly emailKey?: string | undefined;
  /** ISO instants: created_at >= from, created_at < to. */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** Keyset cursor: the last row of the previous page (newest first). */
  readonly after?: { readonly createdAt: string; readonly id: number } | undefined;
  readonly limit: number;
}

const ORDER_LIST_COLUMNS = ['id', 'status', 'email_address', 'contact_json', 'total_cents', 'currency', 'created_at', 'reseller_pays'] as const;

/** One row of the orders list: the columns of ORDER_LIST_COLUMNS, typed by the table. */
export type OrderListRow = Pick<Selectable<OrdersTable>, (typeof ORDER_LIST_COLUMNS)[number]>;

/**
 * Newest first by (created_at, id), `limit` rows after the cursor. Each filter has an index of
 * migration 003 that yields rows in this order, so the database reads about `limit` rows
 * however many orders the reseller has (docs/web.md, "Orders list").
 */
export async function listResellerOrders(db: Db, f: OrderListFilter): Promise<OrderListRow[]> {
  return orderListQuery(db, f).execute();
}

/** The query of `listResellerOrders`, unexecuted (tests read its plan). */
export function orderListQuery(db: Db, f: OrderListFilter) {
  let q = db
    .selectFrom('orders')
    .select(ORDER_LIST_COLUMNS)
    .where('reseller_id', '=', f.resellerId);
  if (f.status !== undefined) q = q.where('status', '=', f.status);
  if (f.emailKey !== undefined) q = q.where('email_key', '=', f.emailKey);
  if (f.from !== undefined) q = q.where('created_at', '>=', f.from);
  if (f.to !== undefined) q = q.where('created_at', '<', f.to);
  if (f.productCode !== undefined) {
    const code = f.productCode;
    q = q.where(({ exists, selectFrom }) =>
      exists(selectFrom('order_items').select(sql`1`.as('one')).whereRef('order_items.order_id', '=', 'orders.id').where('order_items.product_code', '=', code)),
    );
  }
  if (f.after !== undefined) {
    const a = f.after;
    // A row-value comparison, so that both databases seek the index to the cursor instead of
    // reading every newer row and filtering (deep pages cost the same as the first).
    q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(a.createdAt, a.id)));
  }
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit);
}

export async function itemsOfOrders(db: Db, orderIds: readonly number[]) {
  if (orderIds.length === 0) return [];
  return itemsOfOrdersQuery(db, orderIds).execute();
}

/** The parts of an order the console shows besides its lifecycle status. */
export function orderContactQuery(db: Db, resellerId: number, orderId: number) {
  return db
    .selectFrom('orders')
    .leftJoin('customers', 'customers.id', 'orders.customer_id')
    .select([
      'orders.id',
      'orders.email_address',
      'orders.contact_json',
      'orders.reseller_pays',
      'orders.created_at',
      'orders.authorized_at',
      'orders.renews_licence',
      'orders.offer_code',
      'customers.login_name',
    ])
    .where('orders.id', '=', orderId)
    .where('orders.reseller_id', '=', resellerId);
}

export async function orderContact(db: Db, resellerId: number, orderId: number) {
  return orderContactQuery(db, resellerId, orderId).executeTakeFirst();
}

/** How many orders wait for the reseller's authorization, counted up to `countCap` (an index range, never more). */
export function pendingCountQuery(db: Db, resellerId: number, countCap: number) {
  return db
    .selectFrom((eb) =>
      eb
        .selectFrom('orders')
        .select('id')
        .where('reseller_id', '=', resellerId)
        .where('status', '=', 'pending_authorization')
        .limit(countCap)
        .as('p'),
    )
    .select((eb) => eb.fn.countAll<number>().as('n'));
}

/** Orders waiting for the reseller's authorization, newest first, and how many there are (counted up to `countCap`). */
export async function pendingOrders(db: Db, resellerId: number, limit: number, countCap: number) {
  const rows = await listResellerOrders(db, { resellerId, status: 'pending_authorization', limit });
  const counted = await pendingCountQuery(db, resellerId, countCap).executeTakeFirstOrThrow();
  return { rows, count: Number(counted.n) };
}

export async function redirectOriginsOf(db: Db, resellerId: number): Promise<string[]> {
  const rows = await db.selectFrom('reseller_redirect_origins').select('origin').where('reseller_id', '=', resellerId).orderBy('origin').execute();
  return rows.map((r) => r.origin);
}

export async function removeRedirectOrigin(tx: Db, resellerId: number, origin: string): Promise<void> {
  await tx.deleteFrom('reseller_redirect_origins').where('reseller_id', '=', resellerId).where('origin', '=', origin).execute();
}

export async function apiUserSettings(db: Db, apiUserId: number) {
  return db.selectFrom('api_users').select(['id', 'login_name', 'ip_allow', 'password_hash', 'password_changed_at']).where('id', '=', apiUserId).executeTakeFirst();
}

export async function setIpAllow(tx: Db, apiUserId: number, ipAllowJson: string | null): Promise<void> {
  await tx.updateTable('api_users').set({ ip_allow: ipAllowJson }).where('id', '=', apiUserId).execute();
}

export async function resellerById(db: Db, resellerId: number) {
  return db.selectFrom('resellers').select(['id', 'ap', 'suspended', 'permitted_ppp']).where('id', '=', resellerId).executeTakeFirst();
}
