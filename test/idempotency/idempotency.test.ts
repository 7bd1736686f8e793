// Idempotency-Key on POST (docs/reliability.md): one claim per reseller and key in the database,
// the first answer replayed byte for byte, -1001 for other parameters, -1002 while running.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintOf, requestScope } from '../../src/idempotency/idempotency.js';
import { resellerIdByAp } from '../../src/resellers/resellers.repository.js';
import { DIALECTS } from '../helpers/dialects.js';
import { get, guestOrder, post, testApp, type TestApp } from '../helpers/app.js';

describe.each(DIALECTS)('Idempotency-Key (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect);
  });
  afterAll(() => t.close());

  const countOrders = async (email: string) =>
    Number(
      (
        await t.store.db
          .selectFrom('orders')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('email_address', '=', email)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('a retry with the same key and parameters gets the identical answer and places nothing', async () => {
    const params = guestOrder({ emailAddress: 'retry1@example.com' });
    const first = await post(t.app, 'PlaceOrder', params, { 'idempotency-key': 'k-retry-1' });
    expect(first.answer.errorCode).toBe('0');
    const second = await post(t.app, 'PlaceOrder', params, { 'idempotency-key': 'k-retry-1' });
    expect(second.body).toBe(first.body);
    expect(second.status).toBe(first.status);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await countOrders('retry1@example.com')).toBe(1);
  });

  it('the same key with different parameters is -1001 and changes nothing, for a caller who proved a password', async () => {
    const login = { loginName: 'key-owner', loginPassword: 'owner-password-1' };
    await post(t.app, 'PlaceOrder', guestOrder({ ...login, emailAddress: 'retry2@example.com' }), { 'idempotency-key': 'k-2' });
    const other = await post(t.app, 'PlaceOrder', guestOrder({ ...login, emailAddress: 'retry2b@example.com' }), { 'idempotency-key': 'k-2' });
    expect(other.answer.errorCode).toBe('-1001');
    expect(other.answer.errorItem).toBe('Idempotency-Key');
    expect(await countOrders('retry2b@example.com')).toBe(0);
  });

  it('a guest proves nothing: a guest key is bound to its request, so another request under it is simply placed', async () => {
    const first = await post(t.app, 'PlaceOrder', guestOrder({ emailAddress: 'guest-k1@example.com' }), { 'idempotency-key': 'k-guest' });
    const other = await post(t.app, 'PlaceOrder', guestOrder({ emailAddress: 'guest-k2@example.com' }), { 'idempotency-key': 'k-guest' });
    expect([first.answer.errorCode, other.answer.errorCode]).toEqual(['0', '0']);
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(await countOrders('guest-k2@example.com')).toBe(1);
  });

  it('100 concurrent retries of one !PlaceOrder with one key place exactly one order', async () => {
    const params = guestOrder({ emailAddress: 'storm@example.com' });
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => post(t.app, 'PlaceOrder', params, { 'idempotency-key': 'k-storm' })),
    );
    expect(await countOrders('storm@example.com')).toBe(1);
    const successes = answers.filter((a) => a.answer.errorCode === '0');
    expect(successes.length).toBeGreaterThanOrEqual(1);
    expect(new Set(successes.map((a) => a.body)).size).toBe(1);
    for (const a of answers) expect(['0', '-1002']).toContain(a.answer.errorCode);
    // Once the first has finished, every retry is the stored answer.
    const later = await post(t.app, 'PlaceOrder', params, { 'idempotency-key': 'k-storm' });
    expect(later.body).toBe(successes[0]!.body);
  });

  it('a running claim answers -1002; after its lease a retry recovers the committed order', async () => {
    const params = guestOrder({ emailAddress: 'crash@example.com' });
    const first = await post(t.app, 'PlaceOrder', params, { 'idempotency-key': 'k-crash' });
    // As if the process had died after committing the order but before storing the answer.
    await t.store.write((tx) =>
      tx
        .updateTable('idempotency_keys')
        .set({ state: 'running', status: null, body: null, claimed_at: t.clock.now().toISOString() })
        .where('idem_key', '=', 'k-crash')
        .execute(),
    );
    const during = await post(t.app, 'PlaceOrder', params, { 'idempotency-key': 'k-crash' });
    expect(during.answer.errorCode).toBe('-1002');
    t.clock.set(new Date(t.clock.now().getTime() + (t.config.hardening.idempotencyLeaseSeconds + 1) * 1000));
    const after = await post(t.app, 'PlaceOrder', params, { 'idempotency-key': 'k-crash' });
    expect(after.body).toBe(first.body);
    expect(await countOrders('crash@example.com')).toBe(1);
  });

  it('a chain of takeovers (each attempt killed after committing) still places one order', async () => {
    const params = guestOrder({ emailAddress: 'chain@example.com' });
    const pairs = Object.entries(params).map(([name, value]) => ({ name, value }));
    const lease = (t.config.hardening.idempotencyLeaseSeconds + 1) * 1000;
    const scope = requestScope(`r:${await resellerIdByAp(t.store.db, 'resellerbrand')}:guest`, '/products/!PlaceOrder', pairs);
    const salt = '00'.repeat(16);
    const now = t.clock.now();
    // Attempt A claimed the key and died before committing anything.
    await t.store.write((tx) =>
      tx
        .insertInto('idempotency_keys')
        .values({
          scope,
          idem_key: 'k-chain',
          endpoint: '/products/!PlaceOrder',
          salt,
          fingerprint: fingerprintOf(salt, '/products/!PlaceOrder', pairs),
          state: 'running',
          owner: 'aaaaaaaaaaaaaaaa',
          claimed_at: new Date(now.getTime() - lease).toISOString(),
          expires_at: new Date(now.getTime() + 86_400_000).toISOString(),
          status: null,
          content_type: null,
          location: null,
          body: null,
        })
        .execute(),
    );
    // Attempt B takes over and commits the order, under A's request id…
    const b = await post(t.app, 'PlaceOrder', params, { 'idempotency-key': 'k-chain' });
    expect(b.answer.errorCode).toBe('0');
    const order = await t.store.db.selectFrom('orders').select('request_id').where('id', '=', Number(b.answer.orderNumber)).executeTakeFirstOrThrow();
    expect(order.request_id).toBe('aaaaaaaaaaaaaaaa');
    // …and dies before its answer is stored. Attempt C must answer with B's order.
    await t.store.write((tx) =>
      tx.updateTable('idempotency_keys').set({ state: 'running', status: null, body: null }).where('idem_key', '=', 'k-chain').execute(),
    );
    t.clock.set(new Date(t.clock.now().getTime() + lease));
    const c = await post(t.app, 'PlaceOrder', params, { 'idempotency-key': 'k-chain' });
    expect(c.body).toBe(b.body);
    expect(await countOrders('chain@example.com')).toBe(1);
  });

  it('keys are scoped to the reseller', async () => {
    const a = await post(t.app, 'PlaceOrder', guestOrder({ emailAddress: 'scope@example.com' }), { 'idempotency-key': 'k-scope' });
    const b = await post(t.app, 'PlaceOrder', guestOrder({ ap: 'reseller_brand_name', emailAddress: 'scope@example.com' }), {
      'idempotency-key': 'k-scope',
    });
    expect(a.answer.errorCode).toBe('0');
    expect(b.answer.errorCode).toBe('0');
    expect(b.answer.orderNumber).not.toBe(a.answer.orderNumber);
  });

  it('a malformed key is -4 Idempotency-Key and places nothing', async () => {
    const res = await post(t.app, 'PlaceOrder', guestOrder({ emailAddress: 'badkey@example.com' }), {
      'idempotency-key': 'x'.repeat(256),
    });
    expect(res.answer.errorCode).toBe('-4');
    expect(res.answer.errorItem).toBe('Idempotency-Key');
    expect(await countOrders('badkey@example.com')).toBe(0);
  });

  it('a refusal of the checks before the commit is given again, never turned into an order', async () => {
    const params = guestOrder({ emailAddress: 'not-an-email' });
    const first = await post(t.app, 'PlaceOrder', params, { 'idempotency-key': 'k-err' });
    expect(first.answer.errorCode).toBe('-70');
    const again = await post(t.app, 'PlaceOrder', params, { 'idempotency-key': 'k-err' });
    expect(again.body).toBe(first.body);
    expect(await countOrders('not-an-email')).toBe(0);
  });

  it('a refusal at the commit (an account rule) is stored and replayed', async () => {
    const params = guestOrder({ emailAddress: 'twice@example.com', '1_PPP': '9676' });
    expect((await post(t.app, 'PlaceOrder', params)).answer.errorCode).toBe('0');
    const first = await post(t.app, 'PlaceOrder', params, { 'idempotency-key': 'k-rule' });
    expect(first.answer.errorCode).toBe('-73');
    const again = await post(t.app, 'PlaceOrder', params, { 'idempotency-key': 'k-rule' });
    expect(again.body).toBe(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('GET ignores the header (only POST endpoints are idempotent by key)', async () => {
    const params = guestOrder({ emailAddress: 'get@example.com' });
    await get(t.app, 'PlaceOrder', params, { 'idempotency-key': 'k-get' });
    await get(t.app, 'PlaceOrder', params, { 'idempotency-key': 'k-get' });
    expect(await countOrders('get@example.com')).toBe(2);
  });

  it('an expired key may be used again', async () => {
    await post(t.app, 'PlaceOrder', guestOrder({ emailAddress: 'exp1@example.com' }), { 'idempotency-key': 'k-exp' });
    t.clock.set(new Date(t.clock.now().getTime() + (t.config.hardening.idempotencyTtlSeconds + 1) * 1000));
    const again = await post(t.app, 'PlaceOrder', guestOrder({ emailAddress: 'exp2@example.com' }), { 'idempotency-key': 'k-exp' });
    expect(again.answer.errorCode).toBe('0');
    expect(await countOrders('exp2@example.com')).toBe(1);
  });
});
