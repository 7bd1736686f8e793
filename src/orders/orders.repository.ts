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
