// Every query about orders, their items, the audit log and operator price overrides.
import type { Insertable } from 'kysely';
import { preparedQuery, preparedRowsQuery, type Executor } from '../db/prepared.js';
import { cachedRead } from '../db/read-cache.js';
import type { Db } from '../db/types.js';
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

type OrderRow = ReturnType<typeof orderRow>;
type ItemRow = ReturnType<typeof itemRow>;

/** New orders; each comes back with its request id, by which the caller finds its number. */
const INSERT_ORDERS = preparedRowsQuery<OrderRow, { id: number; request_id: string }>('insert orders', ORDER_COLUMNS, (db, rows) =>
  db
    .insertInto('orders')
    .values([...rows])
    .returning(['id', 'request_id']),
);
const INSERT_ITEMS = preparedRowsQuery<ItemRow, never>('insert order items', ITEM_COLUMNS, (db, rows) => db.insertInto('order_items').values([...rows]));

export async function insertOrder(tx: Db, o: NewOrder, items: readonly NewItem[]): Promise<number> {
  const [id] = await insertOrdersMany(tx, [{ order: o, items }]);
  return id!;
}

/** An order with its items, for insertOrdersMany. */
export interface NewOrderWrite {
  readonly order: NewOrder;
  readonly items: readonly NewItem[];
}

/**
 * Orders with their items, in two statements however many (the batch writer's, and a lone
 * order's). Returns the order numbers, in the order given. Request ids are unique per order.
 */
export async function insertOrdersMany(on: Executor | Db, writes: readonly NewOrderWrite[]): Promise<number[]> {
  const created = await INSERT_ORDERS.all(
    on,
    writes.map((w) => orderRow(w.order)),
  );
  const byRequest = new Map(created.map((r) => [r.request_id, r.id]));
  const ids = writes.map((w) => byRequest.get(w.order.requestId));
  if (created.length !== writes.length || ids.some((id) => id === undefined)) {
    throw new Error(`insert orders: ${created.length} rows back for ${writes.length} orders, or a request id twice`);
  }
  await INSERT_ITEMS.count(
    on,
    writes.flatMap((w, k) => w.items.map((i) => itemRow(ids[k]!, i))),
  );
  return ids as number[];
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

const INSERT_AUDIT = preparedRowsQuery<ReturnType<typeof auditRow>, never>('insert audit records', AUDIT_COLUMNS, (db, rows) =>
  db.insertInto('audit_log').values([...rows]),
);

/** Audit records, in one statement however many. */
export async function insertAudits(on: Executor | Db, entries: readonly AuditEntry[]): Promise<void> {
  await INSERT_AUDIT.count(on, entries.map(auditRow));
}

export async function insertAudit(tx: Db, a: AuditEntry): Promise<void> {
  await insertAudits(tx, [a]);
}

/**
 * Audit records after `afterId`, oldest first: one step of the retention purge's walk, which
 * goes by the primary key from the oldest record on (records are written in time order) rather
 * than by an index on `at` that every order would pay for (src/maintenance/purge.ts).
 */
export function auditAfterQuery(db: Db, afterId: number, limit: number) {
  return db.selectFrom('audit_log').select(['id', 'at']).where('id', '>', afterId).orderBy('id').limit(limit);
}

export function deleteAuditQuery(tx: Db, ids: readonly number[]) {
  return tx.deleteFrom('audit_log').where('id', 'in', [...ids]);
}

const PRICE_OVERRIDES = preparedQuery<object, { ppp: number; price_cents: number }>('price overrides', [], (db) =>
  db.selectFrom('price_overrides').select(['ppp', 'price_cents']),
);

/**
 * Operator prices for the given codes. The table holds at most one row per code of the catalog,
 * so it is read whole: kept between requests on PostgreSQL (src/db/read-cache.ts), shared by
 * the requests of an event-loop turn on SQLite.
 */
export async function priceOverrides(db: Db, ppps: readonly number[]): Promise<Map<number, number>> {
  if (ppps.length === 0) return new Map();
  const all = await cachedRead(db, 'price_overrides', () => PRICE_OVERRIDES.all(db, [{}]));
  const wanted = new Set(ppps);
  return new Map(all.filter((r) => wanted.has(r.ppp)).map((r) => [r.ppp, r.price_cents]));
}

export async function setPriceOverride(tx: Db, ppp: number, priceCents: number, at: string): Promise<void> {
  await tx
    .insertInto('price_overrides')
    .values({ ppp, price_cents: priceCents, updated_at: at })
    .onConflict((oc) => oc.column('ppp').doUpdateSet({ price_cents: priceCents, updated_at: at }))
    .execute();
}

/**
 * The order a request (by its request id) committed, for answering a retry after a crash. The
 * order was placed after its request claimed the Idempotency-Key (`since`), so the reseller's
 * orders are read from then on (`orders_reseller_created_id`): request ids have no index of
 * their own, which every order would pay for to serve this rare question.
 */
export function orderOfRequestQuery(db: Db, requestId: string, resellerId: number, since: string) {
  return db
    .selectFrom('orders')
    .select(['id', 'total_cents', 'currency'])
    .where('reseller_id', '=', resellerId)
    .where('created_at', '>=', since)
    .where('request_id', '=', requestId);
}

export async function orderOfRequest(
  db: Db,
  requestId: string,
  resellerId: number,
  since: string,
): Promise<{ id: number; total_cents: number; currency: string } | undefined> {
  return orderOfRequestQuery(db, requestId, resellerId, since).executeTakeFirst();
}
