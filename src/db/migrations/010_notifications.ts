// Notifications by email (issue 17): the message outbox, customers' unsubscribes from
// reminders, the key that signs unsubscribe links, and the reseller's brand settings.
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../store.js';
import { types } from './index.js';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const t = types(dialect);
  await db.schema
    .createTable('notification_messages')
    .addColumn('id', t.id, (c) => t.idModifier(c))
    .addColumn('reseller_id', t.ref, (c) => c.notNull().references('resellers.id'))
    // order_received, licence_issued, reminder_30 …, funds_low, digest, webhook_failing.
    .addColumn('kind', 'text', (c) => c.notNull())
    // What the message is about: `order:12`, `licence:7`, `day:2026-03-01`, `endpoint:3:2026-03-01`.
    .addColumn('subject_key', 'text', (c) => c.notNull())
    // Lower-cased address.
    .addColumn('recipient', 'text', (c) => c.notNull())
    // The facts the template renders, as the event knew them.
    .addColumn('facts_json', 'text', (c) => c.notNull())
    // pending → sending → sent | pending (retry) | failed (permanent, or retries exhausted) |
    // cancelled (a reminder whose customer unsubscribed before it went).
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    // When a pending message is due; while `sending`, when the sender's lease ends (a process
    // that died mid-send leaves the message due again then).
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute();
  // At most one message per (kind, subject, recipient), whatever the number of processes.
  await db.schema.createIndex('notification_messages_once').on('notification_messages').columns(['kind', 'subject_key', 'recipient']).unique().execute();
  // The dispatcher reads the pending and the leased ones, never the sent history.
  await db.schema.createIndex('notification_messages_due').on('notification_messages').columns(['state', 'next_attempt_at']).execute();
  // The console's and the CLI's list, newest first per reseller.
  await db.schema.createIndex('notification_messages_reseller').on('notification_messages').columns(['reseller_id', 'id']).execute();
  await db.schema
    .createTable('notification_unsubscribes')
    .addColumn('reseller_id', t.ref, (c) => c.notNull().references('resellers.id'))
    .addColumn('email_key', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_unsubscribes_pk', ['reseller_id', 'email_key'])
    .execute();
  // One key for every process (unsubscribe links outlive any process), made once here.
  await db.schema
    .createTable('notification_keys')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('secret', 'text', (c) => c.notNull())
    .execute();
  await sql`insert into notification_keys (id, secret) values (1, ${randomBytes(32).toString('base64url')})`.execute(db);
  await db.schema.alterTable('resellers').addColumn('mail_sender_name', 'text').execute();
  await db.schema.alterTable('resellers').addColumn('mail_reply_to', 'text').execute();
  await db.schema.alterTable('resellers').addColumn('mail_footer', 'text').execute();
  // Where the reseller's own notices go (funds, digest, webhooks); none without it.
  await db.schema.alterTable('resellers').addColumn('mail_notices_to', 'text').execute();
  await db.schema.alterTable('resellers').addColumn('funds_threshold_cents', t.money).execute();
}
