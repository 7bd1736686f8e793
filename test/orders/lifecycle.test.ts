// Every transition of an order's life through the reseller endpoints, and every error they
// answer, on each dialect. After every test the ledger invariant holds and no entry changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReseller } from '../../src/resellers/resellers.service.js';
import { DEMO_PASSWORD } from '../../src/seed/demo.js';
import { markPaid, cancelOrder } from '../../src/orders/lifecycle.service.js';
import { DIALECTS } from '../helpers/dialects.js';
import { freePlan, post, type TestApp } from '../helpers/app.js';
import { snapshotLedger } from '../funds/ledger-invariant.js';
import { DNS_PRO_1Y_CENTS, balanceOf, call, checkLedgerAroundEachTest, creds, lifecycleApp, placeOrder, statusOf, topUp } from '../reseller-api/support.js';

describe.each(DIALECTS)('order lifecycle (%s)', (dialect) => {
  let t: TestApp;
  const deps = () => ({ store: t.store, catalog: t.catalog, clock: t.clock, config: t.config });
  beforeAll(async () => {
    // Password expiry is tested in auth.test.ts; here the clock runs past a year.
    t = await lifecycleApp(dialect, { apiPasswordMaxAgeDays: 0 });
    await createReseller(t.store, t.hasher, t.clock, {
      ap: 'otherbrand',
      login: 'otherbrand-api',
      password: DEMO_PASSWORD,
      validated: true,
      redirectOrigins: [],
    });
    await createReseller(t.store, t.hasher, t.clock, {
      ap: 'creditbrand',
      login: 'creditbrand-api',
      password: DEMO_PASSWORD,
      validated: true,
      redirectOrigins: [],
      creditLimitCents: 5000,
    });
  });
  afterAll(() => t.close());
  const snapshot = checkLedgerAroundEachTest(() => t);

  const authorize = (n: number, extra: Record<string, string> = {}, login = creds()) =>
    call(t.app, 'AutoAuthorize', { orderNumber: String(n), ...extra }, login);

  it('authorizing a pending order debits its total once, activates it and issues a licence', async () => {
    const n = await placeOrder(t.app);
    expect(await statusOf(t, n)).toBe('pending_authorization');
    await topUp(t, 10_000);
    const before = await balanceOf(t);
    const res = await authorize(n);
    expect(res.body).toBe(`errorCode=0&orderNumber=${n}&status=active&totalCost=48.99&currency=USD`);
    expect(await balanceOf(t)).toBe(before - DNS_PRO_1Y_CENTS);
    const licence = await t.store.db.selectFrom('licences').selectAll().where('order_id', '=', n).executeTakeFirstOrThrow();
    expect(licence.code).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){5}$/);
    expect(licence.starts_at).toBe('2026-03-01T12:00:00.000Z');
    expect(licence.expires_at).toBe('2027-03-01T12:00:00.000Z');
    const debit = await t.store.db.selectFrom('ledger_transactions').selectAll().where('debit_order_id', '=', n).execute();
    expect(debit).toHaveLength(1);
    expect(debit[0]!.amount_cents).toBe(DNS_PRO_1Y_CENTS);
  });

  it('authorizing an already authorized order answers success and debits nothing more', async () => {
    const n = await placeOrder(t.app);
    await topUp(t, 10_000);
    expect((await authorize(n)).answer.errorCode).toBe('0');
    const after = await balanceOf(t);
    const again = await authorize(n);
    expect(again.answer).toMatchObject({ errorCode: '0', status: 'active' });
    expect(await balanceOf(t)).toBe(after);
    expect(await t.store.db.selectFrom('licences').select('id').where('order_id', '=', n).execute()).toHaveLength(1);
  });

  it('test=Y runs the checks and leaves funds, order and licences untouched', async () => {
    await topUp(t, 10_000);
    const n = await placeOrder(t.app);
    const before = await balanceOf(t);
    const res = await authorize(n, { test: 'y' });
    expect(res.body).toBe(`errorCode=0&orderNumber=${n}&status=pending_authorization&totalCost=48.99&currency=USD&test=Y`);
    expect(await balanceOf(t)).toBe(before);
    expect(await statusOf(t, n)).toBe('pending_authorization');
    expect(await t.store.db.selectFrom('licences').select('id').where('order_id', '=', n).execute()).toHaveLength(0);
    expect((await snapshotLedger(t.store.db)).entries.size).toBe(snapshot().entries.size + 2); // the top-up only
  });

  it('not enough funds is -15; nothing is debited and the order stays pending (test=Y says so too)', async () => {
    const n = await placeOrder(t.app, { '1_PPP': '9604' }); // Web Monitor 5 years, several times any balance here
    const before = await balanceOf(t);
    const total = (await t.store.db.selectFrom('orders').select('total_cents').where('id', '=', n).executeTakeFirstOrThrow()).total_cents;
    expect(total).toBeGreaterThan(before);
    for (const extra of [{ test: 'Y' }, {}] as Array<Record<string, string>>) {
      const res = await authorize(n, extra);
      expect(res.body).toBe('errorCode=-15&errorMessage=Not%20enough%20credit!');
    }
    expect(await balanceOf(t)).toBe(before);
    expect(await statusOf(t, n)).toBe('pending_authorization');
    // The debit comes last in its transaction: what came before it (the licences, the events
    // and their messages) went with the rollback.
    expect(await t.store.db.selectFrom('licences').select('code').where('order_id', '=', n).execute()).toEqual([]);
    const events = await t.store.db.selectFrom('order_events').select('type').where('order_id', '=', n).execute();
    expect(events.map((e) => e.type)).toEqual(['order.placed']);
  });

  it('the credit limit lets the balance go below zero down to minus the limit, not further', async () => {
    const login = creds('creditbrand-api');
    const a = await placeOrder(t.app, { ap: 'creditbrand' });
    const b = await placeOrder(t.app, { ap: 'creditbrand' });
    // balance 0, limit 50.00: the first 48.99 fits, the second would reach -97.98.
    expect((await authorize(a, {}, login)).answer.errorCode).toBe('0');
    expect(await balanceOf(t, 'creditbrand')).toBe(-DNS_PRO_1Y_CENTS);
    expect((await authorize(b, {}, login)).answer.errorCode).toBe('-15');
    expect(await balanceOf(t, 'creditbrand')).toBe(-DNS_PRO_1Y_CENTS);
  });

  it('a free reseller=Y order is activated without a ledger entry', async () => {
    const n = await placeOrder(t.app, { '1_PPP': '9675', offerCode: 'FREE_HP_UPGRADE' });
    const res = await authorize(n);
    expect(res.answer).toMatchObject({ errorCode: '0', status: 'active', totalCost: '0.00' });
    expect(await t.store.db.selectFrom('ledger_transactions').select('id').where('order_id', '=', n).execute()).toHaveLength(0);
    const licence = await t.store.db.selectFrom('licences').selectAll().where('order_id', '=', n).executeTakeFirstOrThrow();
    expect(licence.expires_at).toBe('2026-03-31T12:00:00.000Z');
  });

  it('an unknown order, another reseller’s order and a reseller=N order are -4 orderNumber', async () => {
    const other = await placeOrder(t.app, { ap: 'otherbrand' });
    const resellerN = await placeOrder(t.app, { reseller: 'N' });
    for (const n of [999_999, other, resellerN]) {
      for (const endpoint of ['AutoAuthorize', 'AutoReject', 'AutoRefund']) {
        const params: Record<string, string> = endpoint === 'AutoRefund' ? { orderNumber: String(n), refundReasonCode: '1' } : { orderNumber: String(n) };
        const res = await call(t.app, endpoint, params);
        expect(res.body, `${endpoint} ${n}`).toBe("errorCode=-4&errorMessage=The%20value%20of%20the%20'orderNumber'%20argument%20is%20invalid!&errorItem=orderNumber");
      }
    }
    expect((await call(t.app, 'GetOrderStatus', { orderNumber: String(other) })).answer).toMatchObject({ errorCode: '-4', errorItem: 'orderNumber' });
    expect(await statusOf(t, other)).toBe('pending_authorization');
  });

  it('reject: a pending order becomes rejected, nothing is debited; again is success; then authorize is -20', async () => {
    const n = await placeOrder(t.app);
    await topUp(t, 10_000);
    const before = await balanceOf(t);
    expect((await call(t.app, 'AutoReject', { orderNumber: String(n) })).body).toBe(
      `errorCode=0&orderNumber=${n}&status=rejected&totalCost=48.99&currency=USD`,
    );
    expect((await call(t.app, 'AutoReject', { orderNumber: String(n) })).answer).toMatchObject({ errorCode: '0', status: 'rejected' });
    const res = await authorize(n);
    expect(res.answer).toMatchObject({ errorCode: '-20', errorMessage: 'The order has already been rejected, refunded or cancelled!', errorItem: 'orderNumber' });
    expect((await authorize(n, { test: 'Y' })).answer.errorCode).toBe('-20');
    expect(await balanceOf(t)).toBe(before);
  });

  it('rejecting an authorized order is -20 (refund it instead)', async () => {
    await topUp(t, 10_000);
    const n = await placeOrder(t.app);
    await authorize(n);
    expect((await call(t.app, 'AutoReject', { orderNumber: String(n) })).answer.errorCode).toBe('-20');
    expect(await statusOf(t, n)).toBe('active');
  });

  it('refund within the period reverses the debit with a new entry and revokes the licence; again is -18', async () => {
    await topUp(t, 10_000);
    const n = await placeOrder(t.app);
    await authorize(n);
    const before = await balanceOf(t);
    t.clock.advanceDays(10);
    const res = await call(t.app, 'AutoRefund', { orderNumber: String(n), refundReasonCode: '3' });
    expect(res.body).toBe(`errorCode=0&orderNumber=${n}&status=refunded&totalCost=48.99&currency=USD`);
    expect(await balanceOf(t)).toBe(before + DNS_PRO_1Y_CENTS);
    const order = await t.store.db.selectFrom('orders').selectAll().where('id', '=', n).executeTakeFirstOrThrow();
    expect(order.refund_reason_code).toBe(3);
    const licence = await t.store.db.selectFrom('licences').selectAll().where('order_id', '=', n).executeTakeFirstOrThrow();
    expect(licence.revoked_at).toBe('2026-03-11T12:00:00.000Z');
    const kinds = await t.store.db.selectFrom('ledger_transactions').select('kind').where('order_id', '=', n).orderBy('id').execute();
    expect(kinds.map((k) => k.kind)).toEqual(['authorization', 'refund']);
    const again = await call(t.app, 'AutoRefund', { orderNumber: String(n), refundReasonCode: '3' });
    expect(again.answer).toMatchObject({ errorCode: '-18', errorItem: 'orderNumber' });
    expect((await authorize(n)).answer.errorCode).toBe('-20');
    expect(await balanceOf(t)).toBe(before + DNS_PRO_1Y_CENTS);
  });

  it('refund at the period’s edge: exactly 30 days after authorization is allowed, one second later -18', async () => {
    await topUp(t, 20_000);
    const a = await placeOrder(t.app);
    const b = await placeOrder(t.app);
    await authorize(a);
    await authorize(b);
    t.clock.set('2026-03-31T12:00:00Z');
    expect((await call(t.app, 'AutoRefund', { orderNumber: String(a), refundReasonCode: '1' })).answer.errorCode).toBe('0');
    t.clock.set('2026-03-31T12:00:01Z');
    const late = await call(t.app, 'AutoRefund', { orderNumber: String(b), refundReasonCode: '1' });
    expect(late.answer).toMatchObject({ errorCode: '-18', errorItem: 'orderNumber' });
    expect(await statusOf(t, b)).toBe('active');
  });

  it('refunding a never-authorized order is -20', async () => {
    const n = await placeOrder(t.app);
    expect((await call(t.app, 'AutoRefund', { orderNumber: String(n), refundReasonCode: '11' })).answer.errorCode).toBe('-20');
    await call(t.app, 'AutoReject', { orderNumber: String(n) });
    expect((await call(t.app, 'AutoRefund', { orderNumber: String(n), refundReasonCode: '11' })).answer.errorCode).toBe('-20');
  });

  it('refundReasonCode must be 1–11', async () => {
    const n = await placeOrder(t.app);
    expect((await call(t.app, 'AutoRefund', { orderNumber: String(n) })).answer).toMatchObject({ errorCode: '-3', errorItem: 'refundReasonCode' });
    for (const bad of ['0', '12', 'x', '-1']) {
      const res = await call(t.app, 'AutoRefund', { orderNumber: String(n), refundReasonCode: bad });
      expect(res.answer, bad).toMatchObject({ errorCode: '-4', errorItem: 'refundReasonCode' });
    }
  });

  it('operator cancel: an unpaid order becomes cancelled; authorize and refund then answer -20', async () => {
    const n = await placeOrder(t.app);
    expect(await cancelOrder(deps(), n, 'test')).toEqual({ kind: 'done', status: 'cancelled' });
    expect((await authorize(n)).answer.errorCode).toBe('-20');
    expect((await call(t.app, 'AutoReject', { orderNumber: String(n) })).answer.errorCode).toBe('-20');
    expect((await call(t.app, 'AutoRefund', { orderNumber: String(n), refundReasonCode: '1' })).answer.errorCode).toBe('-20');
  });

  it('reseller=N: a paid order waits in awaiting_payment until mark-paid; a free one is active at placement with a licence', async () => {
    const paid = await placeOrder(t.app, { reseller: 'N' });
    expect(await statusOf(t, paid)).toBe('awaiting_payment');
    expect(await t.store.db.selectFrom('licences').select('id').where('order_id', '=', paid).execute()).toHaveLength(0);
    t.clock.advanceDays(2);
    expect(await markPaid(deps(), paid, 'test')).toEqual({ kind: 'done', status: 'active' });
    expect(await markPaid(deps(), paid, 'test')).toEqual({ kind: 'unchanged', status: 'active' });
    const licence = await t.store.db.selectFrom('licences').selectAll().where('order_id', '=', paid).executeTakeFirstOrThrow();
    expect(licence.starts_at).toBe('2026-03-03T12:00:00.000Z');

    const undo = await freePlan(t, 9676);
    const free = await placeOrder(t.app, { reseller: 'N', '1_PPP': '9676' });
    await undo();
    expect(await statusOf(t, free)).toBe('active');
    const freeLicence = await t.store.db.selectFrom('licences').selectAll().where('order_id', '=', free).executeTakeFirstOrThrow();
    expect(freeLicence.product_code).toBe('web-remediate');
    expect(freeLicence.expires_at).toBe('2026-04-02T12:00:00.000Z');
    // mark-paid refuses orders it does not own.
    const y = await placeOrder(t.app);
    expect((await markPaid(deps(), y, 'test')).kind).toBe('refused');
    expect((await markPaid(deps(), 987_654, 'test')).kind).toBe('not_found');
  });

  it('GetOrderStatus: pending without licence fields; active with them; expired once the term is over', async () => {
    await topUp(t, 10_000);
    const n = await placeOrder(t.app);
    const pending = await call(t.app, 'GetOrderStatus', { orderNumber: String(n) });
    expect(pending.body).toBe(
      `errorCode=0&orderNumber=${n}&status=pending_authorization&ap=resellerbrand&1_PPP=9974&1_price=48.99&totalCost=48.99&currency=USD`,
    );
    await authorize(n);
    const active = await call(t.app, 'GetOrderStatus', { orderNumber: String(n) });
    const code = active.answer.licenceCode!;
    expect(active.body).toBe(
      `errorCode=0&orderNumber=${n}&status=active&ap=resellerbrand&1_PPP=9974&1_price=48.99` +
        `&1_licenceCode=${code}&1_startDate=2026-03-01&1_expiryDate=2027-03-01&totalCost=48.99&currency=USD` +
        `&licenceCode=${code}&startDate=2026-03-01&expiryDate=2027-03-01`,
    );
    const newline = await call(t.app, 'GetOrderStatus', { orderNumber: String(n), responseFormat: '0' });
    expect(newline.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(newline.body.split('\n').slice(0, 4)).toEqual(['0', String(n), 'active', 'resellerbrand']);
    t.clock.set('2027-03-01T11:59:59Z');
    expect((await call(t.app, 'GetOrderStatus', { orderNumber: String(n) })).answer.status).toBe('active');
    t.clock.set('2027-03-01T12:00:00Z');
    expect((await call(t.app, 'GetOrderStatus', { orderNumber: String(n) })).answer.status).toBe('expired');
    // An expired order is still an authorized one: authorizing again is success, no debit.
    const before = await balanceOf(t);
    expect((await authorize(n)).answer.errorCode).toBe('0');
    expect(await balanceOf(t)).toBe(before);
  });

  it('the ledger refuses UPDATE and DELETE at the database', async () => {
    await topUp(t, 100);
    await expect(t.store.write((tx) => tx.updateTable('ledger_entries').set({ amount_cents: 1 }).execute())).rejects.toThrow(/append-only/);
    await expect(t.store.write((tx) => tx.deleteFrom('ledger_entries').execute())).rejects.toThrow(/append-only/);
    await expect(t.store.write((tx) => tx.updateTable('ledger_transactions').set({ memo: 'x' }).execute())).rejects.toThrow(/append-only/);
    await expect(t.store.write((tx) => tx.deleteFrom('ledger_transactions').execute())).rejects.toThrow(/append-only/);
  });

  it('PlaceOrder of reseller=Y still answers the same fields (no money moves at placement)', async () => {
    const before = await balanceOf(t);
    const res = await post(t.app, 'PlaceOrder', { ap: 'resellerbrand', reseller: 'Y', emailAddress: 'x@example.com', name: 'X', '1_PPP': '9974' });
    expect(res.body).toMatch(/^errorCode=0&orderNumber=\d+&totalCost=48\.99&currency=USD$/);
    expect(await balanceOf(t)).toBe(before);
  });
});
