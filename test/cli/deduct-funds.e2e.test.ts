// The spec's sentence "Sectigo will deduct funds from your account when you authorize an order"
// ("Authorizing orders"), end to end: the operator works through the CLI only, the reseller and
// its customer through HTTP only (a real socket), on each dialect. The server is the real app
// on the same database, with a manual clock.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { defaultCatalog } from '../../src/catalog/catalog.js';
import { ManualClock } from '../../src/clock.js';
import { DEFAULTS } from '../../src/config.js';
import { openStore, type Store } from '../../src/db/store.js';
import type { FastifyInstance } from 'fastify';
import { DIALECTS, freshDatabase, type FreshDatabase } from '../helpers/dialects.js';
import { cheapHasher, formBody, parseAnswer } from '../helpers/app.js';
import { cli } from './capture.js';

describe.each(DIALECTS)('funds are deducted when an order is authorized (%s)', (dialect) => {
  let db: FreshDatabase;
  let store: Store;
  let app: FastifyInstance;
  let base: string;
  const api = { loginName: 'deduct-api', loginPassword: 'deduct-password' };

  beforeAll(async () => {
    db = await freshDatabase(dialect);
    expect((await cli(['migrate', '--db', db.location])).code).toBe(0);
    store = await openStore(db.location, { poolSize: 5 });
    const off = { perSecond: 0, burst: 1 };
    app = await buildApp({
      store,
      catalog: defaultCatalog(),
      clock: new ManualClock(new Date()),
      hasher: cheapHasher(),
      config: { ...DEFAULTS, allowHttp: true, db: db.location, hardening: { ...DEFAULTS.hardening, rateByAddress: off, rateByReseller: off } },
      logger: pino({ level: 'silent' }, new Writable({ write: (_c, _e, done) => done() })),
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    await db.drop();
  });

  async function http(endpoint: string, params: Record<string, string>) {
    const res = await fetch(`${base}/products/!${endpoint}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: formBody(params),
    });
    return parseAnswer(await res.text());
  }
  async function funds() {
    const show = await cli(['funds', 'show', '--ap', 'deductbrand', '--json', '--db', db.location]);
    expect(show.code).toBe(0);
    return JSON.parse(show.out) as { balanceCents: number; entries: Array<{ kind: string; orderNumber: number | null; amountCents: number; balanceCents: number }> };
  }

  it('placing moves no money; authorizing deducts the total; refunding gives it back; reseller=N never touches it', async () => {
    const add = await cli(['reseller', 'add', '--ap', 'deductbrand', '--login', api.loginName, '--password', api.loginPassword, '--validated', '--db', db.location]);
    expect(add.code).toBe(0);
    expect((await cli(['funds', 'credit', '--ap', 'deductbrand', '--amount', '100.00', '--db', db.location])).code).toBe(0);
    expect((await funds()).balanceCents).toBe(10_000);

    const placed = await http('PlaceOrder', { ap: 'deductbrand', reseller: 'Y', emailAddress: 'buyer@example.com', name: 'Buyer', '1_PPP': '9974' });
    expect(placed).toMatchObject({ errorCode: '0', totalCost: '48.99' });
    const orderNumber = placed.orderNumber!;
    expect((await funds()).balanceCents).toBe(10_000);
    expect(await http('GetOrderStatus', { ...api, orderNumber })).toMatchObject({ status: 'pending_authorization' });

    expect(await http('AutoAuthorize', { ...api, orderNumber, test: 'Y' })).toMatchObject({ errorCode: '0', test: 'Y' });
    expect((await funds()).balanceCents).toBe(10_000);

    expect(await http('AutoAuthorize', { ...api, orderNumber })).toMatchObject({ errorCode: '0', status: 'active' });
    const after = await funds();
    expect(after.balanceCents).toBe(10_000 - 4899);
    expect(after.entries.map((e) => [e.kind, e.orderNumber, e.amountCents, e.balanceCents])).toEqual([
      ['top_up', null, 10_000, 10_000],
      ['authorization', Number(orderNumber), -4899, 5101],
    ]);
    const status = await http('GetOrderStatus', { ...api, orderNumber });
    expect(status).toMatchObject({ status: 'active', totalCost: '48.99' });
    expect(status.licenceCode).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){5}$/);

    // Authorizing again deducts nothing more.
    expect((await http('AutoAuthorize', { ...api, orderNumber })).errorCode).toBe('0');
    expect((await funds()).balanceCents).toBe(5101);

    expect(await http('AutoRefund', { ...api, orderNumber, refundReasonCode: '1' })).toMatchObject({ errorCode: '0', status: 'refunded' });
    const refunded = await funds();
    expect(refunded.balanceCents).toBe(10_000);
    expect(refunded.entries.at(-1)).toMatchObject({ kind: 'refund', orderNumber: Number(orderNumber), amountCents: 4899, balanceCents: 10_000 });

    // reseller=N: the vendor charges the customer; the operator records the payment.
    const direct = await http('PlaceOrder', { ap: 'deductbrand', reseller: 'N', emailAddress: 'direct@example.com', name: 'Direct', '1_PPP': '9974' });
    expect(await http('GetOrderStatus', { ...api, orderNumber: direct.orderNumber! })).toMatchObject({ status: 'awaiting_payment' });
    const paid = await cli(['orders', 'mark-paid', direct.orderNumber!, '--db', db.location]);
    expect(paid).toEqual({ code: 0, out: `order ${direct.orderNumber} is now active\n`, err: '' });
    expect((await cli(['orders', 'mark-paid', direct.orderNumber!, '--db', db.location])).out).toContain('already active');
    const directStatus = await http('GetOrderStatus', { ...api, orderNumber: direct.orderNumber! });
    expect(directStatus.status).toBe('active');
    expect(directStatus.licenceCode).toBeDefined();
    expect((await funds()).balanceCents).toBe(10_000);
    // mark-paid is for reseller=N orders only; cancel withdraws an unpaid one.
    const other = await http('PlaceOrder', { ap: 'deductbrand', reseller: 'Y', emailAddress: 'later@example.com', name: 'Later', '1_PPP': '9974' });
    expect((await cli(['orders', 'mark-paid', other.orderNumber!, '--db', db.location])).err).toMatch(/reseller=Y order/);
    expect((await cli(['orders', 'cancel', other.orderNumber!, '--db', db.location])).out).toBe(`order ${other.orderNumber} is now cancelled\n`);
    expect((await http('AutoAuthorize', { ...api, orderNumber: other.orderNumber! })).errorCode).toBe('-20');
  });
});
