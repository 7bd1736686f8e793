// Every query about orders, their items, the audit log and operator price overrides.
import type { Insertable } from 'kysely';
import { columnValues, insertSql, rawSqlite, type RawSqlite } from '../db/raw-sqlite.js';
import type { Db } from '../db/store.js';
import type { AuditTable, OrderItemsTable, OrdersTable, OrderStatus } from './orders.table.js';

export interface NewOrder {
  resellerId: number;
  customerId: number | null;
  emailAddress: string;
  contactJson: string;
  resellerPays: boolean;
  status: OrderStatus;
  totalCents: number;
  currency: string;
  region: string;
  offerCode: string | null;
  renewsLicence: string | null;
  requestId: string;
  at: string;
}

export interface NewItem {
  itemNo: number;
  ppp: number;
  productCode: string;
  term: string;
  listPriceCents: number;
  priceCents: number;
  visibility: number;
  macAddress: string | null;
}

const ORDER_COLUMNS = [
  'reseller_id',
  'customer_id',
  'email_key',
  'email_address',
  'contact_json',
  'reseller_pays',
  'status',
  'total_cents',
  'currency',
  'region',
  'offer_code',
  'renews_licence',
  'request_id',
  'created_at',
  'updated_at',
] as const satisfies ReadonlyArray<keyof OrdersTable>;
const ITEM_COLUMNS = [
  'order_id',
  'item_no',
  'ppp',
  'product_code',
  'term',
  'list_price_cents',
  'price_cents',
  'visibility',
  'mac_address',
] as const satisfies ReadonlyArray<keyof OrderItemsTable>;
const INSERT_ORDER_SQL = insertSql('orders', ORDER_COLUMNS);
const INSERT_ITEM_SQL = insertSql('order_items', ITEM_COLUMNS);

function orderRow(o: NewOrder) {
  return {
    reseller_id: o.resellerId,
    customer_id: o.customerId,
    email_key: o.emailAddress.toLowerCase(),
    email_address: o.emailAddress,
    contact_json: o.contactJson,
    reseller_pays: o.resellerPays ? 1 : 0,
    status: o.status,
    total_cents: o.totalCents,
    currency: o.currency,
    region: o.region,
    offer_code: o.offerCode,
    renews_licence: o.renewsLicence,
    request_id: o.requestId,
    created_at: o.at,
    updated_at: o.at,
  } satisfies Record<(typeof ORDER_COLUMNS)[number], unknown> & Insertable<OrdersTable>;
}

function itemRow(orderId: number, i: NewItem) {
  return {
    order_id: orderId,
    item_no: i.itemNo,
    ppp: i.ppp,
    product_code: i.productCode,
    term: i.term,
    list_price_cents: i.listPriceCents,
    price_cents: i.priceCents,
    visibility: i.visibility,
    mac_address: i.macAddress,
  } satisfies Record<(typeof ITEM_COLUMNS)[number], unknown> & Insertable<OrderItemsTable>;
}

export async function insertOrder(tx: Db, o: NewOrder, items: readonly NewItem[]): Promise<number> {
  const order = orderRow(o);
  const raw = rawSqlite(tx);
  if (raw) {
    // The new row's id without `returning`, which SQLite collects in a temporary table of its own.
    const id = Number(raw.run(INSERT_ORDER_SQL, ...columnValues(order, ORDER_COLUMNS)).lastInsertRowid);
    for (const i of items) raw.run(INSERT_ITEM_SQL, ...columnValues(itemRow(id, i), ITEM_COLUMNS));
    return id;
  }
  const { id } = await tx.insertInto('orders').values(order).returning('id').executeTakeFirstOrThrow();
  await tx.insertInto('order_items').values(items.map((i) => itemRow(id, i))).execute();
  return id;
}

/** An order with its items and its audit record, for insertOrdersMany. */
export interface NewOrderWrite {
  readonly order: NewOrder;
  readonly items: readonly NewItem[];
  readonly audit: Omit<AuditEntry, 'orderId'>;
}

/**
 * Several orders with their items and audit records, as insertOrder and insertAudit would write
 * them one after the other, in a few multi-row statements (SQLite; the writer's batches,
 * src/place-order/service.ts). Returns the order numbers, in the order given.
 */
export function insertOrdersMany(raw: RawSqlite, writes: readonly NewOrderWrite[]): number[] {
  const ids = raw.insertMany(
    'orders',
    ORDER_COLUMNS,
    writes.map((w) => columnValues(orderRow(w.order), ORDER_COLUMNS)),
  );
  raw.insertMany(
    'order_items',
    ITEM_COLUMNS,
    writes.flatMap((w, k) => w.items.map((i) => columnValues(itemRow(ids[k]!, i), ITEM_COLUMNS))),
  );
  raw.insertMany(
    'audit_log',
    AUDIT_COLUMNS,
    writes.map((w, k) => columnValues(auditRow({ ...w.audit, orderId: ids[k]! }), AUDIT_COLUMNS)),
  );
  return ids;
}

export interface AuditEntry {
  at: string;
  kind: string;
  requestId: string;
  resellerId: number | null;
  orderId: number | null;
  params: Record<string, string>;
}

const AUDIT_COLUMNS = ['at', 'kind', 'request_id', 'reseller_id', 'order_id', 'params_json'] as const satisfies ReadonlyArray<
  keyof AuditTable
>;
const INSERT_AUDIT_SQL = insertSql('audit_log', AUDIT_COLUMNS);

function auditRow(a: AuditEntry) {
  return {
    at: a.at,
    kind: a.kind,
    request_id: a.requestId,
    reseller_id: a.resellerId,
    order_id: a.orderId,
    params_json: JSON.stringify(a.params),
  } satisfies Record<(typeof AUDIT_COLUMNS)[number], unknown> & Insertable<AuditTable>;
}

export async function insertAudit(tx: Db, a: AuditEntry): Promise<void> {
  const row = auditRow(a);
  const raw = rawSqlite(tx);
  if (raw) raw.run(INSERT_AUDIT_SQL, ...columnValues(row, AUDIT_COLUMNS));
  else await tx.insertInto('audit_log').values(row).execute();
}

/** Operator prices for the given codes; on SQLite one statement per code (the index's lookup). */
export async function priceOverrides(db: Db, ppps: readonly number[]): Promise<Map<number, number>> {
  if (ppps.length === 0) return new Map();
  const raw = rawSqlite(db);
  if (raw) {
    const found = new Map<number, number>();
    for (const ppp of new Set(ppps)) {
      const row = raw.get<{ price_cents: number }>('select price_cents from price_overrides where ppp = ?', ppp);
      if (row) found.set(ppp, row.price_cents);
    }
    return found;
  }
  const rows = await db.selectFrom('price_overrides').select(['ppp', 'price_cents']).where('ppp', 'in', [...ppps]).execute();
  return new Map(rows.map((r) => [r.ppp, r.price_cents]));
}

export async function setPriceOverride(tx: Db, ppp: number, priceCents: number, at: string): Promise<void> {
  await tx
    .insertInto('price_overrides')
    .values({ ppp, price_cents: priceCents, updated_at: at })
    .onConflict((oc) => oc.column('ppp').doUpdateSet({ price_cents: priceCents, updated_at: at }))
    .execute();
}

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
  ap?: string;
  /** Keyset pagination: orders with a number below this one. */
  beforeOrderNumber?: number;
  limit: number;
}

export async function listOrders(db: Db, q: ListOrdersQuery): Promise<OrderSummary[]> {
  let query = db
    .selectFrom('orders')
    .innerJoin('resellers', 'resellers.id', 'orders.reseller_id')
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
  if (q.ap !== undefined) query = query.where('resellers.ap', '=', q.ap);
  if (q.beforeOrderNumber !== undefined) query = query.where('orders.id', '<', q.beforeOrderNumber);
  const rows = await query.execute();
  if (rows.length === 0) return [];
  const items = await db
    .selectFrom('order_items')
    .select(['order_id', 'item_no', 'ppp', 'product_code', 'term', 'price_cents'])
    .where('order_id', 'in', rows.map((r) => r.id))
    .orderBy('order_id')
    .orderBy('item_no')
    .execute();
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

/** The order a request (by its request id) committed, for answering a retry after a crash. */
export async function orderOfRequest(
  db: Db,
  requestId: string,
  resellerId: number,
): Promise<{ id: number; total_cents: number; currency: string } | undefined> {
  return db
    .selectFrom('orders')
    .select(['id', 'total_cents', 'currency'])
    .where('request_id', '=', requestId)
    .where('reseller_id', '=', resellerId)
    .executeTakeFirst();
}
