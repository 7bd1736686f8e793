// Issue 13: what an outside attacker found, one test per finding, on both databases. Findings
// 1 and 2 are in one-answer.test.ts; finding 8's reseller half in idempotency-reseller.test.ts;
// finding 10's free offer in place-order/ladder.test.ts and its change-password form in
// web/console.test.ts.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/seed/demo.js';
import { createReseller } from '../../src/resellers/resellers.service.js';
import { DEFAULTS } from '../../src/config.js';
import { FairSlots, OWASP_ARGON2, argon2Hasher, sourceKey, type Hasher } from '../../src/passwords/hasher.js';
import type { Dialect } from '../../src/db/store.js';
import { DIALECTS } from '../helpers/dialects.js';
import { countingHasher, formBody, guestOrder, post, testApp, type TestApp } from '../helpers/app.js';
import { call, creds, topUp } from '../reseller-api/support.js';

const GENERIC_16 =
  'errorCode=-16&errorMessage=Incorrect%20login%20details%2C%20account%20is%20locked%2C%20password%20has%20expired%20or%20your%20source%20IP%20is%20blocked.';
const MONITOR_30D = '9675';

/** The test app with the rate limits off (the attacks send more than a burst) and the given hasher. */
function unlimitedApp(dialect: Dialect, hasher: Hasher): Promise<TestApp> {
  const off = { perSecond: 0, burst: 1 };
  return testApp(dialect, { hardening: { ...DEFAULTS.hardening, rateByAddress: off, rateByReseller: off } }, { hasher });
}

describe.each(DIALECTS)('what the outside attacker found (%s)', (dialect) => {
  let t: TestApp;
  const hasher = countingHasher();
  beforeAll(async () => {
    t = await unlimitedApp(dialect, hasher);
  });
  afterAll(() => t.close());

  const threshold = () => t.config.loginLockoutThreshold;
  const lockMs = () => t.config.loginLockoutMinutes * 60_000;
  const returning = (loginName: string, loginPassword: string, extra: Record<string, string> = {}) =>
    post(t.app, 'PlaceOrder', guestOrder({ loginName, loginPassword, isReturningCustomer: 'Y', ...extra }));

  it('3: a locked API user is refused without any password check, right or wrong, byte for byte', async () => {
    await createReseller(t.store, t.hasher, t.clock, { ap: 'f3brand', login: 'f3-api', password: DEMO_PASSWORD, validated: true, redirectOrigins: [] });
    // The right password proven once, so a remembered credential exists for it.
    expect((await call(t.app, 'GetOrderStatus', { orderNumber: '1' }, creds('f3-api'))).answer.errorCode).toBe('-4');
    for (let i = 0; i < threshold(); i++) await call(t.app, 'GetOrderStatus', { orderNumber: '1' }, creds('f3-api', `wrong-${i}`));
    const before = hasher.verifies;
    const right = await call(t.app, 'GetOrderStatus', { orderNumber: '1' }, creds('f3-api'));
    const wrong = await call(t.app, 'GetOrderStatus', { orderNumber: '1' }, creds('f3-api', 'wrong-again'));
    expect([right.body, wrong.body]).toEqual([GENERIC_16, GENERIC_16]);
    expect(hasher.verifies).toBe(before);
    t.clock.set(new Date(t.clock.now().getTime() + lockMs()));
    expect((await call(t.app, 'GetOrderStatus', { orderNumber: '1' }, creds('f3-api'))).answer.errorCode).toBe('-4');
  });

  it('4: guessing a customer\'s password is throttled through !PlaceOrder (licenceCode or not) and /account alike', async () => {
    expect((await post(t.app, 'PlaceOrder', guestOrder({ loginName: 'f4-customer', loginPassword: 'f4-password' }))).answer.errorCode).toBe('0');
    for (let i = 0; i < threshold(); i++) {
      const guess = await returning('f4-customer', `guess-${i}`, i % 2 === 0 ? { licenceCode: 'BOGUS' } : {});
      expect(guess.body).toBe(GENERIC_16);
    }
    const before = hasher.verifies;
    const right = await returning('f4-customer', 'f4-password', { licenceCode: 'BOGUS' });
    expect(right.body).toBe(GENERIC_16);
    expect((await returning('f4-customer', 'f4-password')).body).toBe(GENERIC_16);
    expect(hasher.verifies).toBe(before);
    // The portal's sign-in is the same door.
    const page = await t.app.inject({ method: 'GET', url: '/account/sign-in' });
    const pre = String(page.headers['set-cookie']).split(';')[0]!;
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/account/sign-in',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: pre, 'sec-fetch-site': 'same-origin' },
      payload: formBody({ csrf: /name="csrf" value="([^"]+)"/.exec(page.body)![1]!, loginName: 'f4-customer', loginPassword: 'f4-password' }),
    });
    expect(signIn.headers['x-placeorder-error-code']).toBe('-16');
    t.clock.set(new Date(t.clock.now().getTime() + lockMs()));
    expect((await returning('f4-customer', 'f4-password', { '1_PPP': '9974', emailAddress: 'f4b@example.com' })).answer.errorCode).toBe('0');
  });

  it('5: a taken login name and a free one answer alike, through every probe and into the lock', async () => {
    expect((await post(t.app, 'PlaceOrder', guestOrder({ loginName: 'f5-taken', loginPassword: 'f5-password' }))).answer.errorCode).toBe('0');
    const probe = (loginName: string) =>
      post(t.app, 'PlaceOrder', guestOrder({ loginName, loginPassword: 'attacker-guess', isReturningCustomer: 'N', licenceCode: 'BOGUS' }));
    for (let i = 0; i < threshold(); i++) {
      expect((await probe('f5-taken')).body).toBe(GENERIC_16);
      expect((await probe('f5-free')).body).toBe(GENERIC_16);
    }
    // Both locked now: both refused before any hash.
    const before = hasher.verifies + hasher.hashes;
    expect([(await probe('f5-taken')).body, (await probe('f5-free')).body]).toEqual([GENERIC_16, GENERIC_16]);
    expect(hasher.verifies + hasher.hashes).toBe(before);
  });

  it('7: failures from outside an API user\'s allowlist lock nothing', async () => {
    await createReseller(t.store, t.hasher, t.clock, {
      ap: 'f7brand',
      login: 'f7-api',
      password: DEMO_PASSWORD,
      validated: true,
      redirectOrigins: [],
      ipAllow: ['127.0.0.1'],
    });
    const from = (address: string, password: string) =>
      t.app.inject({
        method: 'POST',
        url: '/products/!GetOrderStatus',
        remoteAddress: address,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: formBody({ ...creds('f7-api', password), orderNumber: '1' }),
      });
    for (let i = 0; i < threshold() * 3; i++) expect((await from('10.9.9.9', `wrong-${i}`)).body).toBe(GENERIC_16);
    // The right password from outside is refused all the same…
    expect((await from('10.9.9.9', DEMO_PASSWORD)).body).toBe(GENERIC_16);
    // …and from inside, the user is not locked.
    expect(new URLSearchParams((await from('127.0.0.1', DEMO_PASSWORD)).body).get('errorCode')).toBe('-4');
  });

  it('8: junk sent under a returning customer\'s key, without the password, claims nothing', async () => {
    expect((await post(t.app, 'PlaceOrder', guestOrder({ loginName: 'f8-customer', loginPassword: 'f8-password' }))).answer.errorCode).toBe('0');
    const key = { 'idempotency-key': 'order-cart-1001' };
    expect((await post(t.app, 'PlaceOrder', guestOrder({ loginName: 'f8-customer', loginPassword: 'junk', isReturningCustomer: 'Y' }), key)).body).toBe(
      GENERIC_16,
    );
    expect((await post(t.app, 'PlaceOrder', { name: 'junk' }, key)).answer.errorCode).not.toBe('0');
    const real = await post(t.app, 'PlaceOrder', guestOrder({ loginName: 'f8-customer', loginPassword: 'f8-password', isReturningCustomer: 'Y', emailAddress: 'f8b@example.com' }), key);
    expect(real.answer.errorCode).toBe('0');
  });

  it('9: account rules see one reseller\'s orders: other brands and the sandbox neither leak nor block', async () => {
    await topUp(t, 100_000);
    await createReseller(t.store, t.hasher, t.clock, { ap: 'f9-sandbox', login: 'f9-sandbox-api', password: DEMO_PASSWORD, validated: true, sandbox: true, redirectOrigins: [] });
    const monitor = { '1_PPP': MONITOR_30D };
    // A guest at brand B; the same email at brand A is not told about it (-73 would leak it).
    expect((await post(t.app, 'PlaceOrder', guestOrder({ ...monitor, ap: 'myresellerbrand', emailAddress: 'f9@example.com' }))).answer.errorCode).toBe('0');
    expect((await post(t.app, 'PlaceOrder', guestOrder({ ...monitor, emailAddress: 'f9@example.com' }))).answer.errorCode).toBe('0');
    // …and at brand A itself the rule still holds.
    expect((await post(t.app, 'PlaceOrder', guestOrder({ ...monitor, emailAddress: 'f9@example.com' }))).answer.errorCode).toBe('-73');
    // A customer's pending order at B does not block A.
    const login = { loginName: 'f9-customer', loginPassword: 'f9-password' };
    expect((await post(t.app, 'PlaceOrder', guestOrder({ ...monitor, ...login, ap: 'myresellerbrand' }))).answer.errorCode).toBe('0');
    expect((await post(t.app, 'PlaceOrder', guestOrder({ ...monitor, ...login, isReturningCustomer: 'Y' }))).answer.errorCode).toBe('0');
    // The sandbox uses up no live offer, and its orders stay out of the customer's live portal.
    const free = { '1_PPP': MONITOR_30D, offerCode: 'FREE_HP_UPGRADE', loginName: 'f9-free', loginPassword: 'f9-password' };
    const sandboxed = await post(t.app, 'PlaceOrder', guestOrder({ ...free, ap: 'f9-sandbox', emailAddress: 'f9s@example.com' }));
    expect(sandboxed.answer.errorCode).toBe('0');
    const authorized = await call(t.app, 'AutoAuthorize', { orderNumber: sandboxed.answer.orderNumber! }, creds('f9-sandbox-api'));
    expect(authorized.answer.errorCode).toBe('0');
    expect((await post(t.app, 'PlaceOrder', guestOrder({ ...free, isReturningCustomer: 'Y', emailAddress: 'f9s@example.com' }))).answer.errorCode).toBe('0');
    const { licencesOfCustomer } = await import('../../src/orders/customer-orders.repository.js');
    const customer = await t.store.db.selectFrom('customers').select('id').where('login_name', '=', 'f9-free').executeTakeFirstOrThrow();
    const live = await licencesOfCustomer(t.store.db, customer.id);
    expect(live.map((l) => l.ap)).not.toContain('f9-sandbox');
  });
});

describe.each(DIALECTS)('6: a flood from one address (%s)', (dialect) => {
  let f: TestApp;
  // The production cost of argon2id (OWASP): then the pool, not the database, is what a flood of
  // wrong logins fills.
  const hasher = argon2Hasher({ ...OWASP_ARGON2, maxConcurrent: 4, maxQueued: 10_000 });
  beforeAll(async () => {
    f = await unlimitedApp(dialect, hasher);
  });
  afterAll(() => f.close());

  it('6: a flood of wrong logins from one address does not starve another address', async () => {
    const send = (address: string, params: Record<string, string>) => {
      const started = performance.now();
      return f.app
        .inject({
          method: 'POST',
          url: '/products/!PlaceOrder',
          remoteAddress: address,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: formBody(params),
        })
        .then((r) => ({ ms: performance.now() - started, code: new URLSearchParams(r.body).get('errorCode') }));
    };
    // 200 attackers in a closed loop, each a fresh login name (so each attempt costs a hash).
    const until = performance.now() + 1500;
    let n = 0;
    const attacker = async () => {
      const seen: Array<{ ms: number; code: string | null }> = [];
      while (performance.now() < until) seen.push(await send('127.0.0.2', guestOrder({ loginName: `f6-flood-${n++}`, loginPassword: 'wrong', isReturningCustomer: 'Y' })));
      return seen;
    };
    const flood = Promise.all(Array.from({ length: 200 }, attacker));
    await new Promise((r) => setTimeout(r, 500));
    const honest = [];
    for (let i = 0; i < 3; i++) honest.push(await send('127.0.0.3', guestOrder({ loginName: `f6-honest-${i}`, loginPassword: 'honest-password', emailAddress: `f6-${i}@example.com` })));
    const attempts = (await flood).flat();
    expect(honest.map((h) => h.code)).toEqual(['0', '0', '0']);
    expect(attempts.every((a) => a.code === '-16' || a.code === '-42')).toBe(true);
    // Served in turn with the flood, not behind it.
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const floodMs = median(attempts.map((a) => a.ms));
    const honestMs = median(honest.map((h) => h.ms));
    expect(honestMs, `honest ${honestMs.toFixed(0)} ms against the flood's ${floodMs.toFixed(0)} ms`).toBeLessThan(floodMs / 4);
  });
});

describe('6: the hashing pool serves sources in turn', () => {
  it('a source that queued many waits behind itself, not in front of a newcomer', async () => {
    const slots = new FairSlots(1, 1000, 500);
    const order: string[] = [];
    const gate = { open: () => {} };
    const held = new Promise<void>((resolve) => (gate.open = resolve));
    const runs = [slots.run('a', () => held.then(() => void order.push('a0')))];
    for (let i = 1; i <= 50; i++) runs.push(slots.run('a', async () => void order.push(`a${i}`)));
    runs.push(slots.run('b', async () => void order.push('b0')));
    gate.open();
    await Promise.all(runs);
    expect(order.indexOf('b0')).toBe(2);
    expect(slots.depth).toBe(0);
  });

  it('one source may not fill the whole queue: its overflow is refused at once', async () => {
    const slots = new FairSlots(1, 100, 3);
    let release = () => {};
    const first = slots.run('a', () => new Promise<void>((r) => (release = r)));
    const queued = [1, 2, 3].map(() => slots.run('a', async () => {}));
    await expect(slots.run('a', async () => {})).rejects.toThrow('too many password hashes waiting');
    const other = slots.run('b', async () => 'b ran');
    release();
    await Promise.all([first, ...queued]);
    expect(await other).toBe('b ran');
  });
});

describe.each(DIALECTS)('what the second outside attack found (%s)', (dialect) => {
  let t: TestApp;
  const hasher = countingHasher();
  beforeAll(async () => {
    t = await unlimitedApp(dialect, hasher);
  });
  afterAll(() => t.close());

  const returning = (loginName: string, loginPassword: string, extra: Record<string, string> = {}) =>
    post(t.app, 'PlaceOrder', guestOrder({ loginName, loginPassword, isReturningCustomer: 'Y', ...extra }));

  it('a burst of concurrent guesses gets no more password checks than a sequence would', async () => {
    expect((await post(t.app, 'PlaceOrder', guestOrder({ loginName: 'burst-target', loginPassword: 'burst-password' }))).answer.errorCode).toBe('0');
    const before = hasher.verifies;
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => returning('burst-target', `guess-${i}`)));
    expect(answers.every((a) => a.body === GENERIC_16)).toBe(true);
    expect(hasher.verifies - before).toBeLessThanOrEqual(t.config.loginLockoutThreshold);
  });

  it('a remembered right password clears the count of failures, as a checked one does', async () => {
    const seq = 'seq-customer';
    expect((await post(t.app, 'PlaceOrder', guestOrder({ loginName: seq, loginPassword: 'seq-password' }))).answer.errorCode).toBe('0');
    const right = (i: number) => returning(seq, 'seq-password', { '1_PPP': '9974', emailAddress: `seq${i}@example.com` });
    expect((await right(1)).answer.errorCode).toBe('0');
    for (let i = 0; i < 4; i++) await returning(seq, `wrong-${i}`);
    expect((await right(2)).answer.errorCode).toBe('0');
    await returning(seq, 'wrong-again');
    expect((await right(3)).answer.errorCode).toBe('0');
  });

  it('a NUL byte anywhere is an ordinary character error or an unknown name, never -14, on both databases', async () => {
    const answers = [
      await post(t.app, 'PlaceOrder', guestOrder({ loginName: 'a\u0000b', loginPassword: 'pw-with-nul', emailAddress: 'nul@example.com' })),
      await post(t.app, 'PlaceOrder', guestOrder({ ap: 'reseller\u0000brand' })),
      await post(t.app, 'GetOrderStatus', { loginName: '\u0000', loginPassword: 'pw', orderNumber: '1' }),
      await post(t.app, 'PlaceOrder', { ap: '\u0000', product: '9974' }),
    ];
    expect(answers.map((a) => a.answer.errorCode)).not.toContain('-14');
    expect(answers.map((a) => a.status).every((s) => s < 500)).toBe(true);
    expect(t.logLines.filter((l) => /"level":50/.test(l))).toEqual([]);
  });

  it('HEAD places no order (it would have no answer to acknowledge it)', async () => {
    const params = new URLSearchParams(guestOrder({ emailAddress: 'head@example.com' })).toString();
    const res = await t.app.inject({ method: 'HEAD', url: `/products/!PlaceOrder?${params}` });
    expect(res.statusCode).toBe(404);
    expect(await t.store.db.selectFrom('orders').select('id').where('email_address', '=', 'head@example.com').execute()).toEqual([]);
  });

  it('a sandbox reset forgets the sandbox\'s Idempotency-Keys, whoever claimed them', async () => {
    await createReseller(t.store, t.hasher, t.clock, { ap: 'keys-sandbox', login: 'keys-sandbox-api', password: DEMO_PASSWORD, validated: true, sandbox: true, redirectOrigins: [] });
    const order = guestOrder({ ap: 'keys-sandbox', emailAddress: 'keys@example.com' });
    const first = await post(t.app, 'PlaceOrder', order, { 'idempotency-key': 'K1' });
    expect(first.answer.errorCode).toBe('0');
    expect((await call(t.app, 'SandboxReset', {}, creds('keys-sandbox-api'))).answer.errorCode).toBe('0');
    const again = await post(t.app, 'PlaceOrder', order, { 'idempotency-key': 'K1' });
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect((await call(t.app, 'GetOrderStatus', { orderNumber: again.answer.orderNumber! }, creds('keys-sandbox-api'))).answer.errorCode).toBe('0');
  });
});

describe('the hashing pool when every place is taken', () => {
  it('a newcomer still gets a place: the newest waiter of the longest queue is refused instead', async () => {
    const slots = new FairSlots(1, 4, 3);
    let release = () => {};
    const first = slots.run('a', () => new Promise<void>((r) => (release = r)));
    const a = [1, 2, 3].map(() => slots.run('a', async () => 'a'));
    const b = slots.run('b', async () => 'b');
    const c = slots.run('c', async () => 'c');
    await expect(a[2]).rejects.toThrow('too many password hashes waiting');
    release();
    await first;
    expect(await Promise.all([a[0], a[1], b, c])).toEqual(['a', 'a', 'b', 'c']);
  });

  it('an IPv6 /64 is one source: a subscriber cannot take more places by changing its address', () => {
    expect(sourceKey('2001:db8:1:2:aaaa::1')).toBe(sourceKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'));
    expect(sourceKey('2001:db8:1:2::1')).not.toBe(sourceKey('2001:db8:1:3::1'));
    expect(sourceKey('203.0.113.9')).toBe('203.0.113.9');
  });
});

describe.each(DIALECTS)('what the third outside attack found (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect);
  });
  afterAll(() => t.close());

  it('controls, bidirectional overrides and non-characters in a text parameter are -4; a NUL in login details too', async () => {
    for (const bad of ['\u0000', 'A\u0085', 'Ada \u202eLovelace', 'x\uffff']) {
      expect((await post(t.app, 'PlaceOrder', guestOrder({ name: bad }))).answer, JSON.stringify(bad)).toMatchObject({ errorCode: '-4', errorItem: 'name' });
    }
    expect((await post(t.app, 'PlaceOrder', guestOrder({ loginName: 'a\u0000b', loginPassword: 'pw-123456' }))).answer).toMatchObject({ errorCode: '-4', errorItem: 'loginName' });
    expect((await post(t.app, 'GetOrderStatus', { loginName: '\u0000', loginPassword: 'pw', orderNumber: '1' })).answer).toMatchObject({ errorCode: '-4', errorItem: 'loginName' });
    expect((await post(t.app, 'PlaceOrder', guestOrder({ ap: 'reseller\u0000brand' }))).answer).toMatchObject({ errorCode: '-4', errorItem: 'ap' });
    // Login details otherwise keep every character: they are compared byte for byte.
    expect((await post(t.app, 'PlaceOrder', guestOrder({ loginName: 'ÿ\u202e-name', loginPassword: 'pw\u0085-123456', emailAddress: 'keep@example.com' }))).answer.errorCode).toBe('0');
  });

  it('an Expect other than 100-continue, and CONNECT, get an errorCode answer', async () => {
    const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = Number(new URL(base).port);
    const exchange = (text: string) =>
      new Promise<string>((resolve, reject) => {
        const s = connect(port, '127.0.0.1', () => s.write(text));
        let data = '';
        s.on('data', (d) => (data += d));
        s.on('end', () => resolve(data));
        s.on('error', reject);
      });
    const expectation = await exchange('GET / HTTP/1.1\r\nHost: x\r\nExpect: foo\r\nConnection: close\r\n\r\n');
    expect(expectation).toMatch(/^HTTP\/1\.1 417 /);
    expect(expectation).toMatch(/\r\n\r\nerrorCode=-4&errorMessage=[^&]+&errorItem=Expect$/);
    const tunnel = await exchange('CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n');
    expect(tunnel).toMatch(/^HTTP\/1\.1 405 /);
    expect(tunnel).toMatch(/errorCode=-4/);
  });
});
