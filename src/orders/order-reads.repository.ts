// The orders table's reads for the reseller console (its list, one order's contact details,
// the orders waiting), the ordering page's receipt of a form sent twice, and the sandbox's
// forced failures. Writes and the order write path's reads are ./orders.repository.ts and
// ./lifecycle.repository.ts. Each `…Query` is the unexecuted query (test/scale reads its plan);
// the functions beside them return domain values, never raw rows.
import { sql } from 'kysely';
import type { Db } from '../db/store.js';
import { contactName } from '../customers/contact-name.js';
import { itemsOfOrdersQuery } from './order-list.repository.js';
import type { OrderStatus } from './orders.table.js';

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

/** One order of a reseller's list. */
export interface ListedOrder {
  readonly orderNumber: number;
  readonly status: OrderStatus;
  readonly emailAddress: string;
  readonly customerName: string;
  readonly totalCents: number;
  readonly currency: string;
  readonly createdAt: string;
}

const ORDER_LIST_COLUMNS = ['id', 'status', 'email_address', 'contact_json', 'total_cents', 'currency', 'created_at', 'reseller_pays'] as const;

/**
 * Newest first by (created_at, id), `limit` rows after the cursor. Each filter has an index of
 * migration 003 that yields rows in this order, so the database reads about `limit` rows
 * however many orders the reseller has (docs/web.md, "Orders list").
 */
export async function listResellerOrders(db: Db, f: OrderListFilter): Promise<ListedOrder[]> {
  return (await orderListQuery(db, f).execute()).map((r) => ({
    orderNumber: r.id,
    status: r.status,
    emailAddress: r.email_address,
    customerName: contactName(r.contact_json),
    totalCents: r.total_cents,
    currency: r.currency,
    createdAt: r.created_at,
  }));
}

/** The query of `listResellerOrders`, unexecuted (tests read its plan). */
export function orderListQuery(db: Db, f: OrderListFilter) {
  let q = db.selectFrom('orders').select(ORDER_LIST_COLUMNS).where('reseller_id', '=', f.resellerId);
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

/** The PPPs of some orders (a page of a list), by order and item number. */
export async function pppsOfOrders(db: Db, orderNumbers: readonly number[]): Promise<Array<{ orderNumber: number; ppp: number }>> {
  if (orderNumbers.length === 0) return [];
  const rows = await itemsOfOrdersQuery(db, orderNumbers).execute();
  return rows.map((i) => ({ orderNumber: i.order_id, ppp: i.ppp }));
}

/** The parts of an order the console shows besides its lifecycle status. */
export interface OrderContact {
  readonly orderNumber: number;
  readonly emailAddress: string;
  readonly customerName: string;
  /** reseller=Y: the reseller authorizes the order and its funds pay for it. */
  readonly resellerPays: boolean;
  readonly createdAt: string;
  readonly authorizedAt: string | null;
  readonly renewsLicence: string | null;
  readonly customerLoginName: string | null;
}

/** What the console reads of one order, with its customer's login name (guests have none: a left join). */
const ORDER_CONTACT_COLUMNS = [
  'orders.id',
  'orders.email_address',
  'orders.contact_json',
  'orders.reseller_pays',
  'orders.created_at',
  'orders.authorized_at',
  'orders.renews_licence',
  'orders.offer_code',
  'customers.login_name',
] as const;

export function orderContactQuery(db: Db, resellerId: number, orderId: number) {
  return db
    .selectFrom('orders')
    .leftJoin('customers', 'customers.id', 'orders.customer_id')
    .select(ORDER_CONTACT_COLUMNS)
    .where('orders.id', '=', orderId)
    .where('orders.reseller_id', '=', resellerId);
}

export async function orderContact(db: Db, resellerId: number, orderId: number): Promise<OrderContact | undefined> {
  const r = await orderContactQuery(db, resellerId, orderId).executeTakeFirst();
  return (
    r && {
      orderNumber: r.id,
      emailAddress: r.email_address,
      customerName: contactName(r.contact_json),
      resellerPays: r.reseller_pays === 1,
      createdAt: r.created_at,
      authorizedAt: r.authorized_at,
      renewsLicence: r.renews_licence,
      customerLoginName: r.login_name,
    }
  );
}

/** How many orders wait for the reseller's authorization, counted up to `countCap` (an index range, never more). */
export function pendingCountQuery(db: Db, resellerId: number, countCap: number) {
  return db
    .selectFrom((eb) => eb.selectFrom('orders').select('id').where('reseller_id', '=', resellerId).where('status', '=', 'pending_authorization').limit(countCap).as('p'))
    .select((eb) => eb.fn.countAll<number>().as('n'));
}

/** Orders waiting for the reseller's authorization, newest first, and how many there are (counted up to `countCap`). */
export async function pendingOrders(db: Db, resellerId: number, limit: number, countCap: number): Promise<{ orders: ListedOrder[]; count: number }> {
  const orders = await listResellerOrders(db, { resellerId, status: 'pending_authorization', limit });
  const counted = await pendingCountQuery(db, resellerId, countCap).executeTakeFirstOrThrow();
  return { orders, count: Number(counted.n) };
}

/** What the receipt of an order placed from an ordering form shows. */
export interface OrderReceipt {
  readonly orderNumber: number;
  readonly totalCents: number;
  readonly currency: string;
  readonly status: OrderStatus;
}

/** The order a claimed ordering-form nonce led to (src/ordering-submissions/ordering-submissions.repository.ts); undefined while none. */
export async function orderOfNonce(db: Db, nonce: string): Promise<OrderReceipt | undefined> {
  const r = await orderOfNonceQuery(db, nonce).executeTakeFirst();
  return r && { orderNumber: r.id, totalCents: r.total_cents, currency: r.currency, status: r.status };
}

export function orderOfNonceQuery(db: Db, nonce: string) {
  return db
    .selectFrom('ordering_submissions')
    .innerJoin('orders', 'orders.id', 'ordering_submissions.order_id')
    .select(['orders.id', 'orders.total_cents', 'orders.currency', 'orders.status'])
    .where('ordering_submissions.nonce', '=', nonce);
}

/** The email address an order was placed with (the sandbox's forced failures read it). */
export async function orderEmail(db: Db, orderId: number, resellerId: number): Promise<string | undefined> {
  return (await orderEmailQuery(db, orderId, resellerId).executeTakeFirst())?.email_address;
}

export function orderEmailQuery(db: Db, orderId: number, resellerId: number) {
  return db.selectFrom('orders').select('email_address').where('id', '=', orderId).where('reseller_id', '=', resellerId);
}
