// The reads issue 15 reshaped so that their cost does not grow with the database, on both
// dialects: the console's ledger CSV (streamed in batches, every entry, running balances),
// `placeorder orders list --before` (keyset pages), the /metrics debited total (kept running,
// equal to the ledger's sum), and the expiry scan that starts where the last one ended.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { ledgerExport } from '../../src/funds/ledger-export.js';
import { DebitedTotal } from '../../src/funds/debited-total.js';
import { statement } from '../../src/funds/funds.service.js';
import { startSession } from '../../src/sessions/sessions.service.js';
import { WebhookDispatcher } from '../../src/webhooks/dispatcher.js';
import { captureLines } from '../cli/capture.js';
import { DIALECTS } from '../helpers/dialects.js';
import type { TestApp } from '../helpers/app.js';
import { BRAND, call, lifecycleApp, placeOrder, topUp } from '../reseller-api/support.js';

describe.each(DIALECTS)('reads that stay bounded (%s)', (dialect) => {
  let t: TestApp;
  let resellerId: number;
  const orders: number[] = [];

  beforeAll(async () => {
    t = await lifecycleApp(dialect);
    resellerId = (await t.store.db.selectFrom('resellers').select('id').where('ap', '=', BRAND).executeTakeFirstOrThrow()).id;
    await topUp(t, 100_000);
    for (let k = 0; k < 7; k++) orders.push(await placeOrder(t.app));
    for (const n of orders.slice(0, 5)) expect((await call(t.app, 'AutoAuthorize', { orderNumber: String(n) })).answer.errorCode).toBe('0');
    expect((await call(t.app, 'AutoRefund', { orderNumber: String(orders[1]), refundReasonCode: '3' })).answer.errorCode).toBe('0');
    await topUp(t, 2_500);
  }, 60_000);
  afterAll(() => t.close());

  it('exports the whole ledger oldest first, batch by batch, each entry with the balance after it', async () => {
    const lines = [];
    for await (const line of ledgerExport(t.store, resellerId, 2)) lines.push(line);
    const st = await statement(t.store, BRAND, 1000);
    expect(lines.map((l) => [l.entryId, l.amountCents, l.balanceCents])).toEqual(st.entries.map((e) => [e.entryId, e.amountCents, e.balanceCents]));
    expect(lines).toHaveLength(8);
    expect(lines.at(-1)!.balanceCents).toBe(st.balanceCents);
  });

  it('streams the CSV to a signed-in console', async () => {
    const user = await t.store.db.selectFrom('api_users').select('id').where('reseller_id', '=', resellerId).executeTakeFirstOrThrow();
    const { token } = await startSession(t.store, t.clock, { kind: 'console', resellerId, apiUserId: user.id });
    const res = await t.app.inject({ method: 'GET', url: '/console/ledger.csv', headers: { cookie: `po_console=${token}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['x-placeorder-error-code']).toBe('0');
    const rows = res.body.trimEnd().split('\r\n');
    expect(rows[0]).toBe('entry,at,kind,order_number,amount,balance,currency,memo');
    expect(rows).toHaveLength(9);
    expect(rows[1]).toMatch(/^\d+,[^,]+,"top_up",,1000\.00,1000\.00,USD,"test top-up"$/);
    expect(rows.at(-1)).toMatch(/,"top_up",,25\.00,[0-9.]+,USD,/);
  });

  it('pages `orders list` by order number with --before, each order once', async () => {
    const seen: number[] = [];
    let before: number | undefined;
    for (;;) {
      const c = captureLines();
      const args = ['orders', 'list', '--ap', BRAND, '--limit', '3', '--json', '--db', t.store.location, ...(before ? ['--before', String(before)] : [])];
      expect(await run(args, c.io)).toBe(0);
      const page = JSON.parse(c.out.join('\n')) as Array<{ orderNumber: number }>;
      if (page.length === 0) break;
      seen.push(...page.map((o) => o.orderNumber));
      before = page.at(-1)!.orderNumber;
    }
    expect(seen).toEqual([...orders].reverse());
    const unknown = captureLines();
    expect(await run(['orders', 'list', '--ap', 'nobody', '--db', t.store.location], unknown.io)).toBe(2);
    expect(unknown.err.join('\n')).toMatch(/there is no reseller "nobody"/);
  });

  it('keeps the debited total of /metrics equal to the ledger, settled or not', async () => {
    const sum = async () => {
      const r = await t.store.db.selectFrom('ledger_transactions').select((eb) => eb.fn.sum<number>('amount_cents').as('s')).where('kind', '=', 'authorization').executeTakeFirst();
      return Number(r?.s ?? 0);
    };
    const total = new DebitedTotal({ store: t.store, clock: t.clock });
    expect(await total.cents()).toBe(await sum());
    // An hour on, everything so far is settled; a new authorization is counted on top.
    t.clock.set(new Date(t.clock.now().getTime() + 3_600_000));
    expect(await total.cents()).toBe(await sum());
    expect((await call(t.app, 'AutoAuthorize', { orderNumber: String(orders[5]) })).answer.errorCode).toBe('0');
    expect(await total.cents()).toBe(await sum());
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(new RegExp(`placeorder_funds_debited_cents_total ${await sum()}\\b`));
  });

  it('the expiry scan starts where the last ended, and still finds a licence committed after it', async () => {
    const dispatcher = new WebhookDispatcher({ store: t.store, clock: t.clock, pollMs: 60_000 });
    await dispatcher.scanExpiries();
    // A 30-day licence, issued after that scan: it expires within the month the scan covered.
    const n = await placeOrder(t.app, { '1_PPP': '9675', emailAddress: 'thirty@example.com' });
    expect((await call(t.app, 'AutoAuthorize', { orderNumber: String(n) })).answer.errorCode).toBe('0');
    t.clock.set(new Date(t.clock.now().getTime() + 120_000));
    expect(await dispatcher.scanExpiries()).toBe(1);
    const events = await t.store.db.selectFrom('order_events').select('type').where('order_id', '=', n).execute();
    expect(events.map((e) => e.type)).toContain('order.expiring');
  });
});
