// Every query of the sandbox: the per-reseller test clock, and wiping a sandbox reseller's
// orders (with everything hanging off them) when the reseller resets its sandbox.
import type { Db } from '../db/store.js';

export async function clockOffsetSeconds(db: Db, resellerId: number): Promise<number> {
  const row = await db.selectFrom('sandbox_clocks').select('offset_seconds').where('reseller_id', '=', resellerId).executeTakeFirst();
  return row?.offset_seconds ?? 0;
}

export async function setClockOffset(tx: Db, resellerId: number, offsetSeconds: number, at: string): Promise<void> {
  await tx
    .insertInto('sandbox_clocks')
    .values({ reseller_id: resellerId, offset_seconds: offsetSeconds, updated_at: at })
    .onConflict((oc) => oc.column('reseller_id').doUpdateSet({ offset_seconds: offsetSeconds, updated_at: at }))
    .execute();
}

export async function sandboxResellerByAp(db: Db, ap: string): Promise<{ id: number; sandbox: boolean } | undefined> {
  const row = await db.selectFrom('resellers').select(['id', 'sandbox']).where('ap', '=', ap).executeTakeFirst();
  return row && { id: row.id, sandbox: row.sandbox === 1 };
}

export async function isSandboxReseller(db: Db, resellerId: number): Promise<boolean> {
  const row = await db.selectFrom('resellers').select('sandbox').where('id', '=', resellerId).executeTakeFirst();
  return row?.sandbox === 1;
}

export interface ResetCounts {
  orders: number;
}

/**
 * The statements that delete the reseller's orders and what hangs off them, children first.
 * Everything is found from the reseller's orders (`orders_reseller_id`) or events
 * (`order_events_reseller`) through indexed references: licences and audit records by their
 * order, not by a reseller column no index serves. Ledger rows are never deleted: a sandbox
 * reseller's orders never create any (lifecycle skips the money for them).
 */
export function sandboxDeleteQueries(tx: Db, resellerId: number) {
  const orderIds = tx.selectFrom('orders').select('id').where('reseller_id', '=', resellerId);
  const eventIds = tx.selectFrom('order_events').select('id').where('reseller_id', '=', resellerId);
  const deliveries = tx.selectFrom('webhook_deliveries').select('webhook_deliveries.id').where('event_row_id', 'in', eventIds);
  return [
    tx.deleteFrom('webhook_attempts').where('delivery_id', 'in', deliveries),
    tx.deleteFrom('webhook_deliveries').where('event_row_id', 'in', eventIds),
    tx.deleteFrom('order_events').where('reseller_id', '=', resellerId),
    // Renewals point at the licence they renew: unlink before deleting.
    tx.updateTable('licences').set({ renews_licence_id: null }).where('order_id', 'in', orderIds).where('renews_licence_id', 'is not', null),
    tx.deleteFrom('licences').where('order_id', 'in', orderIds),
    tx.deleteFrom('order_items').where('order_id', 'in', orderIds),
    // Orders placed from the ordering page are referenced by the form's one-time nonce.
    tx.deleteFrom('ordering_submissions').where('order_id', 'in', orderIds),
    tx.deleteFrom('audit_log').where('order_id', 'in', orderIds),
    // The keys of the reseller's customers and guests (`r:<id>:…`, src/place-order/routes.ts),
    // which could replay deleted orders, as a range of the primary key (a LIKE would not use it
    // on PostgreSQL). Its API users' keys (`api:<user>`) stay: the reset's own key is among them.
    tx.deleteFrom('idempotency_keys').where('scope', '>=', `r:${resellerId}:`).where('scope', '<', `r:${resellerId};`),
  ] as const;
}

export async function deleteSandboxData(tx: Db, resellerId: number): Promise<ResetCounts> {
  for (const q of sandboxDeleteQueries(tx, resellerId)) await q.execute();
  const r = await tx.deleteFrom('orders').where('reseller_id', '=', resellerId).executeTakeFirst();
  await tx.deleteFrom('sandbox_clocks').where('reseller_id', '=', resellerId).execute();
  return { orders: Number(r.numDeletedRows) };
}
