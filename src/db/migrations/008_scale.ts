// A year of orders (issue 15): the indexes that the reads found scanning a large table at a
// million orders need (test/scale/query-plans.test.ts shows each plan; docs/operations.md,
// "Growth"). Three of them are partial: they hold the few rows that have a value (renewals,
// orders with a ledger transaction), so an order that has none writes nothing to them.
import type { Kysely } from 'kysely';
import type { Dialect } from '../types.js';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  // `(reseller_id, status, id)` served nothing `(reseller_id, status, created_at, id)` (003)
  // does not, and walked every active order for the licence-expiry scan, whose status
  // condition it matched without its reseller. A reseller's orders by number, newest first
  // (`placeorder orders list --ap`, paged by order number), need `(reseller_id, id)` instead:
  // one index for one, so a placed order writes as many index entries as before.
  await db.schema.dropIndex('orders_reseller_status').execute();
  await db.schema.createIndex('orders_reseller_id').on('orders').columns(['reseller_id', 'id']).execute();
  // -56 and the portal ask whether a live order renews a licence: without this, every order.
  await db.schema.createIndex('orders_renews_licence').on('orders').column('renews_licence').where('renews_licence', 'is not', null).execute();
  // Foreign keys that point at orders and licences are looked up from the child side when a
  // parent row goes (`placeorder sandbox reset`): without these, once per deleted row, a scan.
  await db.schema.createIndex('licences_renews_licence').on('licences').column('renews_licence_id').where('renews_licence_id', 'is not', null).execute();
  await db.schema.createIndex('ledger_transactions_order').on('ledger_transactions').column('order_id').where('order_id', 'is not', null).execute();
}
