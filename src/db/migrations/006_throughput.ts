// Two indexes on `orders` that others already cover, dropped: every placed order paid a page
// write for each (docs/benchmarks.md). `orders_reseller_created (reseller_id, created_at)` is a
// prefix of 003's `orders_reseller_created_id`, and `orders_email_key (email_key)` a prefix of
// 002's `orders_offer_email (email_key, offer_code)`; any query either served, those serve.
import type { Kysely } from 'kysely';
import type { Dialect } from '../types.js';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.dropIndex('orders_reseller_created').execute();
  await db.schema.dropIndex('orders_email_key').execute();
}
