// The ordering page over HTTP (in-process): what the server sends, header by header. The
// browser tests (test/browser/) show the same pages working for a person.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/dialects.js';
import { formBody, testApp, type TestApp } from '../helpers/app.js';
import { insertRedirectOrigins, resellerIdByAp } from '../../src/resellers/resellers.repository.js';
import { checkToken, issueToken } from '../../src/web/ordering/token.js';
import { webKey } from '../../src/web/secret.js';

/** The hidden session token of a rendered form. */
function tokenOf(body: string): string {
  const m = /name="orderingSession" value="([^"]+)"/.exec(body);
  if (!m) throw new Error('no session token in the page');
  return m[1]!;
}

describe.each(DIALECTS)('ordering page (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect);
  });
  afterAll(() => t.close());

  const open = (query: string) => t.app.inject({ method: 'GET', url: `/products/!PlaceOrder?${query}` });
  const submit = (fields: Array<[string, string]>) =>
    t.app.inject({
      method: 'POST',
      url: '/products/!PlaceOrder',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: formBody(fields),
    });

  it('answers a GET with product and no items with an HTML page under a strict policy', async () => {
    const res = await open('ap=resellerbrand&product=9600,9974');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['x-placeorder-error-code']).toBe('0');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('script-src');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('Sectigo Web Monitor, 1 year: USD 98.99');
    expect(res.body).toContain('Web DNS Pro, 1 year: USD 48.99');
    expect(res.body).not.toMatch(/<script/i);
    expect(res.body).not.toMatch(/\son[a-z]+=/i);
  });

  it('may be framed only by the origins the reseller registered', async () => {
    const res = await open('ap=myresellerbrand&product=9974');
    expect(String(res.headers['content-security-policy'])).toContain('frame-ancestors http://www.mydomain.com');
    expect(String(res.headers['content-security-policy'])).toContain("form-action 'self' http://www.mydomain.com");
    expect(res.headers['x-frame-options']).toBeUndefined();
  });

  it('never puts a stored origin that is not strictly an origin into the CSP (issue 13, finding 10.1)', async () => {
    // Stored before the strict parser existed (or by hand): the header must stay intact.
    const id = (await resellerIdByAp(t.store.db, 'reseller_brand_name'))!;
    await t.store.write((tx) => insertRedirectOrigins(tx, id, ['https://*', 'https://a;report-uri https://evil', 'https://a,b', 'https://good.example']));
    const res = await open('ap=reseller_brand_name&product=9974');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("form-action 'self' https://good.example; frame-ancestors https://good.example; base-uri 'none'");
    expect(csp).not.toMatch(/\*|report-uri|evil|a,b/);
    // With only bad origins stored, the page may be framed by nobody.
    await t.store.write((tx) => tx.deleteFrom('reseller_redirect_origins').where('origin', '=', 'https://good.example').execute());
    const only = await open('ap=reseller_brand_name&product=9974');
    expect(String(only.headers['content-security-policy'])).toContain("form-action 'self'; frame-ancestors 'none'");
    expect(only.headers['x-frame-options']).toBe('DENY');
    await t.store.write((tx) => tx.deleteFrom('reseller_redirect_origins').where('reseller_id', '=', id).execute());
  });

  it('keeps the API for everything else: items present, or no product', async () => {
    const api = await open('ap=resellerbrand&product=9974&1_PPP=9974&reseller=Y&emailAddress=a@example.com&name=A');
    expect(api.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
    expect(api.body).toMatch(/^errorCode=0&orderNumber=/);
    const none = await open('ap=resellerbrand');
    expect(none.body).toMatch(/^errorCode=-3&/);
  });

  it('refuses a broken ordering URL with the most specific code, as a page', async () => {
    expect((await open('ap=nobody&product=9974')).headers['x-placeorder-error-code']).toBe('-4');
    expect((await open('product=9974')).headers['x-placeorder-error-code']).toBe('-3');
    const unknown = await open('ap=resellerbrand&product=1234');
    expect(unknown.headers['x-placeorder-error-code']).toBe('-65');
    expect(unknown.body).toContain('Error -65: PlanID for this product not found.');
    expect((await open('ap=resellerbrand&product=9974&successURL=javascript:alert(1)')).headers['x-placeorder-error-code']).toBe('-4');
  });

  it('renders pre-filled values as text, never as markup', async () => {
    const res = await open(`ap=resellerbrand&product=9974&name=${encodeURIComponent('"><script>alert(1)</script>')}`);
    expect(res.body).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(res.body).not.toContain('<script>');
  });

  it('places the order through the ladder and shows its number', async () => {
    const token = tokenOf((await open('ap=resellerbrand&product=9600,9974')).body);
    const res = await submit([
      ['orderingSession', token],
      ['product', '9974'],
      ['emailAddress', 'page@example.com'],
      ['name', 'Page Customer'],
      ['isReturningCustomer', 'N'],
      ['loginName', ''],
      ['loginPassword', ''],
    ]);
    // Post/Redirect/Get: a reload of the confirmation cannot place the order again.
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/web\/order-placed\?r=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const page = await t.app.inject({ method: 'GET', url: String(res.headers.location) });
    expect(page.headers['x-placeorder-error-code']).toBe('0');
    const number = Number(/id="order-number">(\d+)</.exec(page.body)![1]);
    const order = await t.store.db.selectFrom('orders').selectAll().where('id', '=', number).executeTakeFirstOrThrow();
    expect(order).toMatchObject({ status: 'pending_authorization', customer_id: null, total_cents: 4899 });
  });

  it('places one order per form, however often it is sent', async () => {
    const token = tokenOf((await open('ap=resellerbrand&product=9974')).body);
    const form: Array<[string, string]> = [['orderingSession', token], ['product', '9974'], ['emailAddress', 'twice@example.com'], ['name', 'Twice']];
    const [a, b] = await Promise.all([submit(form), submit(form)]);
    const again = await submit(form);
    const codes = [a, b, again].map((r) => r.headers['x-placeorder-error-code']);
    // Sent together, the second may find the first still running (-1002); sent later, it gets
    // the first one's receipt.
    expect(codes.filter((c) => c === '0').length).toBeGreaterThanOrEqual(2);
    expect(codes.every((c) => c === '0' || c === '-1002')).toBe(true);
    expect(again.statusCode).toBe(303);
    const orders = await t.store.db.selectFrom('orders').select('id').where('email_key', '=', 'twice@example.com').execute();
    expect(orders).toHaveLength(1);
    const page = await t.app.inject({ method: 'GET', url: String(again.headers.location) });
    expect(page.body).toContain(`id="order-number">${orders[0]!.id}<`);
  });

  it('lets a form whose order failed be corrected and sent again', async () => {
    const token = tokenOf((await open('ap=resellerbrand&product=9974')).body);
    const first = await submit([['orderingSession', token], ['product', '9974'], ['emailAddress', 'retry@example.com'], ['name', 'R'], ['isReturningCustomer', 'Y'], ['loginName', 'nobody-here'], ['loginPassword', 'x']]);
    expect(first.headers['x-placeorder-error-code']).toBe('-16');
    const second = await submit([['orderingSession', token], ['product', '9974'], ['emailAddress', 'retry@example.com'], ['name', 'R']]);
    expect(second.statusCode).toBe(303);
  });

  it('refuses a receipt it did not sign', async () => {
    const payload = Buffer.from(JSON.stringify({ ap: 'resellerbrand', orderNumber: 999, totalCents: 0, currency: 'USD', status: 'active' })).toString('base64url');
    const res = await t.app.inject({ method: 'GET', url: `/web/order-placed?r=${payload}.AAAA` });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('999');
  });

  it('takes brand, products and redirect targets from the signed token, not from the form', async () => {
    const token = tokenOf((await open('ap=resellerbrand&product=9974')).body);
    const res = await submit([
      ['orderingSession', token],
      ['ap', 'myresellerbrand'],
      ['product', '9600'],
      ['emailAddress', 'x@example.com'],
      ['name', 'X'],
    ]);
    // 9600 was not on offer: no item is left, so the ladder answers -39 beside the products.
    expect(res.headers['x-placeorder-error-code']).toBe('-39');
    expect(res.body).toContain('<p class="error" id="f-product-error">Error -39: At least 1 item is missing from this order!</p>');
  });

  it('refuses item fields the page did not offer: an extra 1_PPP or 2_PPP orders nothing (issue 13, finding 10.2)', async () => {
    for (const extra of [[['1_PPP', '9600']], [['2_PPP', '9600']], [['_2_PPP', '9600']], [['2_pPp', '9600']], [['1_PPP', '9974'], ['2_PPP', '9600']]] as Array<Array<[string, string]>>) {
      const token = tokenOf((await open('ap=resellerbrand&product=9974')).body);
      const email = `extra-${extra.length}-${extra[0]![0]}@example.com`.toLowerCase();
      const res = await submit([['orderingSession', token], ['product', '9974'], ...extra, ['emailAddress', email], ['name', 'Extra']]);
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-placeorder-error-code']).toBe('-91');
      expect(res.body).toContain(`<p class="error" id="f-product-error">Error -91: Permission Denied. &#39;${extra[0]![0]}&#39;</p>`);
      const orders = await t.store.db.selectFrom('orders').select('id').where('email_key', '=', email).execute();
      expect(orders).toEqual([]);
    }
  });

  it('follows successURL after a successful order', async () => {
    const token = tokenOf((await open('ap=myresellerbrand&product=9974&successURL=http://www.mydomain.com/ok')).body);
    const res = await submit([['orderingSession', token], ['product', '9974'], ['emailAddress', 'y@example.com'], ['name', 'Y']]);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^http:\/\/www\.mydomain\.com\/ok\?errorCode=0&orderNumber=\d+&totalCost=48\.99&currency=USD$/);
  });

  it('with a successURL off the registered origins, places the order and shows the outcome with a labelled link (issue 16)', async () => {
    const opened = await open('ap=resellerbrand&product=9974&successURL=http://www.mydomain.com/ok');
    expect(opened.headers['x-placeorder-error-code']).toBe('0');
    const res = await submit([['orderingSession', tokenOf(opened.body)], ['product', '9974'], ['emailAddress', 'z@example.com'], ['name', 'Z']]);
    expect(res.statusCode).toBe(200);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['x-placeorder-error-code']).toBe('0');
    expect(res.body).toMatch(/href="http:\/\/www\.mydomain\.com\/ok\?errorCode=0&amp;orderNumber=\d+&amp;totalCost=48\.99&amp;currency=USD">Continue to http:\/\/www\.mydomain\.com<\/a>/);
  });

  it('answers -97 for an expired token with a fresh form, and for a forged one without', async () => {
    const key = webKey(t.config);
    const now = Math.floor(t.clock.now().getTime() / 1000);
    const session = { ap: 'resellerbrand', products: [9974], reseller: 'Y' as const, expiresAt: now - 1 };
    const expired = await submit([['orderingSession', issueToken(key, session)], ['product', '9974'], ['name', 'Kept Name']]);
    expect(expired.headers['x-placeorder-error-code']).toBe('-97');
    expect(expired.body).toContain('Error -97: Session is expired');
    expect(expired.body).toContain('value="Kept Name"');
    const fresh = checkToken(key, tokenOf(expired.body), now);
    expect(fresh.ok).toBe(true);

    const forged = issueToken(Buffer.alloc(32, 1), { ...session, expiresAt: now + 600 });
    const res = await submit([['orderingSession', forged], ['product', '9974']]);
    expect(res.headers['x-placeorder-error-code']).toBe('-97');
    expect(res.body).not.toContain('orderingSession');
    const garbage = await submit([['orderingSession', 'x'.repeat(5000)]]);
    expect(garbage.headers['x-placeorder-error-code']).toBe('-97');
  });

  it('never echoes a password back into the page', async () => {
    const token = tokenOf((await open('ap=resellerbrand&product=9974')).body);
    const res = await submit([
      ['orderingSession', token],
      ['product', '9974'],
      ['emailAddress', 'bad'],
      ['name', 'N'],
      ['loginName', 'someone'],
      ['loginPassword', 'hunter2-secret'],
    ]);
    expect(res.headers['x-placeorder-error-code']).toBe('-70');
    expect(res.body).not.toContain('hunter2-secret');
    expect(res.body).toContain('aria-describedby="f-emailAddress-error"');
    expect(t.logLines.join('')).not.toContain('hunter2-secret');
  });
});
