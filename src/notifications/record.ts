// The messages an order's lifecycle change causes, written in the change's transaction: the
// one call recordOrderEvents (src/webhooks/events.ts) makes. Placed orders are told by
// orderReceivedMessages (messages.ts), which the order's own commit calls.
import type { Db } from '../db/store.js';
import { licencesOfOrder } from '../licences/licences.repository.js';
import type { OrderEventType } from '../webhooks/webhooks.table.js';
import { brandOf } from './brand.repository.js';
import { contactName, type FundsLowView, type LicenceIssuedView, type RefundDoneView } from './messages.js';
import { insertMessages, type NewMessage } from './notifications.repository.js';
import { orderRecipient } from './sources.repository.js';

/** What an order's change says about it (src/webhooks/events.ts passes its OrderEventFacts). */
export interface ChangeFacts {
  readonly resellerId: number;
  readonly orderNumber: number;
  readonly totalCents: number;
  readonly currency: string;
  readonly at: string;
}

const CAUSES: ReadonlySet<OrderEventType> = new Set(['order.activated', 'order.refunded']);

/** Writes the messages of an order's change; no query at all for changes that tell nobody. */
export async function recordNotifications(tx: Db, types: readonly OrderEventType[], f: ChangeFacts): Promise<void> {
  if (!types.some((t) => CAUSES.has(t))) return;
  const order = await orderRecipient(tx, f.orderNumber);
  if (!order) return;
  const name = contactName(order.contact_json);
  const base = { resellerId: f.resellerId, subjectKey: `order:${f.orderNumber}`, recipient: order.email_address, at: f.at };
  const out: NewMessage[] = [];
  if (types.includes('order.activated')) {
    const licences = (await licencesOfOrder(tx, f.orderNumber)).map((l) => ({ code: l.code, ppp: l.ppp, expiresAt: l.expires_at }));
    out.push({ ...base, kind: 'licence_issued', facts: { orderNumber: f.orderNumber, name, licences } satisfies LicenceIssuedView });
  }
  if (types.includes('order.refunded')) {
    out.push({ ...base, kind: 'refund_done', facts: { orderNumber: f.orderNumber, name, totalCents: f.totalCents, currency: f.currency } satisfies RefundDoneView });
  }
  await insertMessages(tx, out);
}

/**
 * funds_low when this authorization's debit took the balance from at or above the reseller's
 * threshold to below it: once per crossing, not once per order below it. The debit comes last
 * in its transaction (it locks the reseller's balance until the commit), so the brand is read
 * before it, and the function this resolves with is called with the balance the debit left: it
 * writes the message only if the balance crossed, and reads nothing. A sandbox reseller's
 * orders move no money (src/sandbox), so they never cross.
 */
export async function watchFundsCrossing(tx: Db, f: ChangeFacts): Promise<(balanceAfterCents: number) => Promise<void>> {
  const brand = await brandOf(tx, f.resellerId);
  const to = brand?.mail_notices_to;
  const threshold = brand?.funds_threshold_cents ?? null;
  if (!brand || !to || threshold === null || f.totalCents <= 0 || brand.sandbox) return async () => {};
  return async (after) => {
    if (!(after + f.totalCents >= threshold && after < threshold)) return;
    const facts: FundsLowView = { balanceCents: after, thresholdCents: threshold, currency: brand.currency, orderNumber: f.orderNumber };
    await insertMessages(tx, [{ resellerId: f.resellerId, kind: 'funds_low', subjectKey: `order:${f.orderNumber}`, recipient: to, facts, at: f.at }]);
  };
}
