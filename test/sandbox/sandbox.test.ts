// Sandbox resellers: every error code forced on demand (one test per code), no money moved,
// a test clock of their own (placeorder clock advance), and a reset that leaves live data alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { Errors, errorMessage } from '../../src/errors.js';
import { FORCED_ERRORS, forcingAddress } from '../../src/sandbox/forced-errors.js';
import { advanceClock, resetClock } from '../../src/sandbox/sandbox.service.js';
import { captureLines } from '../cli/capture.js';
import { DIALECTS } from '../helpers/dialects.js';
import { post, testApp, type TestApp } from '../helpers/app.js';
import { createSandboxReseller, ordersOfBrand } from './support.js';

const SANDBOX = 'sandboxbrand';
const LOGIN = { loginName: 'sandboxbrand-api', loginPassword: 'sandbox-password' };
/** Every code of the spec's error table. */
const SPEC_CODES = [-1, -2, -3, -4, -14, -16, -38, -39, -44, -45, -54, -56, -62, -65, -70, -73, -83, -91, -97];

describe('the forced-error table', () => {
  it("covers every code of the spec's table and every code of the catalog", () => {
    const forcible = FORCED_ERRORS.map((e) => e.def.code);
    for (const code of SPEC_CODES) expect(forcible).toContain(code);
    expect([...forcible].sort()).toEqual(Object.values(Errors).map((e) => e.code).sort());
  });
});

describe.each(DIALECTS)('sandbox resellers (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect);
    await createSandboxReseller(t, SANDBOX, LOGIN);
  });
  afterAll(() => t.close());

  let n = 0;
  const order = (extra: Record<string, string> = {}) => ({
    ap: SANDBOX,
    reseller: 'Y',
    emailAddress: `sb${++n}@example.com`,
    name: 'Sandbox Customer',
    '1_PPP': '9974',
    ...extra,
  });
  const ordersOf = (ap: string) => ordersOfBrand(t, ap);

  it.each(FORCED_ERRORS.filter((e) => e.on === 'PlaceOrder').map((e) => [e.def.code, e] as const))(
    '!PlaceOrder with emailAddress force-N@sandbox.placeorder.test answers %i',
    async (code, forced) => {
      const before = await ordersOf(SANDBOX);
      const res = await post(t.app, 'PlaceOrder', order({ emailAddress: forcingAddress(code) }));
      expect(res.status).toBe(200);
      expect(res.body.startsWith(`errorCode=${code}&`)).toBe(true);
      expect(res.answer.errorItem).toBe(forced.item);
      const date = code === -56 ? res.answer.errorMessage!.match(/[0-9]{4}-[0-9]{2}-[0-9]{2}/)![0] : undefined;
      expect(res.answer.errorMessage).toBe(errorMessage(forced.def, forced.item, date));
      expect(await ordersOf(SANDBOX)).toBe(before);
    },
  );

  it.each(FORCED_ERRORS.filter((e) => e.on === 'reseller endpoints').map((e) => [e.def.code, e] as const))(
    'an order placed with later-N@sandbox.placeorder.test answers %i on the reseller endpoints',
    async (code, forced) => {
      const placed = await post(t.app, 'PlaceOrder', order({ emailAddress: forcingAddress(code) }));
      expect(placed.answer.errorCode).toBe('0');
      const res = await post(t.app, 'AutoAuthorize', { ...LOGIN, orderNumber: placed.answer.orderNumber! });
      expect(res.body.startsWith(`errorCode=${code}&`)).toBe(true);
      expect(res.answer.errorItem).toBe(forced.item);
      expect(res.answer.errorMessage).toBe(errorMessage(forced.def, forced.item));
    },
  );

  it('a live reseller gets no forced error: the same address places a real order', async () => {
    const res = await post(t.app, 'PlaceOrder', { ...order({ emailAddress: forcingAddress(-73) }), ap: 'resellerbrand' });
    expect(res.answer.errorCode).toBe('0');
  });

  it('real checks still come first: a sandbox request with an unknown parameter is -2 for it', async () => {
    const res = await post(t.app, 'PlaceOrder', order({ emailAddress: forcingAddress(-73), bogus: '1' }));
    expect(res.answer).toMatchObject({ errorCode: '-2', errorItem: 'bogus' });
  });

  it('the ordering page keeps the sandbox rules too: forced errors, and the reseller\'s own clock', async () => {
    const open = async () => {
      const page = await t.app.inject({ method: 'GET', url: `/products/!PlaceOrder?ap=${SANDBOX}&product=9974` });
      return /name="orderingSession" value="([^"]+)"/.exec(page.body)![1]!;
    };
    const submit = async (emailAddress: string) =>
      t.app.inject({
        method: 'POST',
        url: '/products/!PlaceOrder',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams([['orderingSession', await open()], ['product', '9974'], ['emailAddress', emailAddress], ['name', 'Page']]).toString(),
      });
    const before = await ordersOf(SANDBOX);
    const forced = await submit(forcingAddress(-73));
    expect(forced.headers['x-placeorder-error-code']).toBe('-73');
    expect(await ordersOf(SANDBOX)).toBe(before);

    await advanceClock(t.store, t.clock, SANDBOX, 5 * 86_400);
    try {
      const placed = await submit('page-clock@example.com');
      expect(placed.statusCode).toBe(303);
      const order = await t.store.db.selectFrom('orders').select('created_at').where('email_key', '=', 'page-clock@example.com').executeTakeFirstOrThrow();
      expect(order.created_at).toBe(new Date(t.clock.now().getTime() + 5 * 86_400_000).toISOString());
    } finally {
      await resetClock(t.store, t.clock, SANDBOX);
    }
  });

  it('never moves money: authorizing with no funds succeeds and no ledger entry is written; refund too', async () => {
    const placed = await post(t.app, 'PlaceOrder', order());
    const orderNumber = placed.answer.orderNumber!;
    const auth = await post(t.app, 'AutoAuthorize', { ...LOGIN, orderNumber });
    expect(auth.answer).toMatchObject({ errorCode: '0', status: 'active' });
    const refund = await post(t.app, 'AutoRefund', { ...LOGIN, orderNumber, refundReasonCode: '1' });
    expect(refund.answer).toMatchObject({ errorCode: '0', status: 'refunded' });
    const ledger = await t.store.db
      .selectFrom('ledger_transactions')
      .innerJoin('resellers', 'resellers.id', 'ledger_transactions.reseller_id')
      .select('ledger_transactions.id')
      .where('resellers.ap', '=', SANDBOX)
      .execute();
    expect(ledger).toEqual([]);
  });

  it('placeorder clock advance moves only this reseller\'s time: a renewal becomes possible, then the order expires', async () => {
    const email = `renew-${dialect}@example.com`;
    const placed = await post(t.app, 'PlaceOrder', order({ emailAddress: email }));
    const orderNumber = placed.answer.orderNumber!;
    await post(t.app, 'AutoAuthorize', { ...LOGIN, orderNumber });
    const status = await post(t.app, 'GetOrderStatus', { ...LOGIN, orderNumber });
    expect(status.answer).toMatchObject({ status: 'active', startDate: '2026-03-01', expiryDate: '2027-03-01' });
    const renewal = order({ emailAddress: email, licenceCode: status.answer.licenceCode! });
    expect((await post(t.app, 'PlaceOrder', renewal)).answer).toMatchObject({ errorCode: '-56', errorItem: 'licenceCode' });

    const c = captureLines();
    expect(await run(['clock', 'advance', '--ap', SANDBOX, '340d', '--db', t.store.location], c.io)).toBe(0);
    // The CLI prints the reseller clock against real time; the app under test runs on its manual clock.
    expect(c.out[0]).toMatch(/^sandbox clock of "sandboxbrand": [0-9T:.Z-]+ \(340d 0h 0m ahead of real time\)$/);
    expect((await post(t.app, 'PlaceOrder', renewal)).answer.errorCode).toBe('0');
    // The live brand's clock did not move: its renewals are still too early.
    expect(t.clock.now().toISOString()).toBe('2026-03-01T12:00:00.000Z');

    expect(await run(['clock', 'advance', '--ap', SANDBOX, '30d', '--db', t.store.location], captureLines().io)).toBe(0);
    expect((await post(t.app, 'GetOrderStatus', { ...LOGIN, orderNumber })).answer.status).toBe('expired');
  });

  it('the clock is sandbox-only: advancing a live brand is refused with exit code 2', async () => {
    const c = captureLines();
    expect(await run(['clock', 'advance', '--ap', 'resellerbrand', '40d', '--db', t.store.location], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/not a sandbox reseller/);
    const bad = captureLines();
    expect(await run(['clock', 'advance', '--ap', SANDBOX, 'forty', '--db', t.store.location], bad.io)).toBe(2);
  });

  it('sandbox reset wipes the sandbox orders and clock, and leaves the live reseller\'s orders', async () => {
    await post(t.app, 'PlaceOrder', order());
    const live = await ordersOf('resellerbrand');
    expect(await ordersOf(SANDBOX)).toBeGreaterThan(0);
    const c = captureLines();
    expect(await run(['sandbox', 'reset', '--ap', SANDBOX, '--db', t.store.location], c.io)).toBe(0);
    expect(c.out[0]).toMatch(/^sandbox "sandboxbrand" reset: [0-9]+ orders removed/);
    expect(await ordersOf(SANDBOX)).toBe(0);
    expect(await ordersOf('resellerbrand')).toBe(live);
    const show = captureLines();
    await run(['clock', 'show', '--ap', SANDBOX, '--db', t.store.location], show.io);
    expect(show.out[0]).toMatch(/\(0d 0h 0m ahead/);
    // The sandbox works again from scratch.
    expect((await post(t.app, 'PlaceOrder', order())).answer.errorCode).toBe('0');
    expect(await run(['sandbox', 'reset', '--ap', 'resellerbrand', '--db', t.store.location], captureLines().io)).toBe(2);
  });

  it('placeorder reseller add --sandbox creates a sandbox reseller', async () => {
    const c = captureLines();
    const code = await run(
      ['reseller', 'add', '--ap', 'cli-sandbox', '--login', 'cli-sandbox-api', '--password', 'long-enough-pw', '--sandbox', '--db', t.store.location],
      c.io,
    );
    expect(code).toBe(0);
    const row = await t.store.db.selectFrom('resellers').select('sandbox').where('ap', '=', 'cli-sandbox').executeTakeFirstOrThrow();
    expect(row.sandbox).toBe(1);
  });
});
