// The reads of other concepts' tables that decide which messages to write: an order's
// recipient, licences due a reminder, orders waiting for authorization, failing webhook
// endpoints, and the resellers that take notices. Each is planned on an index
// (test/scale/query-plans.test.ts).
import { sql } from 'kysely';
import type { Db } from '../db/store.js';
import { expiringLicencesQuery, type ExpiryRange } from '../licences/licences.repository.js';
import type { MessageKind } from './notifications.table.js';

export async function orderRecipient(db: Db, orderId: number) {
  return db.selectFrom('orders').select(['email_address', 'contact_json']).where('id', '=', orderId).executeTakeFirst();
}

/** Which licences a reminder scan asks about: expiring in (after, until], one kind of reminder, a clock scope's resellers. */
export interface ReminderScan extends ExpiryRange {
  readonly kind: MessageKind;
}

/**
 * Unrevoked licences (their orders are active) expiring in (after, until] that have no message
 * of this kind yet and whose customer has not unsubscribed from the reseller's reminders
 * (renewed ones are left out by renewedAmong: as a condition here, PostgreSQL walked every
 * renewal for it): a range of `licences_expires` in expiry order, as the webhook expiry
 * scan reads it (src/webhooks/expiry.repository.ts).
 */
export function reminderCandidatesQuery(db: Db, s: ReminderScan) {
  return expiringLicencesQuery(db, s)
    .innerJoin('resellers as r', 'r.id', 'l.reseller_id')
    .select((eb) => [
      'l.id as licence_id',
      'l.order_id',
      'l.reseller_id',
      'l.email_key',
      'l.code',
      'l.ppp',
      'l.expires_at',
      'l.created_at',
      'r.ap',
      eb.fn.coalesce(eb.selectFrom('orders as o').whereRef('o.id', '=', 'l.order_id').select('o.contact_json'), sql.lit('{}')).as('contact_json'),
    ])
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('notification_messages as m')
            .select('m.id')
            .where('m.kind', '=', s.kind)
            .whereRef('m.subject_key', '=', sql<string>`${sql.lit('licence:')} || cast(l.id as text)`),
        ),
      ),
    )
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('notification_unsubscribes as u').select('u.at').whereRef('u.reseller_id', '=', 'l.reseller_id').whereRef('u.email_key', '=', 'l.email_key'))),
    );
}

export async function reminderCandidates(db: Db, s: ReminderScan) {
  return reminderCandidatesQuery(db, s).execute();
}

/** Which of these licences a later licence renews (`licences_renews_licence`). */
export function renewedAmongQuery(db: Db, licenceIds: readonly number[]) {
  return db.selectFrom('licences').select('renews_licence_id').where('renews_licence_id', 'in', [...licenceIds]);
}

export async function renewedAmong(db: Db, licenceIds: readonly number[]): Promise<Set<number>> {
  if (licenceIds.length === 0) return new Set();
  return new Set((await renewedAmongQuery(db, licenceIds).execute()).map((r) => r.renews_licence_id!));
}

/** Resellers that take notices (few): the digest and the webhook check run for each. */
export async function noticeTakers(db: Db) {
  return db.selectFrom('resellers').select(['id', 'mail_notices_to']).where('mail_notices_to', 'is not', null).orderBy('id').limit(10_000).execute();
}

/** Whether this message exists (`notification_messages_once`). */
export async function messageExists(db: Db, kind: MessageKind, subjectKey: string, recipient: string): Promise<boolean> {
  const row = await db
    .selectFrom('notification_messages')
    .select('id')
    .where('kind', '=', kind)
    .where('subject_key', '=', subjectKey)
    .where('recipient', '=', recipient.toLowerCase())
    .executeTakeFirst();
  return row !== undefined;
}

/** The reseller's orders waiting for its authorization since before `before`, oldest first (`orders_reseller_status_created_id`). */
export function waitingOrdersQuery(db: Db, resellerId: number, before: string, limit: number) {
  return db
    .selectFrom('orders')
    .select(['id', 'created_at', 'total_cents', 'currency'])
    .where('reseller_id', '=', resellerId)
    .where('status', '=', 'pending_authorization')
    .where('created_at', '<=', before)
    .orderBy('created_at')
    .limit(limit);
}

export async function waitingOrders(db: Db, resellerId: number, before: string, limit: number) {
  return waitingOrdersQuery(db, resellerId, before, limit).execute();
}

/**
 * The reseller's active endpoints with a delivery still pending after a failed attempt, first
 * made before `before`: failing for that long. From the pending deliveries (`webhook_deliveries_due`).
 */
export function failingEndpointsQuery(db: Db, resellerId: number, before: string) {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_endpoints as w', 'w.id', 'd.endpoint_id')
    .select((eb) => ['w.id', 'w.url', eb.fn.min('d.created_at').as('since'), eb.fn.countAll().as('pending')])
    .where('d.state', '=', 'pending')
    .where('d.attempts', '>=', 1)
    .where('w.reseller_id', '=', resellerId)
    .where('w.active', '=', 1)
    .groupBy(['w.id', 'w.url'])
    .having((eb) => eb.fn.min('d.created_at'), '<=', before);
}

export async function failingEndpoints(db: Db, resellerId: number, before: string) {
  return failingEndpointsQuery(db, resellerId, before).execute();
}
