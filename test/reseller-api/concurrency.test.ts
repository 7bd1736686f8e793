// Money under concurrency, over a real socket on each dialect: 200 !AutoAuthorize calls at once
// on orders worth several times the reseller's balance never take the balance below zero (or
// below the credit limit), authorize exactly as many orders as the funds cover, and leave one
// debit per active order; 50 calls at once on one order debit it once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/seed/demo.js';
import { createReseller } from '../../src/resellers/resellers.service.js';
import { DIALECTS } from '../helpers/dialects.js';
import { formBody, parseAnswer, type TestApp } from '../helpers/app.js';
import { checkLedger } from '../funds/ledger-invariant.js';
import { DNS_PRO_1Y_CENTS, balanceOf, creds, lifecycleApp, placeOrder, topUp } from './support.js';

// Timeouts are generous: the machine's two cores are shared, and these tests pin correctness.
describe.each(DIALECTS)('authorization races over HTTP (%s)', (dialect) => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await lifecycleApp(dialect);
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => t.close());

  async function authorizeOverHttp(orderNumber: number, login = creds()): Promise<Record<string, string>> {
    const res = await fetch(`${base}/products/!AutoAuthorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: formBody({ ...login, orderNumber: String(orderNumber) }),
    });
    expect(res.status).toBe(200);
    return parseAnswer(await res.text());
  }

  /** Places orders 20 at a time (setup, not under test: it only has to be quick). */
  async function placeMany(count: number, ap = 'resellerbrand'): Promise<number[]> {
    const orders: number[] = [];
    while (orders.length < count) {
      const batch = Math.min(20, count - orders.length);
      orders.push(...(await Promise.all(Array.from({ length: batch }, () => placeOrder(t.app, { ap })))));
    }
    return orders;
  }

  async function debitsOf(orders: readonly number[]) {
    return t.store.db.selectFrom('ledger_transactions').select(['debit_order_id', 'amount_cents']).where('debit_order_id', 'in', [...orders]).execute();
  }

  it('200 concurrent authorizations: exactly as many succeed as the funds cover, never a negative balance', async () => {
    const orders = await placeMany(200);
    const covered = 50;
    const spare = 1234; // less than one more order
    await topUp(t, covered * DNS_PRO_1Y_CENTS + spare);
    expect(200 * DNS_PRO_1Y_CENTS).toBeGreaterThan(3 * (await balanceOf(t)));

    const answers = await Promise.all(orders.map((n) => authorizeOverHttp(n)));
    const codes = answers.map((a) => a.errorCode);
    expect(codes.filter((c) => c === '0')).toHaveLength(covered);
    expect(codes.filter((c) => c === '-15')).toHaveLength(200 - covered);
    expect(await balanceOf(t)).toBe(spare);

    const debits = await debitsOf(orders);
    expect(debits).toHaveLength(covered);
    const active = await t.store.db.selectFrom('orders').select('id').where('id', 'in', orders).where('status', '=', 'active').execute();
    expect(new Set(active.map((o) => o.id))).toEqual(new Set(debits.map((d) => d.debit_order_id)));
    const authorizedByAnswer = orders.filter((_, i) => codes[i] === '0');
    expect(new Set(authorizedByAnswer)).toEqual(new Set(active.map((o) => o.id)));
    await checkLedger(t.store.db);
  }, 120_000);

  it('50 concurrent authorizations of the same order: all answer success, one debit', async () => {
    const [order] = await placeMany(1);
    await topUp(t, 10 * DNS_PRO_1Y_CENTS);
    const before = await balanceOf(t);
    const answers = await Promise.all(Array.from({ length: 50 }, () => authorizeOverHttp(order!)));
    expect(answers.map((a) => a.errorCode)).toEqual(Array(50).fill('0'));
    expect(answers.every((a) => a.status === 'active')).toBe(true);
    expect(await balanceOf(t)).toBe(before - DNS_PRO_1Y_CENTS);
    expect(await debitsOf([order!])).toHaveLength(1);
    expect(await t.store.db.selectFrom('licences').select('id').where('order_id', '=', order!).execute()).toHaveLength(1);
    await checkLedger(t.store.db);
  }, 120_000);

  it('refunds racing authorizations: the running balance in entry order never goes below the floor (outside attack)', async () => {
    await createReseller(t.store, t.hasher, t.clock, { ap: 'refundrace', login: 'refundrace-api', password: DEMO_PASSWORD, validated: true, redirectOrigins: [] });
    const login = creds('refundrace-api');
    for (let round = 0; round < 3; round++) {
      // The balance covers exactly the first half; each authorization of the second half can
      // only go through once a refund of the first half has freed its amount.
      const [paid, waiting] = [await placeMany(15, 'refundrace'), await placeMany(15, 'refundrace')];
      await topUp(t, 15 * DNS_PRO_1Y_CENTS, 'refundrace');
      for (const n of paid) expect((await authorizeOverHttp(n, login)).errorCode).toBe('0');
      const refund = (n: number) =>
        fetch(`${base}/products/!AutoRefund`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: formBody({ ...login, orderNumber: String(n), refundReasonCode: '1' }),
        }).then(async (r) => parseAnswer(await r.text()));
      const answers = await Promise.all([...waiting.map((n) => authorizeOverHttp(n, login)), ...paid.map(refund)]);
      expect(answers.every((a) => a.errorCode === '0' || a.errorCode === '-15')).toBe(true);
      await checkLedger(t.store.db);
      // Leave nothing for the next round: authorize what is still waiting (the funds are back).
      for (const n of waiting) expect((await authorizeOverHttp(n, login)).errorCode).toBe('0');
      expect(await balanceOf(t, 'refundrace')).toBe(0);
    }
  }, 120_000);

  it('with a credit limit, concurrent debits stop at minus the limit', async () => {
    await createReseller(t.store, t.hasher, t.clock, {
      ap: 'racebrand',
      login: 'racebrand-api',
      password: DEMO_PASSWORD,
      validated: true,
      redirectOrigins: [],
      creditLimitCents: 3 * DNS_PRO_1Y_CENTS + 100,
    });
    const orders = await placeMany(40, 'racebrand');
    const answers = await Promise.all(orders.map((n) => authorizeOverHttp(n, creds('racebrand-api'))));
    expect(answers.filter((a) => a.errorCode === '0')).toHaveLength(3);
    expect(await balanceOf(t, 'racebrand')).toBe(-3 * DNS_PRO_1Y_CENTS);
    await checkLedger(t.store.db);
  }, 120_000);
});
