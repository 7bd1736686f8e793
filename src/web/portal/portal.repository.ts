// The portal's questions: a customer's licences with their order and brand, and the
// renewals already placed for them. The portal is the customer's live view: orders of sandbox
// resellers (test orders, authorized without money) never appear in it (issue 13, finding 9).
import type { Db } from '../../db/store.js';

/** Licences shown on one page; a customer with more sees the newest. */
export const MAX_LICENCES = 200;

export async function licencesOfCustomer(db: Db, customerId: number) {
  return licencesOfCustomerQuery(db, customerId).execute();
}

/** A customer's licences (`licences_customer`), newest expiry first: a sort of that customer's few. */
export function licencesOfCustomerQuery(db: Db, customerId: number) {
  return db
    .selectFrom('licences')
    .innerJoin('orders', 'orders.id', 'licences.order_id')
    .innerJoin('resellers', 'resellers.id', 'orders.reseller_id')
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

/** Orders of this customer that have no licence yet (waiting for authorization or payment). */
export async function waitingOrdersOfCustomer(db: Db, customerId: number) {
  return waitingOrdersOfCustomerQuery(db, customerId).execute();
}

export function waitingOrdersOfCustomerQuery(db: Db, customerId: number) {
  return db
    .selectFrom('orders')
    .innerJoin('resellers', 'resellers.id', 'orders.reseller_id')
    .select(['orders.id', 'orders.status', 'orders.created_at', 'orders.total_cents', 'orders.currency'])
    .where('orders.customer_id', '=', customerId)
    .where('resellers.sandbox', '=', 0)
    .where('orders.status', 'in', ['pending_authorization', 'awaiting_payment'])
    .orderBy('orders.id', 'desc')
    .limit(50);
}

export function customerByIdQuery(db: Db, customerId: number) {
  return db.selectFrom('customers').select(['id', 'login_name', 'email_address', 'details_json']).where('id', '=', customerId);
}

export async function customerById(db: Db, customerId: number) {
  return customerByIdQuery(db, customerId).executeTakeFirst();
}
