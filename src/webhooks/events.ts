// The order-event outbox. Code that changes an order calls `recordOrderEvent` with the same
// transaction handle, so the event exists exactly when the change does (a rolled-back change
// leaves no event; a committed one always has its event). Delivery happens later, from the
// table (dispatcher.ts), and so survives restarts.
import type { Db } from '../db/store.js';
import { formatCents } from '../money.js';
import { recordNotifications } from '../notifications/record.js';
import { randomHex } from '../random-ids.js';
import { insertEvents, type NewEvent } from './webhooks.repository.js';
import type { OrderEventType } from './webhooks.table.js';

/** What the payload says about the order. */
export interface OrderEventFacts {
  readonly resellerId: number;
  readonly orderNumber: number;
  /** The order's status after the change. */
  readonly status: string;
  readonly totalCents: number;
  readonly currency: string;
  /** When the change happened (the clock of the request: a sandbox reseller's own clock). */
  readonly at: string;
  /** Extra fields for the payload (licence code and expiry of expiring/expired events). */
  readonly extra?: Readonly<Record<string, string>>;
  /** Recorded at most once (time-derived events). */
  readonly dedupKey?: string;
}

export const ORDER_EVENT_TYPES: readonly OrderEventType[] = [
  'order.placed',
  'order.authorized',
  'order.activated',
  'order.rejected',
  'order.refunded',
  'order.expiring',
  'order.expired',
];

/**
 * `evt_` and 24 hex digits: the time in milliseconds (11 digits), then 52 random bits. Ids that
 * grow with time land at the end of the unique index on event ids: random ones touched a
 * different index page for nearly every order of a group commit, and each such page is
 * written to the log at commit (docs/benchmarks.md). The time in the id is the server's, not
 * a sandbox clock's, and tells receivers nothing they may rely on beyond uniqueness.
 */
export function newEventId(): string {
  return `evt_${Date.now().toString(16).padStart(11, '0').slice(-11)}${randomHex(7).slice(1)}`;
}

/** The JSON a receiver gets, byte for byte (and signs over). */
export function eventPayload(eventId: string, type: OrderEventType, f: OrderEventFacts): string {
  return JSON.stringify({
    id: eventId,
    type,
    created: f.at,
    data: {
      orderNumber: String(f.orderNumber),
      status: f.status,
      totalCost: formatCents(f.totalCents),
      currency: f.currency,
      ...f.extra,
    },
  });
}

/** The row of one new event: a fresh id and the payload receivers get. */
export function newOrderEvent(type: OrderEventType, facts: OrderEventFacts): NewEvent {
  const eventId = newEventId();
  return {
    eventId,
    orderId: facts.orderNumber,
    type,
    dedupKey: facts.dedupKey ?? null,
    payloadJson: eventPayload(eventId, type, facts),
    at: facts.at,
  };
}

/**
 * Records order events of one change in the caller's transaction: two queries (the events, and
 * their deliveries to the reseller's active endpoints) however many types are given. Returns
 * the event ids written; an event whose dedup key exists already is not written again.
 */
export async function recordOrderEvents(tx: Db, types: readonly OrderEventType[], facts: OrderEventFacts): Promise<string[]> {
  const events = types.map((type) => newOrderEvent(type, facts));
  const written = new Set(await insertEvents(tx, facts.resellerId, events));
  // The emails the change causes, in the same transaction (src/notifications/record.ts).
  await recordNotifications(tx, types, facts);
  // Row ids come back in insertion order; with a dedup key there is only ever one event.
  return written.size === events.length ? events.map((e) => e.eventId) : [];
}

/** One event (see recordOrderEvents); undefined when its dedup key was recorded already. */
export async function recordOrderEvent(tx: Db, type: OrderEventType, facts: OrderEventFacts): Promise<string | undefined> {
  return (await recordOrderEvents(tx, [type], facts))[0];
}
