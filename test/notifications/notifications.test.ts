// Notifications by email, against a real SMTP server in-process: every kind arrives once with
// its content, written in the transaction of its cause; reminders follow the clock across
// 30/7/1/0 days; an unsubscribed customer gets no reminders but still its licence; a relay's
// 5xx is a permanent failure, recorded; funds_low once per crossing.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/seed/demo.js';
import { run } from '../../src/cli/main.js';
import { captureLines } from '../cli/capture.js';
import { creditFunds } from '../../src/funds/funds.service.js';
import { purge } from '../../src/maintenance/purge.js';
import { MESSAGE_DAYS } from '../../src/retention/retention.js';
import { setBrand } from '../../src/notifications/brand.repository.js';
import { MailDispatcher } from '../../src/mail/dispatcher.js';
import { smtpTransport } from '../../src/mail/transport.js';
import { resellerIdByAp } from '../../src/resellers/resellers.repository.js';
import { advanceClockById } from '../../src/sandbox/sandbox.service.js';
import { WebhookDispatcher } from '../../src/webhooks/dispatcher.js';
import { registerEndpoint } from '../../src/webhooks/webhooks.service.js';
import { DIALECTS } from '../helpers/dialects.js';
import { post, testApp, type TestApp } from '../helpers/app.js';
import { startSmtp, type TestSmtp } from './smtp.js';

const AP = 'resellerbrand';
const LOGIN = { loginName: `${AP}-api`, loginPassword: DEMO_PASSWORD };
const DAY = 86_400_000;

describe.each(DIALECTS)('notifications (%s)', (dialect) => {
  let t: TestApp;
  let smtp: TestSmtp;
  let d: MailDispatcher;
  let resellerId: number;

  beforeAll(async () => {
    t = await testApp(dialect, { webhookAllowPrivate: true });
    smtp = await startSmtp();
    resellerId = (await resellerIdByAp(t.store.db, AP))!;
    await creditFunds(t.store, t.clock, AP, 1_000_00, 'test top-up', 'test');
    await t.store.write((tx) =>
      setBrand(tx, resellerId, { senderName: 'Reseller Brand Shop', replyTo: 'help@shop.example', footer: 'Reseller Brand Shop, 1 Main St', noticesTo: 'ops@shop.example', fundsThresholdCents: 900_00 }),
    );
    d = new MailDispatcher({
      store: t.store,
      clock: t.clock,
      catalog: t.catalog,
      transport: smtpTransport({ url: smtp.url, timeoutMs: 5_000 }),
      mail: { from: 'orders@placeorder.test', leaseSeconds: 60, pollMs: 1000, scanMs: 60_000, publicUrl: 'https://orders.example' },
    });
  });
  afterEach(() => {
    smtp.received.length = 0;
  });
  afterAll(async () => {
    await smtp.close();
    await t.close();
  });

  /** Everything due goes out: scans and send rounds until a round sends nothing. */
  const flush = async () => {
    await d.scheduler.scan();
    while ((await d.runOnce()) > 0);
  };
  const place = async (email: string, extra: Record<string, string> = {}) => {
    const res = await post(t.app, 'PlaceOrder', { ap: AP, reseller: 'Y', emailAddress: email, foreName: 'Ada', surName: 'Lovelace', '1_PPP': '9974', ...extra });
    expect(res.answer.errorCode).toBe('0');
    return Number(res.answer.orderNumber);
  };
  const states = async (kind: string) =>
    (await t.store.db.selectFrom('notification_messages').select(['state', 'attempts', 'last_error']).where('kind', '=', kind as never).orderBy('id').execute());

  it('order received, licence issued, refund done: each once, in the brand, with its content', async () => {
    const n = await place('Ada@Example.com');
    await flush();
    const [received] = smtp.ofKind('order_received');
    expect(smtp.ofKind('order_received')).toHaveLength(1);
    expect(received!.to).toBe('ada@example.com');
    expect(received!.mail.subject).toBe(`Order ${n} received`);
    expect(received!.mail.from?.value[0]).toEqual({ name: 'Reseller Brand Shop', address: 'orders@placeorder.test' });
    expect(received!.mail.replyTo?.value[0]?.address).toBe('help@shop.example');
    expect(received!.mail.text).toContain('Hello Ada Lovelace,');
    expect(received!.mail.text).toContain('Reseller Brand Shop is checking your order');
    expect(received!.mail.text).toContain('Reseller Brand Shop, 1 Main St');
    expect(received!.mail.html).toContain(`<td style="padding:4px 0;font-family:monospace">${n}</td>`);
    expect(received!.mail.headers.has('list-unsubscribe')).toBe(false);

    expect((await post(t.app, 'AutoAuthorize', { ...LOGIN, orderNumber: String(n) })).answer.errorCode).toBe('0');
    await flush();
    const licence = await t.store.db.selectFrom('licences').select(['code', 'expires_at']).where('order_id', '=', n).executeTakeFirstOrThrow();
    const issued = smtp.ofKind('licence_issued');
    expect(issued).toHaveLength(1);
    expect(issued[0]!.mail.text).toContain(`Licence code: ${licence.code}`);
    expect(issued[0]!.mail.text).toContain(`Expires: ${licence.expires_at.slice(0, 10)}`);

    expect((await post(t.app, 'AutoRefund', { ...LOGIN, orderNumber: String(n), refundReasonCode: '1' })).answer.errorCode).toBe('0');
    await flush();
    expect(smtp.ofKind('refund_done')).toHaveLength(1);
    expect(smtp.ofKind('refund_done')[0]!.mail.subject).toBe(`Refund of order ${n}`);
    // Nothing goes twice: another round finds nothing due.
    await flush();
    expect(smtp.received.map((r) => r.kind).sort()).toEqual(['licence_issued', 'order_received', 'refund_done']);
  });

  it('a reseller=N order awaiting payment says what to do next', async () => {
    await place('payer@example.com', { reseller: 'N' });
    await flush();
    expect(smtp.ofKind('order_received')[0]!.mail.text).toContain('Your order is awaiting payment');
  });

  it('a relay that refuses the address (5xx): failed at once, recorded, not retried', async () => {
    smtp.reject.add('nobody@example.com');
    await place('nobody@example.com');
    await flush();
    expect(smtp.received).toHaveLength(0);
    const [row] = (await states('order_received')).slice(-1);
    expect(row).toMatchObject({ state: 'failed', attempts: 1 });
    expect(row!.last_error).toMatch(/^550/);
    // The operator sees it and, the mailbox fixed, sends it again.
    const listed = captureLines();
    expect(await run(['notifications', 'list', '--ap', AP, '--limit', '1', '--db', t.store.location], listed.io)).toBe(0);
    const [id, , state, kind, to] = listed.out[0]!.split('\t');
    expect([state, kind, to]).toEqual(['failed', 'order_received', 'nobody@example.com']);
    smtp.reject.delete('nobody@example.com');
    const retried = captureLines();
    expect(await run(['notifications', 'retry', '--ap', AP, '--id', id!, '--db', t.store.location], retried.io)).toBe(0);
    await flush();
    expect(smtp.ofKind('order_received').map((r) => r.to)).toEqual(['nobody@example.com']);
    expect(await run(['notifications', 'retry', '--ap', AP, '--id', id!, '--db', t.store.location], captureLines().io)).toBe(1);
  });

  it('reminders follow the clock across 30/7/1/0 days; an unsubscribed customer gets none but still its licence', async () => {
    const start = t.clock.now();
    const kept = await place('kept@example.com');
    const leaving = await place('leaving@example.com');
    for (const n of [kept, leaving]) expect((await post(t.app, 'AutoAuthorize', { ...LOGIN, orderNumber: String(n) })).answer.errorCode).toBe('0');
    await flush();
    const expires = Date.parse((await t.store.db.selectFrom('licences').select('expires_at').where('order_id', '=', kept).executeTakeFirstOrThrow()).expires_at);
    const seen: string[] = [];
    for (const days of [31, 30, 20, 7, 1, 0]) {
      t.clock.set(new Date(expires - days * DAY + 1000));
      smtp.received.length = 0;
      await flush();
      seen.push(`${days}:${smtp.received.filter((r) => r.to === 'kept@example.com').map((r) => r.kind).join(',')}`);
      if (days === 30) {
        // The link of the first reminder unsubscribes the other customer.
        const other = smtp.received.find((r) => r.to === 'leaving@example.com')!;
        const header = other.mail.headerLines.find((h) => h.key === 'list-unsubscribe')!.line;
        const link = /<(https:\/\/orders\.example[^>]+)>/.exec(header.replace(/\r?\n\s+/g, ''))![1]!;
        expect(other.mail.text).toContain(`Stop renewal reminders: ${link}`);
        expect(other.mail.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
        const path = link.slice('https://orders.example'.length);
        expect((await t.app.inject({ method: 'GET', url: path })).headers['x-placeorder-error-code']).toBe('0');
        const done = await t.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
        expect(done.headers['x-placeorder-error-code']).toBe('0');
        const forged = await t.app.inject({ method: 'POST', url: path.replace('leaving', 'kept'), payload: '' });
        expect(forged.headers['x-placeorder-error-code']).toBe('-4');
      }
      if (days < 30) expect(smtp.received.filter((r) => r.to === 'leaving@example.com')).toEqual([]);
    }
    expect(seen).toEqual(['31:', '30:reminder_30', '20:', '7:reminder_7', '1:reminder_1', '0:reminder_0']);
    expect(smtp.ofKind('reminder_0')[0]!.mail.text).toContain('/products/!PlaceOrder?ap=resellerbrand');
    // Unsubscribed from reminders, not from its orders: a new order's licence still comes.
    t.clock.set(start);
    smtp.received.length = 0;
    const again = await place('leaving@example.com');
    expect((await post(t.app, 'AutoAuthorize', { ...LOGIN, orderNumber: String(again) })).answer.errorCode).toBe('0');
    await flush();
    expect(smtp.received.filter((r) => r.to === 'leaving@example.com').map((r) => r.kind).sort()).toEqual(['licence_issued', 'order_received']);
  });

  it("a sandbox reseller's reminders follow its own test clock", async () => {
    expect(await run(['reseller', 'add', '--ap', 'sbx-mail', '--login', 'sbx-mail-api', '--password', 'long-enough-pw', '--validated', '--sandbox', '--db', t.store.location], captureLines().io)).toBe(0);
    const res = await post(t.app, 'PlaceOrder', { ap: 'sbx-mail', reseller: 'Y', emailAddress: 'sbx@example.com', name: 'Sandbox Customer', '1_PPP': '9974' });
    const n = Number(res.answer.orderNumber);
    expect((await post(t.app, 'AutoAuthorize', { loginName: 'sbx-mail-api', loginPassword: 'long-enough-pw', orderNumber: String(n) })).answer.errorCode).toBe('0');
    await flush();
    smtp.received.length = 0;
    const expires = Date.parse((await t.store.db.selectFrom('licences').select('expires_at').where('order_id', '=', n).executeTakeFirstOrThrow()).expires_at);
    // Eight days before expiry on the sandbox's clock; the server's clock has not moved.
    const sandboxId = (await resellerIdByAp(t.store.db, 'sbx-mail'))!;
    await advanceClockById(t.store, t.clock, sandboxId, Math.floor((expires - 8 * DAY - t.clock.now().getTime()) / 1000));
    await flush();
    expect(smtp.received.map((r) => `${r.to}:${r.kind}`)).toEqual(['sbx@example.com:reminder_30']);
    expect(smtp.received[0]!.mail.subject).toBe('Your licence expires in 8 days');
    await advanceClockById(t.store, t.clock, sandboxId, 2 * 86_400);
    await flush();
    expect(smtp.received.map((r) => `${r.to}:${r.kind}`)).toEqual(['sbx@example.com:reminder_30', 'sbx@example.com:reminder_7']);
  });

  it('funds below the threshold: one notice per crossing, not per order', async () => {
    const funds = async () => Number((await t.store.db.selectFrom('funds_accounts').select('balance_cents').where('reseller_id', '=', resellerId).executeTakeFirstOrThrow()).balance_cents);
    const threshold = (await funds()) - 1;
    await t.store.write((tx) =>
      setBrand(tx, resellerId, { senderName: 'Reseller Brand Shop', replyTo: 'help@shop.example', footer: null, noticesTo: 'ops@shop.example', fundsThresholdCents: threshold }),
    );
    for (let i = 0; i < 2; i++) {
      const n = await place(`funds${i}@example.com`);
      expect((await post(t.app, 'AutoAuthorize', { ...LOGIN, orderNumber: String(n) })).answer.errorCode).toBe('0');
    }
    await flush();
    const notices = smtp.ofKind('funds_low');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.to).toBe('ops@shop.example');
    expect(notices[0]!.mail.text).toContain('Threshold:');
  });

  it('the daily digest of orders waiting more than a day, and a webhook endpoint failing for an hour', async () => {
    const waiting = await place('waiting@example.com');
    const endpoint = await registerEndpoint(t.store, t.clock, resellerId, 'http://127.0.0.1:9/hooks', { secret: 'whsec_failing_endpoint', allowPrivate: true });
    await place('hooked@example.com');
    const hooks = new WebhookDispatcher({ store: t.store, clock: t.clock, post: () => Promise.reject(new Error('connection refused')) });
    await hooks.runOnce();
    await flush();
    expect(smtp.ofKind('digest')).toHaveLength(0);
    expect(smtp.ofKind('webhook_failing')).toHaveLength(0);
    t.clock.set(new Date(t.clock.now().getTime() + DAY + 60_000));
    await flush();
    await flush();
    const [digest] = smtp.ofKind('digest');
    expect(smtp.ofKind('digest')).toHaveLength(1);
    expect(digest!.mail.text).toContain(`Order ${waiting}:`);
    const failing = smtp.ofKind('webhook_failing');
    expect(failing).toHaveLength(1);
    expect(failing[0]!.mail.text).toContain(`Endpoint: ${endpoint.url}`);
  });

  it('the retention purge removes messages older than MESSAGE_DAYS, and only those', async () => {
    const rows = await t.store.db.selectFrom('notification_messages').select('created_at').execute();
    expect(rows.length).toBeGreaterThan(0);
    const times = rows.map((r) => Date.parse(r.created_at)).sort((a, b) => a - b);
    // Between the oldest and the newest: only what is older than the cutoff goes.
    const now = new Date(times[0]! + MESSAGE_DAYS * DAY + 1);
    const old = times.filter((x) => x < now.getTime() - MESSAGE_DAYS * DAY).length;
    expect(old).toBeGreaterThan(0);
    expect(old).toBeLessThan(rows.length);
    expect((await purge(t.store, now, t.config, { dryRun: true })).notification_messages).toBe(old);
    expect((await purge(t.store, now, t.config)).notification_messages).toBe(old);
    expect((await purge(t.store, new Date(times[times.length - 1]! + MESSAGE_DAYS * DAY + 1), t.config)).notification_messages).toBe(rows.length - old);
  });
});
