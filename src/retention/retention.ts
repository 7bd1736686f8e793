// How long each side table keeps its rows (docs/operations.md, "Retention"). Orders, their
// items, licences, customers and the funds ledger are kept for ever; everything here is about
// requests (idempotency, sign-in, forms, failed logins) or reports of changes that are kept in
// the orders themselves (audit records, events and their deliveries). The periods are a room of
// their own, so that the two concepts that read them import them without importing each other:
// the purge (src/maintenance/) deletes on them, and the webhooks' expiry scan
// (src/webhooks/dispatcher.ts) must look back less far than events are kept.
import type { Config } from '../config.js';
import { EXPIRED_REMINDER_LOOKBACK_DAYS } from '../notifications/messages.js';

const DAY_MS = 86_400_000;

/** Audit records: half a year, past the refund period (30 days) and a card dispute's 120. */
export const AUDIT_DAYS = 180;
/** Order events with their deliveries and attempts: a quarter. A delivery's retries end after ~69 h. */
export const EVENT_DAYS = 90;
/**
 * How far back the expiry scan looks for licences without an `order.expired` event
 * (src/webhooks/dispatcher.ts). It must stay below EVENT_DAYS: a licence whose event was purged
 * would otherwise be reported expired again.
 */
export const EXPIRED_LOOKBACK_DAYS = 30;
/**
 * Email messages (src/notifications), sent or not: a quarter. The unique key that stops a
 * second copy lives in the row, so every scan that writes messages looks back less far than
 * this (the expiry reminder 7 days, digests and webhook notices a day).
 */
export const MESSAGE_DAYS = 90;
/** Login failures: a day after the last one (and after any lock ends). */
export const THROTTLE_DAYS = 1;

/** The instants before which each side table's rows go, as of `now`. */
export interface Cutoffs {
  /** audit_log.at */
  readonly audit: string;
  /** order_events.created_at (with their webhook_deliveries and webhook_attempts) */
  readonly events: string;
  /** idempotency_keys.expires_at: each key's own time to live (PLACEORDER_IDEMPOTENCY_TTL_SECONDS) */
  readonly idempotency: string;
  /** web_sessions.expires_at: a session lasts 8 h (console) or 2 h (portal) */
  readonly sessions: string;
  /** ordering_submissions.created_at: twice the ordering form's lifetime, so a replayed form still finds its nonce */
  readonly submissions: string;
  /** login_throttle.updated_at (and locked_until) */
  readonly throttle: string;
  /** notification_messages.created_at */
  readonly messages: string;
}

export function cutoffs(now: Date, config: Pick<Config, 'orderingSessionTtlSeconds'>): Cutoffs {
  const before = (ms: number) => new Date(now.getTime() - ms).toISOString();
  return {
    audit: before(AUDIT_DAYS * DAY_MS),
    events: before(EVENT_DAYS * DAY_MS),
    idempotency: now.toISOString(),
    sessions: now.toISOString(),
    submissions: before(2 * config.orderingSessionTtlSeconds * 1000),
    throttle: before(THROTTLE_DAYS * DAY_MS),
    messages: before(MESSAGE_DAYS * DAY_MS),
  };
}

/** The retention of every side table, as `placeorder purge` prints it. */
export const RETENTION_TABLE: ReadonlyArray<{ readonly table: string; readonly keeps: string }> = [
  { table: 'audit_log', keeps: `${AUDIT_DAYS} days` },
  { table: 'order_events', keeps: `${EVENT_DAYS} days` },
  { table: 'webhook_deliveries', keeps: `with their event (${EVENT_DAYS} days)` },
  { table: 'webhook_attempts', keeps: `with their delivery (${EVENT_DAYS} days)` },
  { table: 'idempotency_keys', keeps: 'until the key expires (PLACEORDER_IDEMPOTENCY_TTL_SECONDS, 24 h by default)' },
  { table: 'web_sessions', keeps: 'until the session ends (8 h console, 2 h portal)' },
  { table: 'ordering_submissions', keeps: 'twice the ordering form lifetime (1 h by default)' },
  { table: 'login_throttle', keeps: `${THROTTLE_DAYS} day after the last failure or lock` },
  { table: 'notification_messages', keeps: `${MESSAGE_DAYS} days` },
];

if (EXPIRED_LOOKBACK_DAYS >= EVENT_DAYS) throw new Error('retention: the expiry scan must look back less far than events are kept');
// A purged message no longer stops its second copy: no scan may look back that far.
if (EXPIRED_REMINDER_LOOKBACK_DAYS >= MESSAGE_DAYS) throw new Error('retention: the expiry reminder must look back less far than messages are kept');
