// Webhooks: order events written in the transaction of the change (outbox), delivered signed,
// retried on a schedule of more than 24 hours with every attempt recorded, and delivered after
// a forced restart mid-delivery: the receiver, deduplicating on the event id, processes every
// event exactly once (delivery itself is at-least-once, as docs/integrators.md says).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/seed/demo.js';
import { run } from '../../src/cli/main.js';
import { openStore, type Store } from '../../src/db/store.js';
import { creditFunds } from '../../src/funds/funds.service.js';
import { resellerIdByAp } from '../../src/resellers/resellers.repository.js';
import { RETRY_SCHEDULE_SECONDS, WebhookDispatcher } from '../../src/webhooks/dispatcher.js';
import { recordOrderEvent } from '../../src/webhooks/events.js';
import { verifySignature } from '../../src/webhooks/signature.js';
import { registerEndpoint } from '../../src/webhooks/webhooks.service.js';
import { captureLines } from '../cli/capture.js';
import { DIALECTS } from '../helpers/dialects.js';
import { freePlan, post, testApp, type TestApp } from '../helpers/app.js';

const SECRET = 'whsec_test_secret_0123456789';
const LOGIN = { loginName: 'resellerbrand-api', loginPassword: DEMO_PASSWORD };

interface Received {
  eventId: string;
  type: string;
  body: string;
  signatureOk: boolean;
}

/** A webhook receiver: records every request; `respond` decides the answer (or none). */
function receiver() {
  const received: Received[] = [];
  let respond: (r: Received, res: ServerResponse) => void = (_r, res) => res.writeHead(204).end();
  const held: ServerResponse[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const r: Received = {
        eventId: String(req.headers['placeorder-event-id']),
        type: (JSON.parse(body) as { type: string }).type,
        body,
        signatureOk: verifySignature(SECRET, String(req.headers['placeorder-signature']), body, Number(req.headers['placeorder-timestamp']), 5),
      };
      received.push(r);
      respond(r, res);
    });
  });
  return {
    received,
    held,
    setRespond(fn: typeof respond) {
      respond = fn;
    },
    async listen(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    },
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

describe.each(DIALECTS)('webhooks (%s)', (dialect) => {
  let t: TestApp;
  let rx: ReturnType<typeof receiver>;
  let url: string;
  let resellerId: number;
  const extraStores: Store[] = [];

  beforeAll(async () => {
    // The receiver is on 127.0.0.1: private addresses allowed, as in local development.
    t = await testApp(dialect, { webhookAllowPrivate: true });
    rx = receiver();
    url = await rx.listen();
    resellerId = (await resellerIdByAp(t.store.db, 'resellerbrand'))!;
    await creditFunds(t.store, t.clock, 'resellerbrand', 1_000_00, 'test top-up', 'test');
    await registerEndpoint(t.store, t.clock, resellerId, url, { secret: SECRET, allowPrivate: t.config.webhookAllowPrivate });
  });
  afterEach(async () => {
    // Every test leaves nothing pending for the next one.
    await t.store.write((tx) => tx.updateTable('webhook_deliveries').set({ state: 'delivered' }).where('state', '=', 'pending').execute());
    rx.received.length = 0;
    rx.setRespond((_r, res) => res.writeHead(204).end());
  });
  afterAll(async () => {
    for (const s of extraStores) await s.close();
    await rx.close();
    await t.close();
  });

  const dispatcher = (store: Store = t.store, options: Partial<ConstructorParameters<typeof WebhookDispatcher>[0]> = {}) =>
    new WebhookDispatcher({ store, clock: t.clock, timeoutMs: 5_000, leaseSeconds: 60, allowPrivateAddresses: t.config.webhookAllowPrivate, ...options });
  const place = async (extra: Record<string, string> = {}) => {
    const res = await post(t.app, 'PlaceOrder', {
      ap: 'resellerbrand',
      reseller: 'Y',
      emailAddress: `wh-${Math.random().toString(36).slice(2)}@example.com`,
      name: 'Webhook Customer',
      '1_PPP': '9974',
      ...extra,
    });
    return res.answer;
  };
  const eventsOf = async (orderNumber: number) =>
    (await t.store.db.selectFrom('order_events').select('type').where('order_id', '=', orderNumber).orderBy('id').execute()).map((e) => e.type);

  it('writes order.placed with the order, and nothing for a refused order', async () => {
    const before = await t.store.db.selectFrom('order_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const placed = await place();
    expect(await eventsOf(Number(placed.orderNumber))).toEqual(['order.placed']);
    expect((await place({ '1_PPP': '1234' })).errorCode).toBe('-65');
    const after = await t.store.db.selectFrom('order_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n) + 1);
  });

  it('an event is part of the transaction: a change that rolls back leaves no event', async () => {
    const placed = await place();
    const orderNumber = Number(placed.orderNumber);
    await expect(
      t.store.write(async (tx) => {
        await recordOrderEvent(tx, 'order.rejected', { resellerId, orderNumber, status: 'rejected', totalCents: 4899, currency: 'USD', at: t.clock.now().toISOString() });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await eventsOf(orderNumber)).toEqual(['order.placed']);
  });

  it('authorize, reject and refund each record their events', async () => {
    const a = Number((await place()).orderNumber);
    await post(t.app, 'AutoAuthorize', { ...LOGIN, orderNumber: String(a) });
    await post(t.app, 'AutoRefund', { ...LOGIN, orderNumber: String(a), refundReasonCode: '1' });
    expect(await eventsOf(a)).toEqual(['order.placed', 'order.authorized', 'order.activated', 'order.refunded']);
    const b = Number((await place()).orderNumber);
    await post(t.app, 'AutoReject', { ...LOGIN, orderNumber: String(b) });
    expect(await eventsOf(b)).toEqual(['order.placed', 'order.rejected']);
    // A free reseller=N order is placed and activated at once.
    const undo = await freePlan(t, 9675);
    const free = await place({ reseller: 'N', '1_PPP': '9675' });
    await undo();
    expect(free.errorCode).toBe('0');
    expect(await eventsOf(Number(free.orderNumber))).toEqual(['order.placed', 'order.activated']);
  });

  it('the operator recording payment of a reseller=N order records order.activated', async () => {
    const placed = await place({ reseller: 'N' });
    const orderNumber = Number(placed.orderNumber);
    expect(await run(['orders', 'mark-paid', String(orderNumber), '--db', t.store.location], captureLines().io)).toBe(0);
    expect(await eventsOf(orderNumber)).toEqual(['order.placed', 'order.activated']);
  });

  it('delivers signed JSON with the event id and timestamp, and records the attempt', async () => {
    const placed = await place();
    const d = dispatcher();
    expect(await d.runOnce()).toBe(1);
    expect(rx.received).toHaveLength(1);
    const r = rx.received[0]!;
    expect(r.signatureOk).toBe(true);
    expect(r.eventId).toMatch(/^evt_[0-9a-f]{24}$/);
    expect(JSON.parse(r.body)).toEqual({
      id: r.eventId,
      type: 'order.placed',
      created: '2026-03-01T12:00:00.000Z',
      data: { orderNumber: placed.orderNumber, status: 'pending_authorization', totalCost: '48.99', currency: 'USD' },
    });
    // A tampered body or a wrong secret does not verify.
    expect(verifySignature(SECRET, 't=1,v1=' + '0'.repeat(64), r.body, 1)).toBe(false);
    const c = captureLines();
    expect(await run(['webhooks', 'events', '--ap', 'resellerbrand', '--json', '--limit', '1', '--db', t.store.location], c.io)).toBe(0);
    const [event] = JSON.parse(c.out[0]!) as Array<{ eventId: string; deliveries: Array<{ state: string; attempts: Array<{ httpStatus: number }> }> }>;
    expect(event!.eventId).toBe(r.eventId);
    expect(event!.deliveries[0]).toMatchObject({ state: 'delivered', attempts: [{ httpStatus: 204 }] });
    expect(await d.runOnce()).toBe(0);
  });

  it('retries on failure with backoff for more than 24 hours, every attempt recorded, then gives up', async () => {
    expect(RETRY_SCHEDULE_SECONDS.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(24 * 3600);
    rx.setRespond((_r, res) => res.writeHead(500).end('receiver down'));
    await place();
    const d = dispatcher();
    expect(await d.runOnce()).toBe(1);
    // Not due again before its wait is over.
    expect(await d.runOnce()).toBe(0);
    for (const wait of RETRY_SCHEDULE_SECONDS) {
      t.clock.set(new Date(t.clock.now().getTime() + wait * 1000 - 1000));
      expect(await d.runOnce()).toBe(0);
      t.clock.set(new Date(t.clock.now().getTime() + 1000));
      expect(await d.runOnce()).toBe(1);
    }
    const row = await t.store.db.selectFrom('webhook_deliveries').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'failed', attempts: RETRY_SCHEDULE_SECONDS.length + 1 });
    const attempts = await t.store.db.selectFrom('webhook_attempts').selectAll().where('delivery_id', '=', row.id).execute();
    expect(attempts).toHaveLength(RETRY_SCHEDULE_SECONDS.length + 1);
    expect(attempts.every((a) => a.http_status === 500 && a.error === 'HTTP 500: receiver down')).toBe(true);
    expect(rx.received).toHaveLength(RETRY_SCHEDULE_SECONDS.length + 1);
  });

  it('a failed attempt followed by success: delivered once to the receiver that answered 2xx', async () => {
    let calls = 0;
    rx.setRespond((_r, res) => res.writeHead(++calls === 1 ? 503 : 200).end());
    await place();
    const d = dispatcher();
    await d.runOnce();
    t.clock.set(new Date(t.clock.now().getTime() + RETRY_SCHEDULE_SECONDS[0]! * 1000));
    expect(await d.runOnce()).toBe(1);
    const row = await t.store.db.selectFrom('webhook_deliveries').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'delivered', attempts: 2 });
  });

  it('survives a forced restart mid-delivery: every event is processed exactly once by an event-id-deduplicating receiver', async () => {
    const orders = [await place(), await place(), await place()];
    await post(t.app, 'AutoAuthorize', { ...LOGIN, orderNumber: orders[0]!.orderNumber! });
    const expected = (
      await t.store.db
        .selectFrom('order_events')
        .innerJoin('webhook_deliveries', 'webhook_deliveries.event_row_id', 'order_events.id')
        .select('order_events.event_id')
        .where('webhook_deliveries.state', '=', 'pending')
        .execute()
    ).map((e) => e.event_id);
    expect(expected).toHaveLength(5);

    // The receiver takes the first request in but never answers: the process dies meanwhile.
    let hung: string | undefined;
    rx.setRespond((r, res) => {
      if (hung === undefined) {
        hung = r.eventId;
        rx.held.push(res);
        return;
      }
      res.writeHead(200).end();
    });
    const a = dispatcher(t.store, { batch: 1 });
    const round = a.runOnce();
    await expect.poll(() => hung, { timeout: 5_000 }).toBeDefined();
    a.abandon();
    await round;

    // The restarted process: its own connections to the same database, a new dispatcher.
    const store = await openStore(t.store.location, { poolSize: 2 });
    extraStores.push(store);
    const b = dispatcher(store);
    while ((await b.runOnce()) > 0);
    // The interrupted delivery is leased to the dead process until its lease runs out: the
    // other four are delivered, that one is still pending and was received only once so far.
    expect(rx.received.filter((r) => r.eventId === hung)).toHaveLength(1);
    expect(new Set(rx.received.map((r) => r.eventId)).size).toBe(5);
    expect(await t.store.db.selectFrom('webhook_deliveries').select('id').where('state', '=', 'pending').execute()).toHaveLength(1);
    t.clock.set(new Date(t.clock.now().getTime() + 61_000));
    while ((await b.runOnce()) > 0);

    const processed = new Map<string, number>();
    for (const r of rx.received) processed.set(r.eventId, (processed.get(r.eventId) ?? 0) + 1);
    expect([...processed.keys()].sort()).toEqual([...expected].sort());
    // At-least-once: only the event in flight at the crash arrived twice, with the same id.
    expect([...processed.entries()].filter(([, n]) => n > 1)).toEqual([[hung, 2]]);
    expect(rx.received.every((r) => r.signatureOk)).toBe(true);
    const pending = await t.store.db.selectFrom('webhook_deliveries').select('id').where('state', '=', 'pending').execute();
    expect(pending).toEqual([]);
  });

  it('records order.expiring 30 days before expiry and order.expired at expiry, once each', async () => {
    const placed = await place();
    const orderNumber = Number(placed.orderNumber);
    await post(t.app, 'AutoAuthorize', { ...LOGIN, orderNumber: String(orderNumber) });
    const status = await post(t.app, 'GetOrderStatus', { ...LOGIN, orderNumber: String(orderNumber) });
    const expiry = new Date(`${status.answer.expiryDate!}T00:00:00Z`).getTime();
    const d = dispatcher();
    t.clock.set(new Date(expiry - 31 * 86_400_000));
    await d.scanExpiries();
    expect(await eventsOf(orderNumber)).not.toContain('order.expiring');
    t.clock.set(new Date(expiry - 29 * 86_400_000));
    await d.scanExpiries();
    await d.scanExpiries();
    expect((await eventsOf(orderNumber)).filter((e) => e === 'order.expiring')).toHaveLength(1);
    // expiryDate is the day; the licence ends at the time of day it started.
    t.clock.set(new Date(expiry + 86_400_000));
    await d.scanExpiries();
    await d.scanExpiries();
    expect((await eventsOf(orderNumber)).filter((e) => e === 'order.expired')).toHaveLength(1);
    await d.runOnce();
    expect(rx.received.map((r) => r.type)).toEqual(expect.arrayContaining(['order.expiring', 'order.expired']));
  });

  it('the server delivers by itself once it listens (the dispatcher starts with the server)', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const placed = await place();
    await expect
      .poll(() => rx.received.some((r) => (JSON.parse(r.body) as { data: { orderNumber: string } }).data.orderNumber === placed.orderNumber), {
        timeout: 10_000,
        interval: 200,
      })
      .toBe(true);
  });

  it('the CLI lists and removes endpoints and refuses plain-http URLs off this machine', async () => {
    const c = captureLines();
    expect(await run(['webhooks', 'list', '--ap', 'resellerbrand', '--db', t.store.location], c.io)).toBe(0);
    expect(c.out[0]).toMatch(/^1\tactive\thttp:\/\/127\.0\.0\.1:[0-9]+\/hooks\t/);
    const bad = captureLines();
    expect(await run(['webhooks', 'add', '--ap', 'resellerbrand', '--url', 'http://example.com/hook', '--db', t.store.location], bad.io)).toBe(2);
    expect(bad.err.join('\n')).toMatch(/must be https/);
    const add = captureLines();
    expect(await run(['webhooks', 'add', '--ap', 'resellerbrand', '--url', 'https://shop.example/hooks', '--db', t.store.location], add.io)).toBe(0);
    expect(add.out[1]).toMatch(/^signing secret: whsec_[A-Za-z0-9_-]{32}$/);
    const given = captureLines();
    expect(await run(['webhooks', 'add', '--ap', 'resellerbrand', '--url', 'https://shop.example/given', '--secret', SECRET, '--db', t.store.location], given.io)).toBe(0);
    expect(given.out[1]).toBe(`signing secret: ${SECRET}`);
    const id = /endpoint ([0-9]+)/.exec(add.out[0]!)![1]!;
    expect(await run(['webhooks', 'remove', '--ap', 'resellerbrand', '--id', id, '--db', t.store.location], captureLines().io)).toBe(0);
    expect(await run(['webhooks', 'remove', '--ap', 'resellerbrand', '--id', id, '--db', t.store.location], captureLines().io)).toBe(2);
  });
});
