// What happens to seeded orders after they are placed, written in the order it happens: each
// lifecycle step waits in a queue until the generator's clock passes it, then writes its audit
// record, its events (with their deliveries and attempts) and its ledger transaction. Ids thus
// grow with time in every table, as they do in a database that lived through the year.
import { RETRY_SCHEDULE_SECONDS } from '../webhooks/dispatcher.js';
import { eventPayload } from '../webhooks/events.js';
import { DUE_NOW } from '../webhooks/webhooks.repository.js';
import type { OrderEventType } from '../webhooks/webhooks.table.js';
import type { Tables } from './sink.js';
import { hexId, iso, type World } from './world.js';

export interface OrderFacts {
  readonly id: number;
  readonly resellerId: number;
  readonly totalCents: number;
  readonly requestId: string;
}

export type StepKind = 'authorize' | 'mark_paid' | 'reject' | 'cancel' | 'refund' | 'expiring' | 'expired';

export interface Step {
  readonly t: number;
  readonly kind: StepKind;
  readonly order: OrderFacts;
  readonly licence?: { readonly id: number; readonly code: string; readonly expiresMs: number };
}

/** A binary min-heap of steps by time. */
class StepQueue {
  private readonly items: Step[] = [];

  get size(): number {
    return this.items.length;
  }

  push(step: Step): void {
    const a = this.items;
    a.push(step);
    for (let i = a.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (a[parent]!.t <= a[i]!.t) break;
      [a[parent], a[i]] = [a[i]!, a[parent]!];
      i = parent;
    }
  }

  peek(): Step | undefined {
    return this.items[0];
  }

  pop(): Step | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]!.t < a[m]!.t) m = l;
        if (r < a.length && a[r]!.t < a[m]!.t) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

/** The status an order has after each step, as its events report it. */
const STATUS_AFTER: Record<StepKind, string> = {
  authorize: 'active',
  mark_paid: 'active',
  reject: 'rejected',
  cancel: 'cancelled',
  refund: 'refunded',
  expiring: 'active',
  expired: 'expired',
};

const EVENTS_OF: Record<StepKind, readonly OrderEventType[]> = {
  authorize: ['order.authorized', 'order.activated'],
  mark_paid: ['order.activated'],
  reject: ['order.rejected'],
  cancel: [],
  refund: ['order.refunded'],
  expiring: ['order.expiring'],
  expired: ['order.expired'],
};

export class Timeline {
  private readonly queue = new StepQueue();
  private readonly ids = { audit: 0, event: 0, delivery: 0, attempt: 0, transaction: 0, entry: 0 };
  /** Per reseller: the cached balance the ledger entries must sum to, and the last top-up. */
  readonly balances = new Map<number, number>();
  private readonly lastTopUp = new Map<number, number>();

  constructor(
    private readonly world: World,
    private readonly tables: Tables,
    private readonly accounts: { readonly revenue: number; readonly payments: number; readonly ofReseller: (resellerId: number) => number },
  ) {}

  get pending(): number {
    return this.queue.size;
  }

  schedule(step: Step): void {
    this.queue.push(step);
  }

  /** Writes every step due at or before `t`, oldest first. */
  runUntil(t: number): void {
    while ((this.queue.peek()?.t ?? Infinity) <= t) this.run(this.queue.pop()!);
  }

  /** The placing of an order: its audit record and `order.placed`. */
  placed(t: number, order: OrderFacts, status: string, params: Record<string, string>): void {
    this.audit(t, 'place_order', order, params);
    this.events(t, order, ['order.placed'], status);
  }

  private run(step: Step): void {
    const { t, kind, order } = step;
    if (kind === 'authorize' && !this.world.isSandbox(order.resellerId)) this.ledger(t, 'authorization', order, -order.totalCents);
    if (kind === 'refund' && !this.world.isSandbox(order.resellerId)) this.ledger(t, 'refund', order, order.totalCents);
    if (kind !== 'expiring' && kind !== 'expired') {
      const via: Record<string, string> = kind === 'mark_paid' || kind === 'cancel' ? {} : { via: 'api', orderNumber: String(order.id), loginName: 'api', loginPassword: '[removed]' };
      this.audit(t, kind, order, via);
    }
    const licence = step.licence;
    const extra = licence ? { licenceCode: licence.code, expiryDate: iso(licence.expiresMs).slice(0, 10) } : undefined;
    const dedupKey = licence ? `${kind}:${licence.id}` : null;
    this.events(t, order, EVENTS_OF[kind], STATUS_AFTER[kind], extra, dedupKey);
  }

  private audit(t: number, kind: string, order: OrderFacts, params: Record<string, string>): void {
    const id = ++this.ids.audit;
    this.tables.add('audit_log', {
      id,
      at: iso(t),
      kind,
      request_id: kind === 'place_order' ? order.requestId : hexId(id, 77),
      reseller_id: order.resellerId,
      order_id: order.id,
      params_json: JSON.stringify(params),
    });
  }

  private events(t: number, order: OrderFacts, types: readonly OrderEventType[], status: string, extra?: Record<string, string>, dedupKey: string | null = null): void {
    for (const type of types) {
      const id = ++this.ids.event;
      const eventId = `evt_${t.toString(16).padStart(11, '0').slice(-11)}${id.toString(16).padStart(13, '0')}`;
      const facts = { resellerId: order.resellerId, orderNumber: order.id, status, totalCents: order.totalCents, currency: 'USD', at: iso(t), extra };
      this.tables.add('order_events', {
        id,
        event_id: eventId,
        reseller_id: order.resellerId,
        order_id: order.id,
        type,
        dedup_key: dedupKey,
        payload_json: eventPayload(eventId, type, facts),
        created_at: iso(t),
      });
      if (this.world.hasEndpoint(order.resellerId)) this.delivery(t, id, order.resellerId);
    }
  }

  /** One delivery per event: pending in the last hour, else delivered (a few failed for good). */
  private delivery(t: number, eventRowId: number, endpointId: number): void {
    const id = ++this.ids.delivery;
    const age = this.world.nowMs - t;
    const r = this.world.random.next();
    const schedule = RETRY_SCHEDULE_SECONDS;
    const failed = age > 3 * 86_400_000 && r < 0.01;
    const tries = age < 3_600_000 ? 0 : failed ? schedule.length + 1 : r < 0.05 ? 2 : 1;
    let at = t + 200;
    for (let k = 1; k <= tries; k++) {
      const ok = !failed && k === tries;
      this.tables.add('webhook_attempts', {
        id: ++this.ids.attempt,
        delivery_id: id,
        at: iso(at),
        http_status: ok ? 200 : 503,
        error: ok ? null : 'HTTP 503: unavailable',
        duration_ms: 20 + this.world.random.int(200),
      });
      if (k <= schedule.length) at += schedule[k - 1]! * 1000;
    }
    const state = tries === 0 ? 'pending' : failed ? 'failed' : 'delivered';
    this.tables.add('webhook_deliveries', {
      id,
      event_row_id: eventRowId,
      endpoint_id: endpointId,
      state,
      attempts: tries,
      next_attempt_at: tries === 0 ? DUE_NOW : iso(at),
      lease_until: null,
      delivered_at: state === 'delivered' ? iso(at) : null,
      created_at: iso(t),
    });
  }

  /** A movement of the reseller's funds, topped up first whenever it would go below zero. */
  private ledger(t: number, kind: 'authorization' | 'refund', order: OrderFacts, signedCents: number): void {
    const reseller = order.resellerId;
    const balance = this.balances.get(reseller) ?? 0;
    if (balance + signedCents < 0) {
      const amount = Math.ceil(Math.max(2 * -signedCents, (this.lastTopUp.get(reseller) ?? 0) * 1.1, 50_000) / 10_000) * 10_000;
      this.lastTopUp.set(reseller, amount);
      this.transaction(t - 1000, 'top_up', reseller, null, amount, this.accounts.payments);
    }
    this.transaction(t, kind, reseller, order.id, signedCents, this.accounts.revenue, order.totalCents);
  }

  private transaction(t: number, kind: string, reseller: number, orderId: number | null, signedCents: number, other: number, amount = signedCents): void {
    const id = ++this.ids.transaction;
    this.tables.add('ledger_transactions', {
      id,
      kind,
      reseller_id: reseller,
      order_id: orderId,
      debit_order_id: kind === 'authorization' ? orderId : null,
      refund_order_id: kind === 'refund' ? orderId : null,
      amount_cents: Math.abs(amount),
      memo: kind === 'top_up' ? 'wire transfer' : null,
      request_id: hexId(id, 91),
      at: iso(t),
    });
    this.tables.add('ledger_entries', { id: ++this.ids.entry, transaction_id: id, account_id: this.accounts.ofReseller(reseller), amount_cents: signedCents, at: iso(t) });
    this.tables.add('ledger_entries', { id: ++this.ids.entry, transaction_id: id, account_id: other, amount_cents: -signedCents, at: iso(t) });
    this.balances.set(reseller, (this.balances.get(reseller) ?? 0) + signedCents);
  }
}
