// Idempotency-Key on the reseller endpoints: scoped to the reseller that owns the API user,
// the first answer replayed, -1001 for other parameters; a replayed authorization debits once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/dialects.js';
import { post, type TestApp } from '../helpers/app.js';
import { balanceOf, creds, lifecycleApp, placeOrder, topUp, DNS_PRO_1Y_CENTS } from '../reseller-api/support.js';

describe.each(DIALECTS)('Idempotency-Key on reseller endpoints (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await lifecycleApp(dialect);
    await topUp(t, 100_000);
  });
  afterAll(() => t.close());

  it('a retried !AutoAuthorize replays its answer and debits once; other parameters are -1001', async () => {
    const order = await placeOrder(t.app);
    const before = await balanceOf(t);
    const params = { ...creds(), orderNumber: String(order) };
    const first = await post(t.app, 'AutoAuthorize', params, { 'idempotency-key': 'auth-1' });
    expect(first.answer.errorCode).toBe('0');
    const again = await post(t.app, 'AutoAuthorize', params, { 'idempotency-key': 'auth-1' });
    expect(again.body).toBe(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await balanceOf(t)).toBe(before - DNS_PRO_1Y_CENTS);
    const other = await placeOrder(t.app);
    const reused = await post(t.app, 'AutoAuthorize', { ...creds(), orderNumber: String(other) }, { 'idempotency-key': 'auth-1' });
    expect(reused.answer.errorCode).toBe('-1001');
    expect(await balanceOf(t)).toBe(before - DNS_PRO_1Y_CENTS);
  });

  it('the key is the API user\'s own: the same key for !PlaceOrder of the same brand, or by another user, is another key', async () => {
    const order = await placeOrder(t.app);
    await post(t.app, 'GetOrderStatus', { ...creds(), orderNumber: String(order) }, { 'idempotency-key': 'shared-scope' });
    // Anyone may send !PlaceOrder for the brand: it must not share (or poison) the user's keys.
    const placed = await post(
      t.app,
      'PlaceOrder',
      { ap: 'resellerbrand', reseller: 'Y', emailAddress: 'scope2@example.com', name: 'S', '1_PPP': '9974' },
      { 'idempotency-key': 'shared-scope' },
    );
    expect(placed.answer.errorCode).toBe('0');
    const again = await post(t.app, 'GetOrderStatus', { ...creds(), orderNumber: String(order) }, { 'idempotency-key': 'shared-scope' });
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('a wrong password claims nothing: the real caller\'s request under that key still runs (issue 13, finding 8)', async () => {
    const order = await placeOrder(t.app);
    const junk = await post(t.app, 'AutoAuthorize', { ...creds('resellerbrand-api', 'not-the-password'), orderNumber: '1' }, { 'idempotency-key': 'cart-1001' });
    expect(junk.answer.errorCode).toBe('-16');
    const real = await post(t.app, 'AutoAuthorize', { ...creds(), orderNumber: String(order) }, { 'idempotency-key': 'cart-1001' });
    expect(real.answer.errorCode).toBe('0');
  });
});
