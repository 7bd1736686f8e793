// The spec's three examples from a browser, as a person trying the demo meets them on the start
// page: the HTML form (its successURL/errorURL on www.mydomain.com) on a brand that has not
// registered that origin — a page with the outcome and a labelled link, no redirect — and on
// myresellerbrand, which has — a redirect to its success page; the URL example; and an order
// from an ordering link. www.mydomain.com is intercepted (page.route) and answered with a stub:
// nothing leaves this machine, and any other host is refused and recorded.
import { readFile } from 'node:fs/promises';
import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPEC_FORM_REDIRECTS, SPEC_URL_QUERY } from '../../src/web/start/spec-samples.js';
import { DIALECTS } from '../helpers/dialects.js';
import { browserRig, checkPage, placeOrderAsNewCustomer, type BrowserRig } from './browser.js';

const SHOP = SPEC_FORM_REDIRECTS.origin;
const ANSWER = /^errorCode=0&orderNumber=([0-9]+)&totalCost=48\.99&currency=USD$/;

/** What the stub of the reseller's page shows: the address it was reached at, and the answer's fields. */
function shopStub(url: URL): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const rows = [...url.searchParams].map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${esc(v)}</td></tr>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(url.pathname)} (stub)</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;margin:1rem;color:#1b1f23}th,td{text-align:left;padding:.25rem 1rem .25rem 0}caption{text-align:left;font-weight:600}code{overflow-wrap:anywhere}.hint{color:#555}</style></head>
<body><h1>The reseller’s page: ${esc(url.host)}${esc(url.pathname)}</h1>
<p class="hint">A stand-in served by the browser test (page.route), so that nothing leaves this machine.</p>
<p>Reached at <code>${esc(url.href)}</code></p>
<table><caption>What the redirect brought</caption>${rows}</table></body></html>`;
}

describe.each(DIALECTS)("the spec's examples from the start page, in Chromium (%s)", (dialect) => {
  let rig: BrowserRig;
  /** Every page the browser opened on the reseller's site, www.mydomain.com. */
  const shopVisits: string[] = [];
  /** Every request to any other host but this server (refused). */
  const elsewhere: string[] = [];
  beforeAll(async () => {
    rig = await browserRig(dialect, { demo: true });
    await rig.context.route(
      (url) => url.origin !== rig.base && url.origin !== SHOP,
      (route: Route) => {
        elsewhere.push(route.request().url());
        return route.abort();
      },
    );
    await rig.context.route(`${SHOP}/**`, (route: Route) => {
      // Pages only: a favicon the browser might ask for is no visit.
      if (!route.request().isNavigationRequest()) return route.fulfill({ status: 404 });
      shopVisits.push(route.request().url());
      return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: shopStub(new URL(route.request().url())) });
    });
  });
  afterAll(() => rig?.close());

  /** Opens the start page, unfolds the brand's live copy of the spec's form and fills it in. */
  async function fillSpecForm(page: Page, ap: string, email: string): Promise<void> {
    await page.goto(`${rig.base}/`);
    const brand = page.getByRole('region', { name: ap, exact: true });
    await brand.getByText('Try the form here').click();
    await brand.getByLabel('Email Address:', { exact: true }).fill(email);
    await brand.getByLabel('Name:', { exact: true }).fill('Web Customer');
    await brand.getByLabel('Company:', { exact: true }).fill('Example Ltd');
    await brand.getByRole('button', { name: 'Place Order' }).click();
  }

  it("the spec's form on a brand that has not registered www.mydomain.com: the outcome on a page, a labelled link, no redirect", async () => {
    const page = await rig.newPage({ width: 390, height: 844 });
    await page.goto(`${rig.base}/`);
    // The page says what will happen before the person tries it.
    await expect(page.getByRole('region', { name: 'resellerbrand', exact: true }).getByText(`${SHOP} is not registered for resellerbrand`).isVisible()).resolves.toBe(true);
    const answered = page.waitForResponse((r) => r.request().method() === 'POST');
    await fillSpecForm(page, 'resellerbrand', 'unregistered@example.com');
    const response = await answered;
    await page.getByRole('heading', { name: 'Your order was placed' }).waitFor();

    // The browser stayed on this server: nothing was sent to www.mydomain.com.
    expect(shopVisits).toEqual([]);
    expect(page.url()).toBe(`${rig.base}/products/!PlaceOrder`);
    // A page, not a redirect of any kind: no Location, no Refresh, no <meta http-equiv>.
    expect(response.status()).toBe(200);
    expect(response.headers()).not.toHaveProperty('location');
    expect(response.headers()).not.toHaveProperty('refresh');
    await expect(page.locator('meta[http-equiv]').count()).resolves.toBe(0);
    expect(response.headers()['x-placeorder-error-code']).toBe('0');
    await expect(page.locator('meta[name="placeorder-error-code"]').getAttribute('content')).resolves.toBe('0');

    const outcome = page.getByRole('table', { name: 'The answer' });
    const orderNumber = Number(await outcome.getByRole('row', { name: /^orderNumber/ }).getByRole('cell').textContent());
    expect(orderNumber).toBeGreaterThan(0);
    await expect(outcome.getByRole('row').allTextContents()).resolves.toEqual(['errorCode0', `orderNumber${orderNumber}`, 'totalCost48.99', 'currencyUSD']);
    const link = page.getByRole('link', { name: `Continue to ${SHOP}`, exact: true });
    const href = `${SHOP}/success_page.html?errorCode=0&orderNumber=${orderNumber}&totalCost=48.99&currency=USD`;
    await expect(link.getAttribute('href')).resolves.toBe(href);
    await expect(page.getByText('That address is not registered for resellerbrand, so you are not sent there automatically.').isVisible()).resolves.toBe(true);
    await expect(checkPage(page, 390)).resolves.toEqual({ unlabelled: [], overflowPx: 0 });
    await rig.screenshot(page, 'redirect-unregistered');

    const order = await rig.t.store.db.selectFrom('orders').select(['status', 'total_cents', 'email_address']).where('id', '=', orderNumber).executeTakeFirstOrThrow();
    expect(order).toEqual({ status: 'pending_authorization', total_cents: 4899, email_address: 'unregistered@example.com' });

    // Only when the person follows the link does the browser go there, with the answer's fields.
    await link.click();
    await page.getByRole('heading', { name: `The reseller’s page: www.mydomain.com/success_page.html` }).waitFor();
    expect(shopVisits).toEqual([href]);
  });

  it("the spec's form on myresellerbrand, which registered www.mydomain.com: redirected to its success page", async () => {
    shopVisits.length = 0;
    const page = await rig.newPage({ width: 390, height: 844 });
    await fillSpecForm(page, 'myresellerbrand', 'registered@example.com');
    await page.getByRole('heading', { name: `The reseller’s page: www.mydomain.com/success_page.html` }).waitFor();
    const landed = new URL(page.url());
    expect(`${landed.origin}${landed.pathname}`).toBe(SPEC_FORM_REDIRECTS.successURL);
    expect(landed.search.slice(1)).toMatch(ANSWER);
    expect(shopVisits).toEqual([page.url()]);
    const received = page.getByRole('table', { name: 'What the redirect brought' });
    await expect(received.getByRole('row', { name: /^errorCode/ }).getByRole('cell').textContent()).resolves.toBe('0');
    await rig.screenshot(page, 'redirect-registered');
    const orderNumber = Number(landed.searchParams.get('orderNumber'));
    const order = await rig.t.store.db.selectFrom('orders').select(['status', 'email_address']).where('id', '=', orderNumber).executeTakeFirstOrThrow();
    expect(order).toEqual({ status: 'pending_authorization', email_address: 'registered@example.com' });
  });

  it("follows the spec's URL example: the API's answer, and the first of the two names is stored", async () => {
    const page = await rig.newPage();
    await page.goto(`${rig.base}/`);
    await expect(page.getByLabel('The URL', { exact: true }).inputValue()).resolves.toBe(`${rig.base}/products/!PlaceOrder?${SPEC_URL_QUERY}`);
    // The answer is url-encoded text, not a page: Chromium saves it as a file.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Open the spec’s URL example' }).click()]);
    const answer = await readFile((await download.path())!, 'utf8');
    const orderNumber = Number(ANSWER.exec(answer)?.[1]);
    expect(orderNumber).toBeGreaterThan(0);
    const order = await rig.t.store.db.selectFrom('orders').select(['status', 'contact_json']).where('id', '=', orderNumber).executeTakeFirstOrThrow();
    expect(order.status).toBe('pending_authorization');
    expect(JSON.parse(order.contact_json)).toMatchObject({ name: 'Fred Bloggs' });
  });

  it('places an order from an ordering link', async () => {
    const page = await rig.newPage({ width: 390, height: 844 });
    await page.goto(`${rig.base}/`);
    await page.getByRole('link', { name: /^Ordering page of reseller_brand_name:/ }).click();
    await page.getByRole('heading', { name: 'Place an order' }).waitFor();
    const orderNumber = await placeOrderAsNewCustomer(page, { email: 'linked@example.com', name: 'Linked Customer' });
    await expect(page.getByRole('status').textContent()).resolves.toContain('Total: USD 147.98. Your reseller will confirm it shortly');
    const order = await rig.t.store.db.selectFrom('orders').select(['status', 'total_cents']).where('id', '=', orderNumber).executeTakeFirstOrThrow();
    expect(order).toEqual({ status: 'pending_authorization', total_cents: 14798 });
  });

  it('sent nothing to any other host, and broke no rule of the Content-Security-Policy', () => {
    expect(elsewhere).toEqual([]);
    expect(rig.consoleMessages.filter((m) => /Content Security Policy|Refused to|error/i.test(m))).toEqual([]);
  });
});
