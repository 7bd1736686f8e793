// The integrator's kit (issue 7): the sandbox test clock, webhook endpoints, the order-event
// outbox (written in the transaction of the change it reports) and the delivery bookkeeping.
import type { Kysely } from 'kysely';
import type { Dialect } from '../types.js';
import { types } from './index.js';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const t = types(dialect);
  await db.schema
    .createTable('sandbox_clocks')
    .addColumn('reseller_id', t.ref, (c) => c.primaryKey().references('resellers.id'))
    // How far this sandbox reseller's clock runs ahead of real time, in seconds.
    .addColumn('offset_seconds', t.ref, (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', t.id, (c) => t.idModifier(c))
    .addColumn('reseller_id', t.ref, (c) => c.notNull().references('resellers.id'))
    .addColumn('url', 'text', (c) => c.notNull())
    // The signing secret, shown once to the reseller; stored as given (it signs, it is not a password).
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_endpoints_reseller').on('webhook_endpoints').column('reseller_id').execute();
  await db.schema
    .createTable('order_events')
    .addColumn('id', t.id, (c) => t.idModifier(c))
    // Public event id (evt_…), what receivers deduplicate on.
    .addColumn('event_id', 'text', (c) => c.notNull().unique())
    .addColumn('reseller_id', t.ref, (c) => c.notNull().references('resellers.id'))
    .addColumn('order_id', t.ref, (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    // Events the scanner derives from time (expiring, expired) are recorded once per licence.
    .addColumn('dedup_key', 'text', (c) => c.unique())
    .addColumn('payload_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('order_events_reseller').on('order_events').columns(['reseller_id', 'id']).execute();
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', t.id, (c) => t.idModifier(c))
    .addColumn('event_row_id', t.ref, (c) => c.notNull().references('order_events.id'))
    .addColumn('endpoint_id', t.ref, (c) => c.notNull().references('webhook_endpoints.id'))
    // pending → delivered | failed (retries exhausted).
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    // A worker that claims a delivery holds it until then; after, another may take it over.
    .addColumn('lease_until', 'text')
    .addColumn('delivered_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_deliveries_event_endpoint').on('webhook_deliveries').columns(['event_row_id', 'endpoint_id']).unique().execute();
  await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['state', 'next_attempt_at']).execute();
  await db.schema
    .createTable('webhook_attempts')
    .addColumn('id', t.id, (c) => t.idModifier(c))
    .addColumn('delivery_id', t.ref, (c) => c.notNull().references('webhook_deliveries.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('http_status', 'integer')
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_attempts_delivery').on('webhook_attempts').column('delivery_id').execute();
  // The expiry scan (order.expiring / order.expired) reads licences by expiry time every minute.
  await db.schema.createIndex('licences_expires').on('licences').column('expires_at').execute();
}
