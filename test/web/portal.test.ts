// The customer portal over HTTP (in-process): who may sign in, what they see, and the renew
// link's window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditFunds } from '../../src/funds/funds.service.js';
import { authorizeOrder } from '../../src/orders/lifecycle.service.js';
import { resellerIdByAp } from '../../src/resellers/resellers.repository.js';
import { DIALECTS } from '../helpers/dialects.js';
import { formBody, guestOrder, post, testApp, type TestApp } from '../helpers/app.js';

type Res = Awaited<ReturnType<TestApp['app']['inject']>>;

function cookie(res: Res, name: string): string | undefined {
  const raw = res.headers['set-cookie'];
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const c = list.find((x) => x.startsWith(`${name}=`));
  return c?.split(';')[0];
}

describe.each(DIALECTS)('portal over HTTP (%s)', (dialect) => {
  let t: TestApp;
  let licenceOrder = 0;
  beforeAll(async () => {
    t = await testApp(dialect);
    await creditFunds(t.store, t.clock, 'resellerbrand', 100_000, null, 'test');
    const placed = await post(t.app, 'PlaceOrder', guestOrder({ emailAddress: 'cu@example.com', loginName: 'cu', loginPassword: 'cu-password', name: 'Cu Stomer' }));
    licenceOrder = Number(placed.answer.orderNumber);
    const resellerId = (await resellerIdByAp(t.store.db, 'resellerbrand'))!;
    await authorizeOrder(t, { resellerId, orderNumber: licenceOrder, requestId: 'test', auditParams: {} }, false);
    await post(t.app, 'PlaceOrder', guestOrder({ emailAddress: 'other@example.com', loginName: 'other', loginPassword: 'other-password', name: 'Other One' }));
  });
  afterAll(() => t.close());

  async function signIn(loginName: string, loginPassword: string) {
    const page = await t.app.inject({ method: 'GET', url: '/account/sign-in' });
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const res = await t.app.inject({
      method: 'POST',
      url: '/account/sign-in',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie(page, 'po_account_pre')!, 'sec-fetch-site': 'same-origin' },
      payload: formBody({ csrf, loginName, loginPassword }),
    });
    return { res, session: cookie(res, 'po_account') };
  }

  it('answers a wrong password and an unknown name alike, with -16', async () => {
    const wrong = await signIn('cu', 'nope');
    const unknown = await signIn('nobody', 'nope');
    for (const r of [wrong, unknown]) {
      expect(r.res.headers['x-placeorder-error-code']).toBe('-16');
      expect(r.session).toBeUndefined();
    }
  });

  it("shows the customer's own licences and no one else's", async () => {
    const { session } = await signIn('cu', 'cu-password');
    const res = await t.app.inject({ method: 'GET', url: '/account', headers: { cookie: session! } });
    const licence = await t.store.db.selectFrom('licences').selectAll().where('order_id', '=', licenceOrder).executeTakeFirstOrThrow();
    expect(res.body).toContain(`<code>${licence.code}</code>`);
    expect(res.body).toContain('Cu Stomer');
    expect(res.body).not.toContain('Other One');
    // A year's licence is not renewable yet: the page says from when.
    expect(res.body).toContain(`From ${new Date(Date.parse(licence.expires_at) - 30 * 86_400_000).toISOString().slice(0, 10)}`);
    expect(res.body).not.toContain('licenceCode=');
  });

  it('offers the renew link from 30 days before expiry, pre-filled for a renewal', async () => {
    const licence = await t.store.db.selectFrom('licences').selectAll().where('order_id', '=', licenceOrder).executeTakeFirstOrThrow();
    t.clock.set(new Date(Date.parse(licence.expires_at) - 30 * 86_400_000));
    const { session } = await signIn('cu', 'cu-password');
    const res = await t.app.inject({ method: 'GET', url: '/account', headers: { cookie: session! } });
    const href = /<a href="(\/products\/!PlaceOrder\?[^"]+)">Renew/.exec(res.body)![1]!.replace(/&amp;/g, '&');
    const q = new URL(href, 'http://x').searchParams;
    expect(Object.fromEntries(q)).toEqual({
      ap: 'resellerbrand',
      reseller: 'Y',
      product: String(licence.ppp),
      licenceCode: licence.code,
      isReturningCustomer: 'Y',
      loginName: 'cu',
      emailAddress: 'cu@example.com',
    });
  });

  it('signs out only with the session’s CSRF token', async () => {
    const { session } = await signIn('cu', 'cu-password');
    const forged = await t.app.inject({
      method: 'POST',
      url: '/account/sign-out',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session!, 'sec-fetch-site': 'same-origin' },
      payload: formBody({ csrf: 'forged' }),
    });
    expect(forged.statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/account', headers: { cookie: session! } })).statusCode).toBe(200);
  });
});
