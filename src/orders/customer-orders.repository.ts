// The orders table's reads for the customer portal: a customer's licences with their order
// and brand, the renewals already placed for them, and the orders not active yet. The portal
// is the customer's live view: orders of sandbox resellers (test orders, authorized without
// money) never appear in it (issue 13, finding 9).
import type { Db } from '../db/store.js';
import type { OrderStatus } from './orders.table.js';
import { ordersWithResellerQuery } from './orders-with-reseller.js';

/** Licences shown on one page; a customer with more sees the newest. */
export const MAX_LICENCES = 200;
/** Orders not active yet shown on one page. */
const MAX_WAITING = 50;

/** A licence of the customer, with what its renewal link needs of its order. */
export interface CustomerLicence {
  readonly code: string;
  readonly ppp: number;
  readonly productCode: string;
  readonly startsAt: string;
  readonly expiresAt: string;
  readonly revokedAt: string | null;
  readonly orderNumber: number;
  readonly orderStatus: OrderStatus;
  readonly resellerPays: boolean;
  readonly ap: string;
}

export async function licencesOfCustomer(db: Db, customerId: number): Promise<CustomerLicence[]> {
  const rows = await licencesOfCustomerQuery(db, customerId).execute();
  return rows.map((r) => ({
    code: r.code,
    ppp: r.ppp,
    productCode: r.product_code,
    startsAt: r.starts_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    orderNumber: r.order_id,
    orderStatus: r.status,
    resellerPays: r.reseller_pays === 1,
    ap: r.ap,
  }));
}

/** A customer's licences (`licences_customer`), newest expiry first: a sort of that customer's few. */
export function licencesOfCustomerQuery(db: Db, customerId: number) {
  return ordersWithResellerQuery(db)
    .innerJoin('licences', 'licences.order_id', 'orders.id')
    .select([
      'licences.code',
      'licences.ppp',
      'licences.product_code',
      'licences.starts_at',
      'licences.expires_at',
      'licences.revoked_at',
      'orders.id as order_id',
      'orders.status',
      'orders.reseller_pays',
      'orders.contact_json',
      'resellers.ap',
    ])
    .where('licences.customer_id', '=', customerId)
    .where('resellers.sandbox', '=', 0)
    .orderBy('licences.expires_at', 'desc')
    .limit(MAX_LICENCES);
}

/** Of these licence codes, the ones a live order already renews. */
export async function renewedCodes(db: Db, codes: readonly string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const rows = await renewedCodesQuery(db, codes).execute();
  return new Set(rows.map((r) => r.renews_licence!));
}

/** Looked up in `orders_renews_licence` (migration 008), which holds renewals only. */
export function renewedCodesQuery(db: Db, codes: readonly string[]) {
  return db.selectFrom('orders').select('renews_licence').where('renews_licence', 'in', [...codes]).where('status', 'not in', ['rejected', 'cancelled', 'refunded']);
}

/** An order of the customer that has no licence yet (waiting for authorization or payment). */
export interface WaitingOrder {
  readonly orderNumber: number;
  readonly status: OrderStatus;
  readonly createdAt: string;
  readonly totalCents: number;
  readonly currency: string;
}

export async function waitingOrdersOfCustomer(db: Db, customerId: number): Promise<WaitingOrder[]> {
  const rows = await waitingOrdersOfCustomerQuery(db, customerId).execute();
  return rows.map((w) => ({ orderNumber: w.id, status: w.status, createdAt: w.created_at, totalCents: w.total_cents, currency: w.currency }));
}

export function waitingOrdersOfCustomerQuery(db: Db, customerId: number) {
  return ordersWithResellerQuery(db)
    .select(['orders.id', 'orders.status', 'orders.created_at', 'orders.total_cents', 'orders.currency'])
    .where('orders.customer_id', '=', customerId)
    .where('resellers.sandbox', '=', 0)
    .where('orders.status', 'in', ['pending_authorization', 'awaiting_payment'])
    .orderBy('orders.id', 'desc')
    .limit(MAX_WAITING);
}
