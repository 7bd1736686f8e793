// The web faces (issue #5): sign-in sessions of the reseller console and the customer portal,
// and the indexes that keep the console's order list fast on a million orders. Written once
// for both dialects.
import type { Kysely } from 'kysely';
import type { Dialect } from '../types.js';
import { types } from './index.js';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const t = types(dialect);
  // A session is found by the SHA-256 of its cookie value: a copy of this table cannot be
  // replayed as cookies. `csrf` is the synchronizer token every form of the session carries.
  await db.schema
    .createTable('web_sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('reseller_id', t.ref, (c) => c.references('resellers.id'))
    .addColumn('api_user_id', t.ref, (c) => c.references('api_users.id'))
    .addColumn('customer_id', t.ref, (c) => c.references('customers.id'))
    .addColumn('csrf', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('web_sessions_expires').on('web_sessions').column('expires_at').execute();

  // One order per ordering-page form: the form's one-time nonce is claimed before the order is
  // placed, so the same form sent twice (back button, double click) places one order.
  await db.schema
    .createTable('ordering_submissions')
    .addColumn('nonce', 'text', (c) => c.primaryKey())
    .addColumn('order_id', t.ref, (c) => c.references('orders.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ordering_submissions_created').on('ordering_submissions').column('created_at').execute();

  // The console lists a reseller's orders newest first, by (created_at, id), optionally by
  // status or email, with keyset pagination: each filter has an index that yields rows in
  // exactly that order, so a page costs the same on the first and the millionth order.
  await db.schema.createIndex('orders_reseller_created_id').on('orders').columns(['reseller_id', 'created_at', 'id']).execute();
  await db.schema
    .createIndex('orders_reseller_status_created_id')
    .on('orders')
    .columns(['reseller_id', 'status', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('orders_reseller_email_created_id')
    .on('orders')
    .columns(['reseller_id', 'email_key', 'created_at', 'id'])
    .execute();
  // The product filter looks orders up from their items.
  await db.schema.createIndex('order_items_product_order').on('order_items').columns(['product_code', 'order_id']).execute();
}
