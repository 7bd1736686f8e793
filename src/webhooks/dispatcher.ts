// Delivers the outbox: every pending delivery whose time has come is claimed (a lease in the
// database, so several processes can run dispatchers side by side), POSTed signed to its
// endpoint, and its attempt recorded. Failures are retried on a schedule that spans more than
// a day; a process that dies mid-delivery leaves its lease, which runs out, and the next
// dispatcher delivers again. Delivery is therefore at-least-once; receivers deduplicate on the
// event id (docs/integrators.md). The same loop records the time-derived events (expiring in
// 30 days, expired), once per licence.
import type { Clock } from '../clock.js';
import type { Store } from '../db/store.js';
import { OutboxLoop, type DispatcherLog } from '../db/outbox-loop.js';
import { nextAttemptAt } from '../db/retry-schedule.js';
import { DestinationRefused, systemResolver, type Resolver } from './destination.js';
import { guardedPoster, type Poster } from './outbound.js';
import { recordOrderEvent } from './events.js';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signatureHeader } from './signature.js';
import { EXPIRED_LOOKBACK_DAYS } from '../retention/retention.js';
import { clockScopes } from './clock-scopes.js';
import { expiryCandidates } from './expiry.repository.js';
import { claimDelivery, dueDeliveries, recordAttempt, type DueDelivery } from './webhooks.repository.js';

/** Seconds to wait after the 1st, 2nd… failed attempt: 1 min up to 24 h; about 69 h in all. */
export const RETRY_SCHEDULE_SECONDS: readonly number[] = [60, 300, 1800, 7200, 21_600, 43_200, 86_400, 86_400];

/** How far ahead an `order.expiring` event warns. */
export const EXPIRING_DAYS = 30;

export interface DispatcherOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly log?: DispatcherLog;
  /** Sends one delivery; by default the guarded poster (src/webhooks/outbound.ts). */
  readonly post?: Poster;
  /** Host name → addresses for the default poster; tests inject one instead of asking DNS. */
  readonly resolve?: Resolver;
  /** Config.webhookAllowPrivate: deliver to loopback and private addresses (tests, development). */
  readonly allowPrivateAddresses?: boolean;
  readonly pollMs?: number;
  readonly leaseSeconds?: number;
  readonly timeoutMs?: number;
  /** Most deliveries attempted at once. */
  readonly batch?: number;
  readonly scanEveryMs?: number;
  readonly scheduleSeconds?: readonly number[];
}

/** A receiver's answer text kept with a failed attempt, at most this long. */
const MAX_ERROR_CHARS = 200;

export class WebhookDispatcher extends OutboxLoop {
  private readonly post: Poster;
  private readonly leaseSeconds: number;
  private readonly timeoutMs: number;
  private readonly batch: number;
  private readonly schedule: readonly number[];
  private readonly inFlight = new Set<AbortController>();
  /** Per scope and kind: every licence expiring up to this instant has its event (scanExpiries). */
  private readonly scanned = new Map<string, string>();

  constructor(private readonly o: DispatcherOptions) {
    super({ pollMs: o.pollMs ?? 1000, scanEveryMs: o.scanEveryMs ?? 60_000, log: o.log, failure: 'webhook dispatcher round failed' });
    this.post = o.post ?? guardedPoster({ resolve: o.resolve ?? systemResolver, allowPrivate: o.allowPrivateAddresses ?? false });
    this.leaseSeconds = o.leaseSeconds ?? 60;
    this.timeoutMs = o.timeoutMs ?? 10_000;
    this.batch = o.batch ?? 20;
    this.schedule = o.scheduleSeconds ?? RETRY_SCHEDULE_SECONDS;
    // A lease must outlast the longest attempt, or a slow receiver would be sent the event twice.
    if (this.leaseSeconds * 1000 <= this.timeoutMs) throw new Error('webhook lease must be longer than the delivery timeout');
  }

  /** The attempts in flight are aborted: their outcomes would be dropped anyway. */
  protected override dropInFlight(): void {
    for (const c of this.inFlight) c.abort();
  }

  protected override scan(): Promise<number> {
    return this.scanExpiries();
  }

  /** One round: claims the due deliveries and attempts each. Returns how many were attempted. */
  async runOnce(): Promise<number> {
    const generation = this.generation;
    const now = this.o.clock.now();
    const nowIso = now.toISOString();
    const leaseUntil = new Date(now.getTime() + this.leaseSeconds * 1000).toISOString();
    const due = await dueDeliveries(this.o.store.db, nowIso, this.batch);
    const claimed: DueDelivery[] = [];
    for (const d of due) {
      if (await this.o.store.write((tx) => claimDelivery(tx, d.id, nowIso, leaseUntil))) claimed.push(d);
    }
    await Promise.all(claimed.map((d) => this.attempt(d, generation)));
    return claimed.length;
  }

  private async attempt(d: DueDelivery, generation: number): Promise<void> {
    const started = this.o.clock.now();
    const timestamp = Math.floor(started.getTime() / 1000);
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let httpStatus: number | null = null;
    let error: string | null = null;
    const t0 = Date.now();
    try {
      const res = await this.post(d.url, {
        signal: controller.signal,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'placeorder-webhooks/1',
          [EVENT_ID_HEADER]: d.event_id,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signatureHeader(d.secret, timestamp, d.payload_json),
        },
        body: d.payload_json,
      });
      httpStatus = res.status;
      if (res.status < 200 || res.status > 299) error = `HTTP ${res.status}: ${res.text.slice(0, MAX_ERROR_CHARS)}`;
    } catch (e) {
      // A refused destination is recorded like any failed attempt, and retried on the schedule
      // (a name may come to resolve to a public address again); it is never connected to.
      const why = e instanceof DestinationRefused ? `refused: ${e.message}` : String((e as Error).message ?? e);
      error = controller.signal.aborted ? `no answer within ${this.timeoutMs} ms` : why.slice(0, MAX_ERROR_CHARS);
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
    if (generation !== this.generation) return;
    const attempts = d.attempts + 1;
    const ok = error === null;
    const at = this.o.clock.now();
    const retryAt = ok ? undefined : nextAttemptAt(this.schedule, attempts, at);
    await this.o.store.write((tx) =>
      recordAttempt(tx, {
        deliveryId: d.id,
        at: at.toISOString(),
        httpStatus,
        error,
        durationMs: Date.now() - t0,
        state: ok ? 'delivered' : retryAt === undefined ? 'failed' : 'pending',
        attempts,
        nextAttemptAt: retryAt ?? at.toISOString(),
      }),
    );
  }

  /**
   * Records `order.expiring` (licence ends within 30 days) and `order.expired` events, once per
   * licence. A sandbox reseller whose clock was moved is scanned on its own clock. Each scan
   * starts where this process's last complete one ended (`scanned`), so a minute's scan reads
   * the licences whose expiry came into reach since, not the whole month ahead: a licence that
   * commits later expires later than that, by at least its term (30 days or more) less the
   * length of a unit (SCAN_MARGIN_MS). `order.expired` looks back EXPIRED_LOOKBACK_DAYS at
   * most: further back, the events it would find have been purged (src/retention/retention.ts).
   */
  async scanExpiries(limit = 500): Promise<number> {
    const db = this.o.store.db;
    let recorded = 0;
    for (const { key, now, scope } of await clockScopes(db, this.o.clock)) {
      const nowIso = new Date(now).toISOString();
      for (const kind of ['expiring', 'expired'] as const) {
        const until = kind === 'expiring' ? new Date(now + EXPIRING_DAYS * 86_400_000).toISOString() : nowIso;
        const floor = kind === 'expiring' ? nowIso : new Date(now - EXPIRED_LOOKBACK_DAYS * 86_400_000).toISOString();
        const mark = this.scanned.get(`${key}:${kind}`);
        const found = await expiryCandidates(db, { kind, after: mark !== undefined && mark > floor ? mark : floor, until, scope, limit });
        for (const c of found) {
          // Unrevoked licences belong to active orders (expiryCandidatesQuery); never report another.
          if (c.status !== 'active') continue;
          const id = await this.o.store.write((tx) =>
            recordOrderEvent(tx, kind === 'expiring' ? 'order.expiring' : 'order.expired', {
              resellerId: c.reseller_id,
              orderNumber: c.order_id,
              status: kind === 'expired' ? 'expired' : c.status,
              totalCents: c.total_cents,
              currency: c.currency,
              at: nowIso,
              extra: { licenceCode: c.code, expiryDate: c.expires_at.slice(0, 10) },
              dedupKey: `${kind}:${c.licence_id}`,
            }),
          );
          if (id !== undefined) recorded++;
        }
        if (found.length < limit) this.scanned.set(`${key}:${kind}`, new Date(Date.parse(until) - SCAN_MARGIN_MS).toISOString());
      }
    }
    return recorded;
  }
}

/** A licence committed this long after its unit read the clock is still found by the next scan. */
const SCAN_MARGIN_MS = 60_000;
