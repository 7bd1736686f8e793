// Every query of webhooks: endpoints, the order-event outbox, deliveries and their attempts.
import { sql } from 'kysely';
import { preparedRowsQuery, type Executor } from '../db/prepared.js';
import type { Db } from '../db/types.js';
import type { DeliveryState, OrderEventType } from './webhooks.table.js';

/** A delivery's "due" time for a new event: always in the past, whatever a sandbox clock says. */
export const DUE_NOW = '1970-01-01T00:00:00.000Z';

export interface NewEvent {
  eventId: string;
  orderId: number;
  type: OrderEventType;
  dedupKey: string | null;
  payloadJson: string;
  at: string;
}

const EVENT_COLUMNS = ['event_id', 'reseller_id', 'order_id', 'type', 'dedup_key', 'payload_json', 'created_at'] as const;
type EventRow = Record<(typeof EVENT_COLUMNS)[number], string | number | null>;

/** New events; one whose dedup key is recorded already is skipped. */
const INSERT_EVENTS = preparedRowsQuery<EventRow, { id: number }>('insert order events', EVENT_COLUMNS, (db, rows) =>
  db
    .insertInto('order_events')
    .values(rows as never)
    .onConflict((oc) => oc.column('dedup_key').doNothing())
    .returning('id'),
);

/** One pending delivery per event (by row id) and active endpoint of the event's reseller. */
const INSERT_DELIVERIES = preparedRowsQuery<{ id: number }, never>('insert webhook deliveries', ['id'], (db, rows) =>
  db
    .insertInto('webhook_deliveries')
    .columns(['event_row_id', 'endpoint_id', 'state', 'attempts', 'next_attempt_at', 'lease_until', 'delivered_at', 'created_at'])
    .expression(
      db
        .selectFrom('order_events as e')
        .innerJoin('webhook_endpoints as w', 'w.reseller_id', 'e.reseller_id')
        .select([
          'e.id as event_row_id',
          'w.id as endpoint_id',
          sql.lit('pending').as('state'),
          sql.lit(0).as('attempts'),
          sql.lit(DUE_NOW).as('next_attempt_at'),
          sql.lit(null).as('lease_until'),
          sql.lit(null).as('delivered_at'),
          'e.created_at',
        ])
        .where(
          'e.id',
          'in',
          rows.map((r) => r.id),
        )
        .where('w.active', '=', 1),
    ),
);

/**
 * Events of one or several resellers with one pending delivery per event and active endpoint of
 * its reseller: two statements however many events. An event whose dedup key is recorded
 * already is skipped. Returns the row ids written.
 */
export async function insertEventsMany(on: Executor | Db, events: ReadonlyArray<NewEvent & { readonly resellerId: number }>): Promise<number[]> {
  if (events.length === 0) return [];
  const rows = await INSERT_EVENTS.all(
    on,
    events.map((e) => ({
      event_id: e.eventId,
      reseller_id: e.resellerId,
      order_id: e.orderId,
      type: e.type,
      dedup_key: e.dedupKey,
      payload_json: e.payloadJson,
      created_at: e.at,
    })),
  );
  await INSERT_DELIVERIES.count(on, rows);
  return rows.map((r) => r.id);
}

/** insertEventsMany for the events of one reseller. */
export function insertEvents(tx: Db, resellerId: number, events: readonly NewEvent[]): Promise<number[]> {
  return insertEventsMany(
    tx,
    events.map((e) => ({ ...e, resellerId })),
  );
}

export interface DueDelivery {
  id: number;
  attempts: number;
  event_id: string;
  payload_json: string;
  url: string;
  secret: string;
}

/** Pending deliveries whose time has come and whose lease (if any) has run out. */
export async function dueDeliveries(db: Db, nowIso: string, limit: number): Promise<DueDelivery[]> {
  return dueDeliveriesQuery(db, nowIso, limit).execute();
}

/** From `webhook_deliveries_due (state, next_attempt_at)`: the pending ones only, never the delivered history, longest due first. */
export function dueDeliveriesQuery(db: Db, nowIso: string, limit: number) {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('order_events as e', 'e.id', 'd.event_row_id')
    .innerJoin('webhook_endpoints as w', 'w.id', 'd.endpoint_id')
    .select(['d.id', 'd.attempts', 'e.event_id', 'e.payload_json', 'w.url', 'w.secret'])
    .where('d.state', '=', 'pending')
    .where('d.next_attempt_at', '<=', nowIso)
    .where((eb) => eb.or([eb('d.lease_until', 'is', null), eb('d.lease_until', '<', nowIso)]))
    // The due index's own order: ordered by id, PostgreSQL walked every delivery from the
    // oldest (all delivered) to reach the pending ones, the newest (test/scale/query-plans.test.ts).
    .orderBy('d.next_attempt_at')
    .limit(limit);
}

/** Takes the delivery for this worker until `leaseUntil`; false when another worker has it. */
export async function claimDelivery(tx: Db, id: number, nowIso: string, leaseUntil: string): Promise<boolean> {
  const r = await tx
    .updateTable('webhook_deliveries')
    .set({ lease_until: leaseUntil })
    .where('id', '=', id)
    .where('state', '=', 'pending')
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', nowIso)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export interface AttemptOutcome {
  deliveryId: number;
  at: string;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: string;
}

export async function recordAttempt(tx: Db, o: AttemptOutcome): Promise<void> {
  await tx
    .insertInto('webhook_attempts')
    .values({ delivery_id: o.deliveryId, at: o.at, http_status: o.httpStatus, error: o.error, duration_ms: o.durationMs })
    .execute();
  await tx
    .updateTable('webhook_deliveries')
    .set({
      state: o.state,
      attempts: o.attempts,
      next_attempt_at: o.nextAttemptAt,
      lease_until: null,
      delivered_at: o.state === 'delivered' ? o.at : null,
    })
    .where('id', '=', o.deliveryId)
    .execute();
}

export interface NewEndpoint {
  resellerId: number;
  url: string;
  secret: string;
  at: string;
}

export async function insertEndpoint(tx: Db, e: NewEndpoint): Promise<number> {
  const row = await tx
    .insertInto('webhook_endpoints')
    .values({ reseller_id: e.resellerId, url: e.url, secret: e.secret, active: 1, created_at: e.at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function countActiveEndpoints(db: Db, resellerId: number): Promise<number> {
  const row = await db
    .selectFrom('webhook_endpoints')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('reseller_id', '=', resellerId)
    .where('active', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A reseller's webhook endpoint as its lists show it. */
export interface EndpointView {
  readonly id: number;
  readonly url: string;
  readonly active: boolean;
  readonly createdAt: string;
}

export async function endpointsOf(db: Db, resellerId: number): Promise<EndpointView[]> {
  const rows = await db
    .selectFrom('webhook_endpoints')
    .select(['id', 'url', 'active', 'created_at'])
    .where('reseller_id', '=', resellerId)
    .orderBy('id')
    .execute();
  return rows.map((e) => ({ id: e.id, url: e.url, active: e.active === 1, createdAt: e.created_at }));
}

/** Disables an endpoint; its pending deliveries end as failed (nobody will receive them). */
export async function disableEndpoint(tx: Db, resellerId: number, endpointId: number): Promise<boolean> {
  const r = await tx
    .updateTable('webhook_endpoints')
    .set({ active: 0 })
    .where('id', '=', endpointId)
    .where('reseller_id', '=', resellerId)
    .where('active', '=', 1)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return false;
  await failPendingQuery(tx, endpointId).execute();
  return true;
}

/** The endpoint's pending deliveries end as failed: found among the pending ones (`webhook_deliveries_due`). */
export function failPendingQuery(tx: Db, endpointId: number) {
  return tx.updateTable('webhook_deliveries').set({ state: 'failed', lease_until: null }).where('state', '=', 'pending').where('endpoint_id', '=', endpointId);
}

export async function recentEvents(db: Db, resellerId: number, limit: number, beforeId?: number) {
  return recentEventsQuery(db, resellerId, limit, beforeId).execute();
}

/** Newest first from `order_events_reseller (reseller_id, id)`, from the cursor on. */
export function recentEventsQuery(db: Db, resellerId: number, limit: number, beforeId?: number) {
  let q = db
    .selectFrom('order_events')
    .select(['id', 'event_id', 'order_id', 'type', 'created_at'])
    .where('reseller_id', '=', resellerId)
    .orderBy('id', 'desc')
    .limit(limit);
  if (beforeId !== undefined) q = q.where('id', '<', beforeId);
  return q;
}

/**
 * The deliveries of some events (a page of them) and the attempts of those deliveries: two
 * reads, each skipped when there is nothing to ask for (an empty `in ()` is no SQL).
 */
export async function deliveriesWithAttempts(db: Db, eventRowIds: readonly number[]) {
  const deliveries = eventRowIds.length === 0 ? [] : await deliveriesOfEventsQuery(db, eventRowIds).execute();
  const attempts = deliveries.length === 0 ? [] : await attemptsOfQuery(db, deliveries.map((d) => d.id)).execute();
  return { deliveries, attempts };
}

export function deliveriesOfEventsQuery(db: Db, eventRowIds: readonly number[]) {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_endpoints as w', 'w.id', 'd.endpoint_id')
    .select(['d.id', 'd.event_row_id', 'd.state', 'd.attempts', 'd.next_attempt_at', 'd.delivered_at', 'w.url'])
    .where('d.event_row_id', 'in', [...eventRowIds])
    .orderBy('d.id');
}

export function attemptsOfQuery(db: Db, deliveryIds: readonly number[]) {
  return db
    .selectFrom('webhook_attempts')
    .select(['delivery_id', 'at', 'http_status', 'error', 'duration_ms'])
    .where('delivery_id', 'in', [...deliveryIds])
    .orderBy('id');
}
