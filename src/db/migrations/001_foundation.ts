// Resellers, their API users and redirect origins; customers; orders with items; the audit
// log; operator price overrides. Written once for both dialects (see ./index.ts for `t`).
import type { Kysely } from 'kysely';
import type { Dialect } from '../types.js';
import { types } from './index.js';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const t = types(dialect);
  await db.schema
    .createTable('resellers')
    .addColumn('id', t.id, (c) => t.idModifier(c))
    .addColumn('ap', 'text', (c) => c.notNull().unique())
    .addColumn('validated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('suspended', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sandbox', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('permitted_ppp', 'text')
    .addColumn('credit_limit_cents', t.money, (c) => c.notNull().defaultTo(0))
    .addColumn('currency', 'text', (c) => c.notNull().defaultTo('USD'))
    .addColumn('redirect_secret', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('reseller_redirect_origins')
    .addColumn('reseller_id', t.ref, (c) => c.notNull().references('resellers.id'))
    .addColumn('origin', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('reseller_redirect_origins_pk', ['reseller_id', 'origin'])
    .execute();
  await db.schema
    .createTable('api_users')
    .addColumn('id', t.id, (c) => t.idModifier(c))
    .addColumn('reseller_id', t.ref, (c) => c.notNull().references('resellers.id'))
    .addColumn('login_name', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('ip_allow', 'text')
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'text')
    .addColumn('password_changed_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('customers')
    .addColumn('id', t.id, (c) => t.idModifier(c))
    .addColumn('login_name', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('email_address', 'text', (c) => c.notNull())
    .addColumn('details_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('orders')
    .addColumn('id', t.id, (c) => t.idModifier(c))
    .addColumn('reseller_id', t.ref, (c) => c.notNull().references('resellers.id'))
    .addColumn('customer_id', t.ref, (c) => c.references('customers.id'))
    .addColumn('email_key', 'text', (c) => c.notNull())
    .addColumn('email_address', 'text', (c) => c.notNull())
    .addColumn('contact_json', 'text', (c) => c.notNull())
    .addColumn('reseller_pays', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('total_cents', t.money, (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('offer_code', 'text')
    .addColumn('renews_licence', 'text')
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('orders_reseller_created').on('orders').columns(['reseller_id', 'created_at']).execute();
  await db.schema.createIndex('orders_reseller_status').on('orders').columns(['reseller_id', 'status', 'id']).execute();
  await db.schema.createIndex('orders_customer').on('orders').column('customer_id').execute();
  await db.schema.createIndex('orders_email_key').on('orders').column('email_key').execute();
  await db.schema
    .createTable('order_items')
    .addColumn('order_id', t.ref, (c) => c.notNull().references('orders.id'))
    .addColumn('item_no', 'integer', (c) => c.notNull())
    .addColumn('ppp', 'integer', (c) => c.notNull())
    .addColumn('product_code', 'text', (c) => c.notNull())
    .addColumn('term', 'text', (c) => c.notNull())
    .addColumn('list_price_cents', t.money, (c) => c.notNull())
    .addColumn('price_cents', t.money, (c) => c.notNull())
    .addColumn('visibility', 'integer', (c) => c.notNull())
    .addColumn('mac_address', 'text')
    .addPrimaryKeyConstraint('order_items_pk', ['order_id', 'item_no'])
    .execute();
  await db.schema
    .createTable('audit_log')
    .addColumn('id', t.id, (c) => t.idModifier(c))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('reseller_id', t.ref)
    .addColumn('order_id', t.ref)
    .addColumn('params_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_order').on('audit_log').column('order_id').execute();
  await db.schema
    .createTable('price_overrides')
    .addColumn('ppp', 'integer', (c) => c.primaryKey())
    .addColumn('price_cents', t.money, (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}
