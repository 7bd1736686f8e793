// Licences: what an activated order gives its customer. One per item, with an unguessable code,
// a start and an expiry from the item's term (catalog: 30/45/90 days or 1–5 years).
import { randomBytes } from 'node:crypto';
import type { Catalog, Plan } from '../catalog/catalog.js';
import type { Db } from '../db/store.js';
import { findLicenceByCode, insertLicence } from './licences.repository.js';

/** RFC 4648 base32 alphabet: no lower case, no 0/1/8/9 to misread. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** 120 random bits as 24 base32 characters in groups of four: `ABCD-EFGH-…`. */
export function newLicenceCode(): string {
  const bytes = randomBytes(15);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out.match(/.{4}/g)!.join('-');
}

/**
 * The end of a term that starts at `start`. Days are 24-hour days; years are calendar years in
 * UTC (JavaScript's rule: 29 February plus one year is 1 March).
 */
export function termEnd(plan: Pick<Plan, 'days' | 'years'>, start: Date): Date {
  if (plan.days !== undefined) return new Date(start.getTime() + plan.days * 86_400_000);
  const end = new Date(start.getTime());
  end.setUTCFullYear(end.getUTCFullYear() + (plan.years ?? 0));
  return end;
}

export interface ActivatingOrder {
  id: number;
  resellerId: number;
  customerId: number | null;
  emailKey: string;
  /** The licence code this order renews, if any. */
  renewsLicence: string | null;
  items: ReadonlyArray<{ itemNo: number; ppp: number }>;
}

/**
 * Issues the order's licences. A renewal's term starts at the old licence's expiry (or now, if
 * that has passed), so the customer loses no day of the licence they renew.
 */
export async function issueLicences(tx: Db, catalog: Catalog, order: ActivatingOrder, now: Date): Promise<void> {
  const at = now.toISOString();
  const renewed = order.renewsLicence ? await findLicenceByCode(tx, order.renewsLicence) : undefined;
  for (const item of order.items) {
    const plan = catalog.plan(item.ppp);
    if (!plan) throw new Error(`order ${order.id}: PPP ${item.ppp} is not in the catalog`);
    let start = now;
    if (renewed && renewed.product_code === plan.product.code) {
      const oldExpiry = new Date(renewed.expires_at);
      if (oldExpiry > now) start = oldExpiry;
    }
    await insertLicence(tx, {
      code: newLicenceCode(),
      orderId: order.id,
      itemNo: item.itemNo,
      resellerId: order.resellerId,
      customerId: order.customerId,
      emailKey: order.emailKey,
      productCode: plan.product.code,
      ppp: plan.ppp,
      startsAt: start.toISOString(),
      expiresAt: termEnd(plan, start).toISOString(),
      renewsLicenceId: renewed && renewed.product_code === plan.product.code ? renewed.id : null,
      at,
    });
  }
}
