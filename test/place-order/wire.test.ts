// The wire around the ladder: max lengths ±1, both response formats, redirects, the HTTPS
// rule, bodies that are not forms, unexpected failures (-14), every PPP code, and logs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/db/store.js';
import { PLACE_ORDER_PARAMS } from '../../src/place-order/parameters.js';
import { createReseller } from '../../src/resellers/resellers.service.js';
import { DIALECTS } from '../helpers/dialects.js';
import { get, guestOrder, post, testApp, type TestApp } from '../helpers/app.js';

/** A valid value of exactly `length` characters for each length-limited parameter. */
function validValueOfLength(name: string, length: number): string | undefined {
  switch (name) {
    case 'ap':
      return 'a'.repeat(length); // a reseller with this brand is created below
    case 'errorURL':
    case 'successURL': {
      const base = 'http://www.mydomain.com/';
      return base + 'p'.repeat(length - base.length);
    }
    case 'emailAddress': {
      const domain = '@' + 'd'.repeat(60) + '.example.com';
      return 'l'.repeat(length - domain.length) + domain;
    }
    case 'reseller':
    case 'isReturningCustomer':
    case 'BusinessCategory':
    case 'countryName':
    case 'offerCode':
    case 'responseFormat':
      return undefined; // enumerated: only "one too many" is meaningful
    case 'licenceCode':
      return undefined; // a renewal needs an earlier licence (lifecycle tests)
    default:
      return 'x'.repeat(length);
  }
}

describe.each(DIALECTS)('!PlaceOrder wire (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect);
    await createReseller(t.store, t.hasher, t.clock, {
      ap: 'a'.repeat(64), login: 'long-brand-api', password: 'password-1', validated: true, redirectOrigins: [],
    });
    const myId = await t.store.db.selectFrom('resellers').select('id').where('ap', '=', 'myresellerbrand').executeTakeFirstOrThrow();
    await t.store.write((tx) =>
      tx.insertInto('reseller_redirect_origins').values({ reseller_id: myId.id, origin: 'https://shop.example:8443' }).execute(),
    );
  });
  afterAll(() => t.close());

  const lengthLimited = PLACE_ORDER_PARAMS.filter((p) => p.maxLength > 0);

  it.each(lengthLimited.map((p) => [p.name, p.maxLength] as const))('max length of %s (%i): at the limit accepted, one more refused', async (name, max) => {
    // Credentials come as a pair: each is tested beside a valid other half.
    const pair: Record<string, string> =
      name === 'loginName' ? { loginPassword: 'pair-password' } : name === 'loginPassword' ? { loginName: `pair-${dialect}` } : {};
    const base = guestOrder({ ...pair, ...(name === 'errorURL' || name === 'successURL' ? { ap: 'myresellerbrand' } : {}) });
    const atMax = validValueOfLength(name, max);
    if (atMax !== undefined) {
      expect([...atMax]).toHaveLength(max);
      const ok = await post(t.app, 'PlaceOrder', { ...base, [name]: atMax });
      expect(ok.answer.errorItem === name && ok.answer.errorCode === '-4', `${name} at ${max}: ${ok.body}`).toBe(false);
      expect(ok.answer.errorCode, ok.body).toBe('0');
    }
    const over = (atMax ?? 'Y'.repeat(max)) + 'z';
    const refused = await post(t.app, 'PlaceOrder', { ...base, [name]: over });
    expect(refused.answer).toMatchObject({ errorCode: '-4', errorItem: name });
  });

  it('lengths count characters, not bytes or UTF-16 units', async () => {
    const ok = await post(t.app, 'PlaceOrder', guestOrder({ name: '😀'.repeat(128) }));
    expect(ok.answer.errorCode).toBe('0');
    const over = await post(t.app, 'PlaceOrder', guestOrder({ name: '😀'.repeat(129) }));
    expect(over.answer).toMatchObject({ errorCode: '-4', errorItem: 'name' });
  });

  it('responseFormat=0 answers newline-delimited text, success and error', async () => {
    const ok = await post(t.app, 'PlaceOrder', guestOrder({ responseFormat: '0' }));
    expect(ok.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(ok.body).toMatch(/^0\n\d+\n48\.99\nUSD\n$/);
    const bad = await post(t.app, 'PlaceOrder', { responseFormat: '0', reseller: 'Y' });
    expect(bad.body).toBe("-3\nThe 'ap' argument is missing!\nap\n");
  });

  it('responseFormat=1 (and by default) answers url-encoded, errorCode first', async () => {
    const ok = await post(t.app, 'PlaceOrder', guestOrder({ responseFormat: '1' }));
    expect(ok.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
    expect(ok.headers['cache-control']).toBe('no-store');
    expect(ok.body.startsWith('errorCode=0&orderNumber=')).toBe(true);
  });

  describe('redirects', () => {
    const form = (extra: Record<string, string>) => guestOrder({ ap: 'myresellerbrand', ...extra });

    it('GET success redirects with 302, keeping the target query and fragment', async () => {
      const res = await get(t.app, 'PlaceOrder', form({ successURL: 'http://www.mydomain.com/ok?cart=7#top' }));
      expect(res.status).toBe(302);
      expect(res.headers.location).toMatch(/^http:\/\/www\.mydomain\.com\/ok\?cart=7&errorCode=0&orderNumber=\d+&totalCost=48\.99&currency=USD#top$/);
      expect(res.body).toMatch(/^errorCode=0&/);
    });

    it('POST error redirects with 303 to errorURL with the error parameters', async () => {
      const res = await post(t.app, 'PlaceOrder', form({ errorURL: 'https://shop.example:8443/err', emailAddress: 'bad' }));
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(
        'https://shop.example:8443/err?errorCode=-70&errorMessage=Invalid%20Email%20Address!&errorItem=emailAddress',
      );
    });

    it('an unregistered origin is never redirected to: the outcome is shown as a page with a link (issue 16)', async () => {
      for (const [name, url, email] of [
        ['successURL', 'http://evil.example/ok', 'wire-u1@example.com'],
        ['successURL', 'http://www.mydomain.com.evil.example/ok', 'wire-u2@example.com'],
        ['errorURL', 'https://www.mydomain.com/err', 'not-an-email'],
      ] as const) {
        const res = await post(t.app, 'PlaceOrder', form({ [name]: url, emailAddress: email }));
        expect(res.status, url).toBe(200);
        expect(res.headers.location).toBeUndefined();
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(res.headers['x-placeorder-error-code']).toBe(name === 'successURL' ? '0' : '-70');
      }
      // A URL with credentials is no usable target at all: -4, as before.
      const userinfo = await post(t.app, 'PlaceOrder', form({ errorURL: 'http://user@www.mydomain.com/err' }));
      expect(userinfo.answer).toMatchObject({ errorCode: '-4', errorItem: 'errorURL' });
    });

    it('a registered errorURL is not followed on success, nor successURL on error', async () => {
      const ok = await post(t.app, 'PlaceOrder', form({ errorURL: 'http://www.mydomain.com/err' }));
      expect(ok.status).toBe(200);
      const bad = await post(t.app, 'PlaceOrder', form({ successURL: 'http://www.mydomain.com/ok', '1_PPP': '1' }));
      expect(bad.status).toBe(200);
      expect(bad.answer.errorCode).toBe('-65');
    });
  });

  it('bodies that are not url-encoded forms are -4 Content-Type; oversized bodies -4 requestBody', async () => {
    const json = await t.app.inject({ method: 'POST', url: '/products/!PlaceOrder', headers: { 'content-type': 'application/json' }, payload: '{"ap":"x"}' });
    expect(json.statusCode).toBe(200);
    expect(json.body).toBe("errorCode=-4&errorMessage=The%20value%20of%20the%20'Content-Type'%20argument%20is%20invalid!&errorItem=Content-Type");
    const huge = await t.app.inject({
      method: 'POST', url: '/products/!PlaceOrder', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'name=' + 'x'.repeat(70 * 1024),
    });
    expect(huge.statusCode).toBe(200);
    expect(huge.body).toContain('errorItem=requestBody');
    const empty = await t.app.inject({ method: 'POST', url: '/products/!PlaceOrder' });
    expect(empty.body).toMatch(/^errorCode=-3&.*errorItem=ap$/);
  });

  it('unknown paths answer with an errorCode too', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/products/!Nothing?loginPassword=x' });
    expect(res.statusCode).toBe(404);
    expect(res.body).toMatch(/^errorCode=-14&errorMessage=/);
    expect(res.body).not.toContain('loginPassword');
  });

  it('all 65 PPP codes can be ordered, priced from the catalog', async () => {
    const plans = t.catalog.products.flatMap((p) => p.plans);
    expect(plans).toHaveLength(65);
    for (const plan of plans) {
      const res = await post(t.app, 'PlaceOrder', guestOrder({ '1_PPP': String(plan.ppp), organizationName: 'Org Ltd', emailAddress: `p${plan.ppp}@example.com` }));
      expect(res.answer, `PPP ${plan.ppp}`).toMatchObject({ errorCode: '0', totalCost: (plan.listPriceCents / 100).toFixed(2) });
    }
  });

  it('an operator price override is charged instead of the list price', async () => {
    const { setPriceOverride } = await import('../../src/orders/orders.repository.js');
    await t.store.write((tx) => setPriceOverride(tx, 9977, 12_345, t.clock.now().toISOString()));
    const res = await post(t.app, 'PlaceOrder', guestOrder({ '1_PPP': '9977' }));
    expect(res.answer.totalCost).toBe('123.45');
  });

  it('a password sent in a GET query string reaches no log line', async () => {
    const canary = 'Canary-Pa55word-7f3a';
    t.logLines.length = 0;
    await get(t.app, 'PlaceOrder', guestOrder({ loginName: 'canary-user', loginPassword: canary }));
    await get(t.app, 'PlaceOrder', { loginPassword: canary, colour: 'x' });
    await t.app.inject({ method: 'GET', url: `/nowhere?loginPassword=${canary}` });
    await t.app.inject({ method: 'POST', url: `/products/!PlaceOrder?loginPassword=${canary}`, headers: { 'content-type': 'application/json' }, payload: '{' });
    expect(t.logLines.length).toBeGreaterThanOrEqual(4);
    expect(t.logLines.filter((l) => l.includes(canary))).toEqual([]);
    expect(t.logLines.some((l) => l.includes('"msg":"answered"') && l.includes('/products/!PlaceOrder'))).toBe(true);
  });
});

describe.each(DIALECTS)('the HTTPS rule (%s)', (dialect) => {
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const a of apps) await a.close();
  });
  const make = async (trustedProxies: string[]) => {
    const a = await testApp(dialect, { allowHttp: false, trustedProxies });
    apps.push(a);
    return a;
  };

  it('plain HTTP without --allow-http is -1, with the exact text', async () => {
    const a = await make([]);
    const res = await post(a.app, 'PlaceOrder', guestOrder(), { 'x-forwarded-proto': 'https' });
    expect(res.body).toBe('errorCode=-1&errorMessage=Request%20was%20not%20made%20over%20HTTPS!');
    const count = await a.store.db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it('a trusted proxy saying X-Forwarded-Proto: https passes; http, or no header, does not', async () => {
    const a = await make(['127.0.0.0/8']);
    expect((await post(a.app, 'PlaceOrder', guestOrder(), { 'x-forwarded-proto': 'https' })).answer.errorCode).toBe('0');
    expect((await post(a.app, 'PlaceOrder', guestOrder(), { 'x-forwarded-proto': 'http' })).answer.errorCode).toBe('-1');
    expect((await post(a.app, 'PlaceOrder', guestOrder())).answer.errorCode).toBe('-1');
  });

  it('an untrusted peer cannot claim HTTPS with the header', async () => {
    const a = await make(['10.1.2.3']);
    expect((await post(a.app, 'PlaceOrder', guestOrder(), { 'x-forwarded-proto': 'https' })).answer.errorCode).toBe('-1');
  });
});

describe.each(DIALECTS)('unexpected failures (%s)', (dialect) => {
  it('a failing database answers -14 with a request id, logs it, and leaks nothing', async () => {
    const t = await testApp(dialect);
    try {
      // Orders commit through writePortable (a writer thread under `serve`), the rest through write.
      const store = t.store as { -readonly [K in keyof Store]: Store[K] };
      const { write, writePortable } = store;
      const onFire = async (): Promise<never> => {
        throw new Error('disk on fire: SELECT secret FROM vault');
      };
      store.write = onFire;
      store.writePortable = onFire;
      const res = await post(t.app, 'PlaceOrder', guestOrder());
      Object.assign(store, { write, writePortable });
      expect(res.status).toBe(200);
      expect(res.body).toMatch(/^errorCode=-14&errorMessage=An%20unknown%20error%20occurred!&requestId=[0-9a-f]{16}$/);
      expect(res.body).not.toMatch(/disk|SELECT|at /);
      expect(t.logLines.some((l) => l.includes(res.answer.requestId!) && l.includes('disk on fire'))).toBe(true);
    } finally {
      await t.close();
    }
  });
});
