// The console and portal over HTTP (in-process): sign-in, cookies, CSRF, who may see what,
// keyset pagination, and that the order list is served from an index in the order it is shown.
import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/seed/demo.js';
import { creditFunds } from '../../src/funds/funds.service.js';
import { orderListQuery, type OrderListFilter } from '../../src/orders/order-reads.repository.js';
import { PAGE_SIZE } from '../../src/web/console/orders.page.js';
import { DIALECTS } from '../helpers/dialects.js';
import { formBody, guestOrder, post, testApp, type TestApp } from '../helpers/app.js';

type Inject = TestApp['app']['inject'];
type Res = Awaited<ReturnType<Inject>>;

function cookiesFrom(res: Res): Map<string, string> {
  const raw = res.headers['set-cookie'];
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return new Map(list.map((c) => [c.split('=')[0]!, c]));
}

function valueOf(setCookie: string): string {
  return setCookie.split(';')[0]!.split('=').slice(1).join('=');
}

function csrfOf(body: string): string {
  return /name="csrf" value="([^"]+)"/.exec(body)![1]!;
}

const unescape = (s: string) => s.replace(/&amp;/g, '&');

describe.each(DIALECTS)('console over HTTP (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect, { trustedProxies: ['127.0.0.1'] });
    await creditFunds(t.store, t.clock, 'resellerbrand', 100_000, null, 'test');
  });
  afterAll(() => t.close());

  const https = { 'x-forwarded-proto': 'https' };

  /** Signs in through the real form; returns the session cookie header to send back. */
  async function signIn(login = 'resellerbrand-api', password = DEMO_PASSWORD, headers: Record<string, string> = {}) {
    const page = await t.app.inject({ method: 'GET', url: '/console/sign-in', headers });
    const pre = [...cookiesFrom(page).entries()].find(([n]) => n.includes('po_console_pre'))!;
    const res = await t.app.inject({
      method: 'POST',
      url: '/console/sign-in',
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded', cookie: `${pre[0]}=${valueOf(pre[1])}`, 'sec-fetch-site': 'same-origin' },
      payload: formBody({ csrf: csrfOf(page.body), loginName: login, loginPassword: password }),
    });
    const session = [...cookiesFrom(res).entries()].find(([n]) => /po_console$/.test(n));
    return { res, setCookie: session?.[1], cookie: session ? `${session[0]}=${valueOf(session[1])}` : undefined };
  }

  it('sends a visitor without a session to the sign-in page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/console/orders' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/console/sign-in');
  });

  it('over HTTPS keeps the session in a __Host-, Secure, HttpOnly, SameSite=Strict cookie', async () => {
    const { res, setCookie } = await signIn(undefined, undefined, https);
    expect(res.statusCode).toBe(303);
    expect(setCookie).toMatch(/^__Host-po_console=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800; Secure$/);
  });

  it('refuses plain HTTP outside development with -1', async () => {
    const strict = await testApp(dialect, { allowHttp: false });
    try {
      const res = await strict.app.inject({ method: 'GET', url: '/console/sign-in' });
      expect(res.statusCode).toBe(403);
      expect(res.headers['x-placeorder-error-code']).toBe('-1');
    } finally {
      await strict.close();
    }
  });

  it('answers a wrong password with the generic -16 and no session', async () => {
    const { res, setCookie } = await signIn('resellerbrand-api', 'not-the-password');
    expect(res.headers['x-placeorder-error-code']).toBe('-16');
    expect(res.body).toContain('Error -16: Incorrect login details');
    expect(setCookie).toBeUndefined();
  });

  it('wrong current passwords in the change-password form count towards the lock, as sign-in failures do (issue 13, finding 10)', async () => {
    const { createReseller } = await import('../../src/resellers/resellers.service.js');
    await createReseller(t.store, t.hasher, t.clock, { ap: 'pwbrand', login: 'pwbrand-api', password: DEMO_PASSWORD, validated: true, redirectOrigins: [] });
    const { cookie } = await signIn('pwbrand-api');
    const settings = await t.app.inject({ method: 'GET', url: '/console/settings', headers: { cookie: cookie! } });
    const change = (current: string) =>
      t.app.inject({
        method: 'POST',
        url: '/console/settings/password',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie!, 'sec-fetch-site': 'same-origin' },
        payload: formBody({ csrf: csrfOf(settings.body), currentPassword: current, newPassword: 'brand-new-password', confirmPassword: 'brand-new-password' }),
      });
    for (let i = 0; i < t.config.loginLockoutThreshold; i++) expect((await change(`guess-${i}`)).body).toContain('This is not your current password.');
    // Locked now: the right password no longer changes anything, and signing in is refused too.
    expect((await change(DEMO_PASSWORD)).body).toContain('This is not your current password.');
    expect((await signIn('pwbrand-api')).res.headers['x-placeorder-error-code']).toBe('-16');
  });

  it('a NUL in a password is refused, as the API refuses it, never read as U+FFFD (outside attack)', async () => {
    const { createReseller } = await import('../../src/resellers/resellers.service.js');
    await createReseller(t.store, t.hasher, t.clock, { ap: 'nulbrand', login: 'nulbrand-api', password: 'pass\uFFFDword-123', validated: true, redirectOrigins: [] });
    expect((await signIn('nulbrand-api', 'pass\u0000word-123')).res.headers['x-placeorder-error-code']).toBe('-16');
    const { cookie } = await signIn('nulbrand-api', 'pass\uFFFDword-123');
    expect(cookie).toBeDefined();
    const settings = await t.app.inject({ method: 'GET', url: '/console/settings', headers: { cookie: cookie! } });
    const changed = await t.app.inject({
      method: 'POST',
      url: '/console/settings/password',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie!, 'sec-fetch-site': 'same-origin' },
      payload: formBody({ csrf: csrfOf(settings.body), currentPassword: 'pass\uFFFDword-123', newPassword: 'new\u0000password', confirmPassword: 'new\u0000password' }),
    });
    expect(changed.headers['x-placeorder-error-code']).toBe('-4');
    expect(changed.body).toContain('The new password cannot hold a NUL character.');
    expect((await signIn('nulbrand-api', 'pass\uFFFDword-123')).cookie).toBeDefined();
  });

  it('lists unregistered redirect origins seen in orders, and registers one in one CSRF-protected click (issue 16)', async () => {
    const seen = 'https://seen-shop.example';
    const { createReseller } = await import('../../src/resellers/resellers.service.js');
    await createReseller(t.store, t.hasher, t.clock, { ap: 'seenbrand', login: 'seenbrand-api', password: DEMO_PASSWORD, validated: true, redirectOrigins: [] });
    const placed = await post(t.app, 'PlaceOrder', guestOrder({ ap: 'seenbrand', emailAddress: 'seen@example.com', successURL: `${seen}/thanks` }));
    expect(placed.headers['x-placeorder-error-code']).toBe('0');
    const { cookie } = await signIn('seenbrand-api');
    const settings = await t.app.inject({ method: 'GET', url: '/console/settings', headers: { cookie: cookie! } });
    expect(settings.body).toContain(`aria-label="Register ${seen}"`);
    const register = (csrf: string) =>
      t.app.inject({
        method: 'POST',
        url: '/console/settings/origins/add',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie!, 'sec-fetch-site': 'same-origin' },
        payload: formBody({ csrf, origin: seen }),
      });
    expect((await register('forged')).statusCode).toBe(403);
    expect((await register(csrfOf(settings.body))).statusCode).toBe(303);
    const after = await t.app.inject({ method: 'GET', url: '/console/settings', headers: { cookie: cookie! } });
    expect(after.body).not.toContain(`aria-label="Register ${seen}"`);
    expect(after.body).toContain(`aria-label="Remove ${seen}"`);
    const redirected = await post(t.app, 'PlaceOrder', guestOrder({ ap: 'seenbrand', emailAddress: 'seen2@example.com', successURL: `${seen}/thanks` }));
    expect(redirected.status).toBe(303);
  });

  it('refuses a sign-in form that did not come from its page (no pre-session cookie)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/console/sign-in',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: formBody({ csrf: 'x', loginName: 'resellerbrand-api', loginPassword: DEMO_PASSWORD }),
    });
    expect(res.statusCode).toBe(403);
    expect(cookiesFrom(res).size).toBe(0);
  });

  it('changes nothing without the CSRF token or from another site', async () => {
    const placed = await post(t.app, 'PlaceOrder', guestOrder({ emailAddress: 'csrf@example.com' }));
    const n = placed.answer.orderNumber;
    const { cookie } = await signIn();
    const attempt = (csrf: string | undefined, site: string) =>
      t.app.inject({
        method: 'POST',
        url: `/console/orders/${n}/authorize`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie!, 'sec-fetch-site': site },
        payload: csrf === undefined ? '' : formBody({ csrf }),
      });
    expect((await attempt(undefined, 'same-origin')).statusCode).toBe(403);
    expect((await attempt('forged', 'same-origin')).statusCode).toBe(403);
    const page = await t.app.inject({ method: 'GET', url: `/console/orders/${n}/authorize`, headers: { cookie: cookie! } });
    expect((await attempt(csrfOf(page.body), 'cross-site')).statusCode).toBe(403);
    const order = await t.store.db.selectFrom('orders').select('status').where('id', '=', Number(n)).executeTakeFirstOrThrow();
    expect(order.status).toBe('pending_authorization');
    const ok = await attempt(csrfOf(page.body), 'same-origin');
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe(`/console/orders/${n}?done=authorize`);
  });

  it('settings refuse redirect origins that are not strictly scheme, host and port; none reaches the CSP (issue 13, finding 10.1)', async () => {
    const { cookie } = await signIn();
    const settings = await t.app.inject({ method: 'GET', url: '/console/settings', headers: { cookie: cookie! } });
    const add = (origin: string) =>
      t.app.inject({
        method: 'POST',
        url: '/console/settings/origins/add',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie!, 'sec-fetch-site': 'same-origin' },
        payload: formBody({ csrf: csrfOf(settings.body), origin }),
      });
    const originsOf = async () =>
      (
        await t.store.db
          .selectFrom('reseller_redirect_origins')
          .innerJoin('resellers', 'resellers.id', 'reseller_redirect_origins.reseller_id')
          .select('origin')
          .where('resellers.ap', '=', 'resellerbrand')
          .execute()
      ).map((r) => r.origin);
    for (const bad of ['https://*', 'https://a;report-uri https://evil', "https://a'b", 'https://a,b', 'https://shop.example/path', 'https://0x7f000001']) {
      const res = await add(bad);
      expect(res.headers['x-placeorder-error-code'], bad).toBe('-4');
      expect(res.body).toContain('Enter an origin: scheme and host only');
    }
    expect(await originsOf()).toEqual([]);
    const page = await t.app.inject({ method: 'GET', url: '/products/!PlaceOrder?ap=resellerbrand&product=9974' });
    expect(String(page.headers['content-security-policy'])).toContain("form-action 'self'; frame-ancestors 'none'");
    const good = await add('HTTPS://Shop.Example:443/');
    expect(good.statusCode).toBe(303);
    expect(await originsOf()).toEqual(['https://shop.example']);
  });

  it("does not show another reseller's order", async () => {
    const other = await post(t.app, 'PlaceOrder', guestOrder({ ap: 'myresellerbrand', emailAddress: 'other@example.com' }));
    const { cookie } = await signIn();
    const res = await t.app.inject({ method: 'GET', url: `/console/orders/${other.answer.orderNumber}`, headers: { cookie: cookie! } });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('other@example.com');
  });

  it('ends the session on sign-out', async () => {
    const { cookie } = await signIn();
    const page = await t.app.inject({ method: 'GET', url: '/console', headers: { cookie: cookie! } });
    expect(page.statusCode).toBe(200);
    const out = await t.app.inject({
      method: 'POST',
      url: '/console/sign-out',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie!, 'sec-fetch-site': 'same-origin' },
      payload: formBody({ csrf: csrfOf(page.body) }),
    });
    expect(out.statusCode).toBe(303);
    expect((await t.app.inject({ method: 'GET', url: '/console', headers: { cookie: cookie! } })).statusCode).toBe(303);
  });

  it('ends the session when its time is up', async () => {
    const { cookie } = await signIn();
    t.clock.set(new Date(t.clock.now().getTime() + 8 * 3600 * 1000 + 1000));
    expect((await t.app.inject({ method: 'GET', url: '/console', headers: { cookie: cookie! } })).statusCode).toBe(303);
  });

  it('pages through every order exactly once, newest first', async () => {
    for (let i = 0; i < PAGE_SIZE + 25; i++) {
      // Several orders share one instant, so the id must break ties in the cursor.
      if (i % 10 === 0) t.clock.set(new Date(t.clock.now().getTime() + 1000));
      const r = await post(t.app, 'PlaceOrder', guestOrder({ emailAddress: `page${i}@example.com` }));
      expect(r.answer.errorCode).toBe('0');
    }
    const expected = (
      await t.store.db.selectFrom('orders').innerJoin('resellers', 'resellers.id', 'orders.reseller_id').select('orders.id').where('resellers.ap', '=', 'resellerbrand').orderBy('orders.created_at', 'desc').orderBy('orders.id', 'desc').execute()
    ).map((r) => r.id);
    const { cookie } = await signIn();
    const seen: number[] = [];
    let url: string | undefined = '/console/orders';
    let pages = 0;
    while (url && pages++ < 10) {
      const res = await t.app.inject({ method: 'GET', url, headers: { cookie: cookie! } });
      seen.push(...[...res.body.matchAll(/<td data-label="Order"><a href="\/console\/orders\/(\d+)">/g)].map((m) => Number(m[1])));
      const next = /href="(\/console\/orders\?[^"]*after=[^"]*)" rel="next"/.exec(res.body);
      url = next ? unescape(next[1]!) : undefined;
    }
    expect(pages).toBe(Math.ceil(expected.length / PAGE_SIZE));
    expect(seen).toEqual(expected);
  });

  it('reads the orders list from an index in display order, for every filter (no sort step)', async () => {
    const base: OrderListFilter = { resellerId: 1, limit: PAGE_SIZE + 1 };
    const filters: OrderListFilter[] = [
      base,
      { ...base, status: 'pending_authorization' },
      { ...base, emailKey: 'a@example.com' },
      { ...base, from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' },
      { ...base, productCode: 'web-dns-pro' },
      { ...base, status: 'active', after: { createdAt: '2026-03-01T12:00:00.000Z', id: 10 } },
    ];
    for (const f of filters) {
      const c = orderListQuery(t.store.db, f).compile();
      let plan: string;
      if (dialect === 'sqlite') {
        const r = await t.store.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${c.sql}`, [...c.parameters]));
        plan = r.rows.map((row) => row.detail).join('\n');
        expect(plan).not.toMatch(/TEMP B-TREE/);
        expect(plan).toMatch(/USING (COVERING )?INDEX orders_reseller_/);
        // The cursor seeks the index (deep pages cost what the first does).
        if (f.after) expect(plan).toMatch(/status=\? AND created_at<\?\)/);
      } else {
        // A test database is tiny, so the planner would rightly scan it; forbidding scans and
        // sorts shows that an index can deliver the rows in display order.
        plan = await t.store.db.connection().execute(async (conn) => {
          await conn.executeQuery(CompiledQuery.raw('set enable_seqscan = off'));
          await conn.executeQuery(CompiledQuery.raw('set enable_sort = off'));
          try {
            const r = await conn.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${c.sql}`, [...c.parameters]));
            return r.rows.map((row) => row['QUERY PLAN']).join('\n');
          } finally {
            await conn.executeQuery(CompiledQuery.raw('reset enable_seqscan'));
            await conn.executeQuery(CompiledQuery.raw('reset enable_sort'));
          }
        });
        expect(plan).not.toMatch(/\bSort\b/);
        expect(plan).toMatch(/Index (Only )?Scan (Backward )?using orders_reseller_/);
        if (f.after) expect(plan).toMatch(/Index Cond: .*ROW\(created_at, id\) < ROW/);
      }
    }
  });
});
