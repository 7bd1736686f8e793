// The account rules of !PlaceOrder (docs/api/place-order.md, "Checking order"): -45, -73, -56,
// in that order, after the customer is proven (-16) and inside the order's transaction, so the
// history they read cannot change before the order is written.
import type { Plan } from '../catalog/catalog.js';
import type { Clock } from '../clock.js';
import { isoDate } from '../clock.js';
import type { Db, Dialect } from '../db/store.js';
import { Errors, fail } from '../errors.js';
import { findLicenceByCode } from '../licences/licences.repository.js';
import { everOrdered, liveOrderOf, lockAccount, offerUsed, renewalExists, type AccountKey } from './lifecycle.repository.js';

/** A licence may be renewed from this long before it expires (spec, error -56). */
export const RENEWAL_WINDOW_DAYS = 30;

export interface AccountRulesInput {
  /** The reseller the order is placed through: the rules read its orders only. */
  readonly resellerId: number;
  /** The customer account, or null for a guest order (rules then apply per email address). */
  readonly customerId: number | null;
  readonly emailAddress: string;
  readonly offerCode?: string | undefined;
  readonly licenceCode?: string | undefined;
  readonly items: ReadonlyArray<{ readonly no: number; readonly plan: { readonly product: Pick<Plan['product'], 'code' | 'swp' | 'oncePerAccount'> } }>;
}

/**
 * An order without an offer, a renewal or an SWP item reads no history, and no other order's
 * rule reads it (they look only at offers, renewals and SWP products): it needs no lock.
 */
export function readsHistory(order: Omit<AccountRulesInput, 'resellerId' | 'customerId' | 'emailAddress'>): boolean {
  return order.offerCode !== undefined || order.licenceCode !== undefined || order.items.some((i) => i.plan.product.swp);
}

export async function checkAccountRules(tx: Db, dialect: Dialect, clock: Clock, order: AccountRulesInput): Promise<void> {
  const account: AccountKey =
    order.customerId !== null
      ? { resellerId: order.resellerId, customerId: order.customerId }
      : { resellerId: order.resellerId, emailKey: order.emailAddress.toLowerCase() };
  // Taking the lock for every order serialized all orders of one account on PostgreSQL
  // (docs/benchmarks.md).
  if (!readsHistory(order)) return;
  await lockAccount(tx, dialect, account);
  const now = clock.now();

  // -45: a free offer once per account (an earlier order with it that was not rejected or cancelled).
  if (order.offerCode !== undefined && (await offerUsed(tx, account, order.offerCode))) {
    throw fail(Errors.OFFER_ONCE_PER_ACCOUNT, 'offerCode');
  }

  // -73: one live order per SWP product; a once-ever product (One Time Remediate) once ever.
  // A renewal continues a licence the account holds, so it is the one exception.
  // Two items of one SWP product in the same order are the same as two orders: the second is
  // -73 (outside attack on issue 14, F2: three One Time Remediates in one order).
  if (order.licenceCode === undefined) {
    const inThisOrder = new Set<string>();
    for (const item of order.items) {
      const product = item.plan.product;
      if (!product.swp) continue;
      if (inThisOrder.has(product.code)) throw fail(Errors.SWP_ALREADY_ORDERED, `${item.no}_PPP`);
      inThisOrder.add(product.code);
      const taken = product.oncePerAccount
        ? await everOrdered(tx, account, product.code)
        : await liveOrderOf(tx, account, product.code, now.toISOString());
      if (taken) throw fail(Errors.SWP_ALREADY_ORDERED, `${item.no}_PPP`);
    }
  }

  // -56: a renewal names a licence of this account, of the same product, not renewed already,
  // and comes at most 30 days before that licence expires.
  if (order.licenceCode !== undefined) {
    const licence = await findLicenceByCode(tx, order.licenceCode);
    const owned =
      licence !== undefined &&
      licence.revoked_at === null &&
      licence.reseller_id === account.resellerId &&
      ('customerId' in account ? licence.customer_id === account.customerId : licence.email_key === account.emailKey);
    if (!owned) throw fail(Errors.INVALID_VALUE, 'licenceCode');
    if (order.items.some((i) => i.plan.product.code !== licence.product_code)) throw fail(Errors.NOT_APPLICABLE, 'licenceCode');
    if (await renewalExists(tx, licence.code)) throw fail(Errors.INVALID_VALUE, 'licenceCode');
    const expiry = new Date(licence.expires_at);
    const opens = new Date(expiry.getTime() - RENEWAL_WINDOW_DAYS * 86_400_000);
    if (now < opens) throw fail(Errors.RENEWAL_TOO_EARLY, 'licenceCode', isoDate(expiry));
  }
}
