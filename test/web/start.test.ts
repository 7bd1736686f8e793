// The start page at / (in-process): what a browser and what curl get, with and without demo
// mode; that the demo's links, forms and curl sample work against the server as printed; that
// the API's own paths keep their url-encoded answers.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_RESELLERS } from '../../src/seed/demo.js';
import { SPEC_CURL_PARAMETERS, SPEC_URL_QUERY } from '../../src/web/start/spec-samples.js';
import { DIALECTS } from '../helpers/dialects.js';
import { parseAnswer, post, testApp, type TestApp } from '../helpers/app.js';

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const HOST = 'placeorder.test:8080';
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const unescape = (s: string) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'");

/** The fields a live form on the page would post: its hidden inputs, plus the given entries. */
function liveFormFields(body: string, ap: string, entries: Record<string, string>): Array<[string, string]> {
  const forms = [...body.matchAll(/<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/g)];
  const form = forms.find((f) => f[2]!.includes(`name="ap" value="${ap}"`));
  if (!form) throw new Error(`no live form for ${ap}`);
  expect(form[1]).toBe(`http://${HOST}/products/!PlaceOrder`);
  const hidden = [...form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m): [string, string] => [m[1]!, unescape(m[2]!)]);
  const visible = [...form[2]!.matchAll(/<input type="text" name="([^"]+)">/g)].map((m) => m[1]!);
  return [...hidden, ...visible.map((name): [string, string] => [name, entries[name] ?? ''])];
}

describe.each(DIALECTS)('start page, demo mode (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect, { demo: true });
  });
  afterAll(() => t.close());

  const page = (headers: Record<string, string> = { accept: BROWSER }) => t.app.inject({ method: 'GET', url: '/', headers: { host: HOST, ...headers } });

  it('shows a browser what runs, the brands, their API users and the password, under the page policy', async () => {
    const res = await page();
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['x-placeorder-error-code']).toBe('0');
    expect(res.headers.vary).toBe('Accept');
    expect(res.body).toContain('<meta name="placeorder-error-code" content="0">');
    expect(String(res.headers['content-security-policy'])).toMatch(/default-src 'none'.*form-action 'self' http:\/\/www\.mydomain\.com/);
    expect(res.body).not.toMatch(/<script|\son[a-z]+=/i);
    expect(res.body).toContain(`<dt>Version</dt><dd>${VERSION}</dd>`);
    expect(res.body).toContain(dialect === 'postgres' ? 'PostgreSQL: <code>postgres://' : `SQLite: <code>${t.store.location}</code>`);
    for (const r of DEMO_RESELLERS) {
      expect(res.body).toContain(`<td data-label="Brand"><code>${r.ap}</code></td><td data-label="API user"><code>${r.login}</code></td><td data-label="Password"><code>${DEMO_PASSWORD}</code></td>`);
    }
    for (const href of ['/console', '/account', '/openapi.json', '/docs/api/place-order.md', '/docs/web.md']) expect(res.body).toContain(`href="${href}"`);
    // A newcomer is told that authorizing in the console needs funds, and how to add them.
    expect(res.body).toContain('They start without funds, and authorizing a <code>reseller=Y</code> order debits the reseller');
    expect(res.body).toContain('<code>npx placeorder funds credit --ap resellerbrand --amount 500.00</code>');
  });

  it('links each brand to a working ordering page for the products it names', async () => {
    const body = (await page()).body;
    for (const r of DEMO_RESELLERS) {
      const url = `http://${HOST}/products/!PlaceOrder?ap=${r.ap}&reseller=Y&product=9600%2C9974`;
      expect(body).toContain(`<a href="${url.replace(/&/g, '&amp;')}">Ordering page of ${r.ap}: Sectigo Web Monitor, 1 year / Web DNS Pro, 1 year</a>`);
      const opened = await t.app.inject({ method: 'GET', url: url.slice(`http://${HOST}`.length) });
      expect(opened.headers['x-placeorder-error-code']).toBe('0');
      expect(opened.body).toContain('Web DNS Pro, 1 year: USD 48.99');
    }
  });

  it("shows the spec's HTML form, as the spec writes it, for each brand, and the form places an order as it stands", async () => {
    const body = (await page()).body;
    // The copyable text is the spec's example, its errorURL and successURL included, pointed
    // at this server, for every brand.
    for (const r of DEMO_RESELLERS) {
      expect(body).toContain(
        [
          `&lt;form method=&quot;post&quot; action=&quot;http://${HOST}/products/!PlaceOrder&quot;&gt;`,
          `&lt;input type=&quot;hidden&quot; name=&quot;ap&quot; value=&quot;${r.ap}&quot;&gt;`,
          '&lt;input type=&quot;hidden&quot; name=&quot;reseller&quot; value=&quot;y&quot;&gt;',
          '&lt;input type=&quot;hidden&quot; name=&quot;errorURL&quot; value=&quot;http://www.mydomain.com/error_page.html&quot;&gt;',
          '&lt;input type=&quot;hidden&quot; name=&quot;successURL&quot; value=&quot;http://www.mydomain.com/success_page.html&quot;&gt;',
          'Email Address: &lt;input type=&quot;text&quot; name=&quot;emailAddress&quot;&gt;',
        ].join('\n'),
      );
    }
    const entries = { emailAddress: 'form@example.com', name: 'Form Person', organizationName: 'Form Ltd', '1_MACAddress': '' };
    const submit = (ap: string) =>
      t.app.inject({ method: 'POST', url: '/products/!PlaceOrder', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(liveFormFields(body, ap, entries)).toString() });
    // myresellerbrand registered www.mydomain.com: redirected there.
    const viaRedirect = await submit('myresellerbrand');
    expect(viaRedirect.statusCode).toBe(303);
    expect(String(viaRedirect.headers.location)).toMatch(/^http:\/\/www\.mydomain\.com\/success_page\.html\?errorCode=0&orderNumber=[0-9]+&totalCost=48\.99&currency=USD/);
    // resellerbrand did not: the order is placed and the answer is a page with a labelled link.
    const onPage = await submit('resellerbrand');
    expect(onPage.statusCode).toBe(200);
    expect(onPage.headers.location).toBeUndefined();
    expect(onPage.headers['x-placeorder-error-code']).toBe('0');
    expect(onPage.body).toMatch(/<a class="button" rel="noreferrer nofollow" href="http:\/\/www\.mydomain\.com\/success_page\.html\?errorCode=0&amp;orderNumber=[0-9]+&amp;totalCost=48\.99&amp;currency=USD">Continue to http:\/\/www\.mydomain\.com<\/a>/);
    // Each brand's hint says which of the two the person will see.
    expect(unescape(body)).toContain('<p><code>myresellerbrand</code> registered <code>http://www.mydomain.com</code>, so the form sends the customer’s browser there');
    expect(unescape(body)).toContain('<p><code>http://www.mydomain.com</code> is not registered for <code>resellerbrand</code>, so the customer’s browser is not sent there');
    // The live forms are labelled for people using screen readers.
    expect(body).toContain('<label>Email Address: <input type="text" name="emailAddress"></label>');
  });

  it("links the spec's URL example against this server, and it places the order as printed", async () => {
    const body = unescape((await page()).body);
    const url = `http://${HOST}/products/!PlaceOrder?${SPEC_URL_QUERY}`;
    expect(body).toContain(`<a href="${url}">Open the spec’s URL example</a>`);
    expect(body).toContain(`<textarea id="url-sample" readonly rows="3">${url}</textarea>`);
    const res = await t.app.inject({ method: 'GET', url: url.slice(`http://${HOST}`.length) });
    expect(res.body).toMatch(/^errorCode=0&orderNumber=[0-9]+&totalCost=48\.99&currency=USD$/);
    const order = await t.store.db.selectFrom('orders').select('contact_json').where('id', '=', Number(parseAnswer(res.body).orderNumber)).executeTakeFirstOrThrow();
    expect(JSON.parse(order.contact_json)).toMatchObject({ name: 'Fred Bloggs' });
  });

  it("prints the spec's curl sample with this server's URL, and it places the order", async () => {
    const body = unescape((await page()).body);
    expect(body).toContain(`curl --location 'http://${HOST}/products/!PlaceOrder' \\\n  --header 'Content-Type: application/x-www-form-urlencoded' \\\n  --data-urlencode 'loginName=login_name' \\`);
    expect(body).toContain("--data-urlencode 'ap=reseller_brand_name'</textarea>");
    const sent = [...body.matchAll(/--data-urlencode '([^=]+)=([^']*)'/g)].map((m): [string, string] => [m[1]!, m[2]!]);
    expect(sent).toEqual(SPEC_CURL_PARAMETERS);
    const first = await post(t.app, 'PlaceOrder', sent);
    expect(first.body).toMatch(/^errorCode=0&orderNumber=[0-9]+&totalCost=48\.99&currency=USD$/);
    const again = await post(t.app, 'PlaceOrder', sent);
    expect(again.answer.errorCode).toBe('0');
    expect(again.answer.orderNumber).not.toBe(first.answer.orderNumber);
  });

  it('gives curl the same facts as text, errorCode first', async () => {
    const accepts: Array<Record<string, string>> = [{}, { accept: '*/*' }, { accept: 'text/html;q=0, text/plain' }];
    for (const headers of accepts) {
      const res = await page(headers);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.headers['x-placeorder-error-code']).toBe('0');
      expect(res.body.split('\n')[0]).toBe('errorCode=0');
      expect(res.body).toContain(`placeorder ${VERSION} (demo mode)`);
      expect(res.body).toContain(`every API user's password: ${DEMO_PASSWORD}`);
      expect(res.body).toMatch(/ {2}myresellerbrand\s+API user myresellerbrand-api; ordering page http:\/\/placeorder\.test:8080\/products\/!PlaceOrder\?ap=myresellerbrand&reseller=Y&product=9600%2C9974\n/);
      expect(res.body).toContain(`curl --location 'http://${HOST}/products/!PlaceOrder' \\`);
      expect(res.body).toContain(`  http://${HOST}/products/!PlaceOrder?${SPEC_URL_QUERY}\n`);
      expect(res.body).toContain(`customer portal   http://${HOST}/account`);
      expect(res.body).toContain('top one up: npx placeorder funds credit --ap resellerbrand --amount 500.00\n');
    }
  });

  it('builds links from a sane Host only: anything else becomes localhost, and nothing becomes markup', async () => {
    const res = await page({ accept: BROWSER, host: 'evil.example"><script>alert(1)</script>' });
    expect(res.body).not.toContain('<script>');
    expect(res.body).not.toContain('evil.example');
    expect(res.body).toContain('href="http://localhost/products/!PlaceOrder?ap=resellerbrand&amp;reseller=Y&amp;product=9600%2C9974"');
  });
});

describe.each(DIALECTS)('start page, without demo mode (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect);
  });
  afterAll(() => t.close());

  it('names the service and links the console, the portal and the API docs; no data, no credentials', async () => {
    const html = await t.app.inject({ method: 'GET', url: '/', headers: { accept: BROWSER } });
    const text = await t.app.inject({ method: 'GET', url: '/' });
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.headers['x-placeorder-error-code']).toBe('0');
    for (const href of ['/console', '/account', '/openapi.json', '/docs/api/place-order.md', '/docs/api/reseller-endpoints.md']) {
      expect(html.body).toContain(`href="${href}"`);
    }
    expect(html.body).not.toContain('/docs/operations.md');
    expect(text.body.split('\n')[0]).toBe('errorCode=0');
    for (const body of [html.body, text.body]) {
      expect(body).toContain('The !PlaceOrder ordering system for Web products.');
      for (const secret of [DEMO_PASSWORD, 'resellerbrand', VERSION, 'SQLite', 'PostgreSQL', t.store.location, 'curl']) expect(body).not.toContain(secret);
    }
  });

  it('leaves every other path alone: unknown paths and the API answer url-encoded, HTML asked for or not', async () => {
    for (const headers of [{}, { accept: BROWSER }]) {
      const nope = await t.app.inject({ method: 'GET', url: '/nope', headers });
      expect(nope.statusCode).toBe(404);
      expect(nope.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
      expect(parseAnswer(nope.body)).toMatchObject({ errorCode: '-14', errorMessage: 'No endpoint at GET /nope' });
      const api = await t.app.inject({ method: 'GET', url: '/products/!PlaceOrder?ap=resellerbrand', headers });
      expect(api.body).toMatch(/^errorCode=-3&/);
    }
    const postRoot = await t.app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=b' });
    expect(parseAnswer(postRoot.body).errorCode).toBe('-14');
  });

  it('serves the listed docs as text, and nothing else under /docs/', async () => {
    const doc = await t.app.inject({ method: 'GET', url: '/docs/web.md' });
    expect(doc.statusCode).toBe(200);
    expect(doc.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(doc.headers['x-placeorder-error-code']).toBe('0');
    expect(doc.body).toBe(readFileSync(new URL('../../docs/web.md', import.meta.url), 'utf8'));
    for (const url of ['/docs/../package.json', '/docs/%2e%2e/package.json', '/docs/openapi.json', '/docs/nope.md', '/docs/']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(parseAnswer(res.body).errorCode, url).toBe('-14');
    }
  });
});
