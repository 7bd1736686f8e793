// Orders listed newest first, with their items: `placeorder orders list` and the console's
// pages of orders (which read their items with itemsOfOrdersQuery).
import type { Db } from '../db/store.js';
import type { OrderStatus } from './orders.table.js';
import { ordersWithResellerQuery } from './orders-with-reseller.js';

export interface OrderSummary {
  orderNumber: number;
  ap: string;
  status: OrderStatus;
  resellerPays: boolean;
  emailAddress: string;
  customerLoginName: string | null;
  totalCents: number;
  currency: string;
  createdAt: string;
  items: Array<{ itemNo: number; ppp: number; productCode: string; term: string; priceCents: number }>;
}

export interface ListOrdersQuery {
  /** One reseller's orders (by id: the CLI resolves the brand first), or everyone's. */
  resellerId?: number;
  /** Keyset pagination: orders with a number below this one. */
  beforeOrderNumber?: number;
  limit: number;
}

/**
 * Newest first by order number, `limit` of them below the cursor: the primary key, or
 * `orders_reseller_id (reseller_id, id)` for one reseller (migration 008), read from the cursor
 * on, so the last page of a million orders costs what the first does.
 */
export function listOrdersQuery(db: Db, q: ListOrdersQuery) {
  let query = ordersWithResellerQuery(db)
    .leftJoin('customers', 'customers.id', 'orders.customer_id')
    .select([
      'orders.id',
      'resellers.ap',
      'orders.status',
      'orders.reseller_pays',
      'orders.email_address',
      'customers.login_name',
      'orders.total_cents',
      'orders.currency',
      'orders.created_at',
    ])
    .orderBy('orders.id', 'desc')
    .limit(q.limit);
  if (q.resellerId !== undefined) query = query.where('orders.reseller_id', '=', q.resellerId);
  if (q.beforeOrderNumber !== undefined) query = query.where('orders.id', '<', q.beforeOrderNumber);
  return query;
}

/** The items of some orders (a page of a list), by order and item number. */
export function itemsOfOrdersQuery(db: Db, orderIds: readonly number[]) {
  return db
    .selectFrom('order_items')
    .select(['order_id', 'item_no', 'ppp', 'product_code', 'term', 'price_cents'])
    .where('order_id', 'in', [...orderIds])
    .orderBy('order_id')
    .orderBy('item_no');
}

export async function listOrders(db: Db, q: ListOrdersQuery): Promise<OrderSummary[]> {
  const rows = await listOrdersQuery(db, q).execute();
  if (rows.length === 0) return [];
  const items = await itemsOfOrdersQuery(db, rows.map((r) => r.id)).execute();
  const byOrder = new Map<number, OrderSummary['items']>();
  for (const i of items) {
    const list = byOrder.get(i.order_id) ?? [];
    list.push({ itemNo: i.item_no, ppp: i.ppp, productCode: i.product_code, term: i.term, priceCents: i.price_cents });
    byOrder.set(i.order_id, list);
  }
  return rows.map((r) => ({
    orderNumber: r.id,
    ap: r.ap,
    status: r.status,
    resellerPays: r.reseller_pays === 1,
    emailAddress: r.email_address,
    customerLoginName: r.login_name,
    totalCents: r.total_cents,
    currency: r.currency,
    createdAt: r.created_at,
    items: byOrder.get(r.id) ?? [],
  }));
}
