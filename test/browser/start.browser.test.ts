// The start page in a real browser, demo mode: readable on a phone, every control labelled, no
// policy violation; its ordering link opens the ordering page, and its live copy of the spec's
// form places an order (the CSP lets it post to this server).
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/dialects.js';
import { browserRig, checkPage, type BrowserRig } from './browser.js';

describe.each(DIALECTS)('start page in Chromium (%s)', (dialect) => {
  let rig: BrowserRig;
  beforeAll(async () => {
    rig = await browserRig(dialect, { demo: true });
  });
  afterAll(() => rig?.close());

  it('shows the demo on a phone, and its ordering link opens the ordering page', async () => {
    const page = await rig.newPage({ width: 390, height: 844 });
    await page.goto(`${rig.base}/`);
    await expect(page.getByRole('heading', { name: 'Demo resellers' }).isVisible()).resolves.toBe(true);
    await expect(checkPage(page, 390)).resolves.toEqual({ unlabelled: [], overflowPx: 0 });
    await screenshot(page);
    await page.getByRole('link', { name: /^Ordering page of resellerbrand:/ }).click();
    await expect(page.getByRole('heading', { name: 'Place an order' }).isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('Web DNS Pro, 1 year: USD 48.99').isChecked()).resolves.toBe(true);
    expect(rig.consoleMessages.filter((m) => /Content Security Policy|error/i.test(m))).toEqual([]);
  });

  /**
   * docs/screenshots/start-page.png shows the page as the server renders it for a browser that
   * reached it at 127.0.0.1:8080 (npm start), not at this test's random port, so that the
   * URLs read as in the docs and the file changes only when the page does. Only the database's
   * temporary location is masked.
   */
  async function screenshot(page: Page): Promise<void> {
    await page.route(`${rig.base}/`, async (route) => {
      const res = await rig.t.app.inject({ method: 'GET', url: '/', headers: { host: '127.0.0.1:8080', accept: 'text/html' } });
      await route.fulfill({ status: res.statusCode, headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)])), body: res.body });
    });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${rig.base}/`);
    await expect(page.locator('textarea#curl-sample').inputValue()).resolves.toContain("curl --location 'http://127.0.0.1:8080/products/!PlaceOrder'");
    await rig.screenshot(page, 'start-page', [page.locator('dl.facts dd').nth(1)]);
    await page.unroute(`${rig.base}/`);
    await page.goto(`${rig.base}/`);
  }

  it("places an order with the live copy of the spec's form", async () => {
    const page = await rig.newPage();
    await page.goto(`${rig.base}/`);
    const brand = page.getByRole('region', { name: 'resellerbrand', exact: true });
    await brand.getByText('Try the form here').click();
    await brand.getByLabel('Email Address:', { exact: true }).fill('live-form@example.com');
    await brand.getByLabel('Name:', { exact: true }).fill('Live Form');
    // Without a successURL the browser receives the API's url-encoded answer, which Chromium
    // saves as a file.
    const [download] = await Promise.all([page.waitForEvent('download'), brand.getByRole('button', { name: 'Place Order' }).click()]);
    const answer = await readFile((await download.path())!, 'utf8');
    expect(answer).toMatch(/^errorCode=0&orderNumber=[0-9]+&totalCost=48\.99&currency=USD$/);
    const order = await rig.t.store.db.selectFrom('orders').select(['status', 'total_cents']).where('email_address', '=', 'live-form@example.com').executeTakeFirstOrThrow();
    expect(order).toEqual({ status: 'pending_authorization', total_cents: 4899 });
    expect(rig.consoleMessages.filter((m) => /Content Security Policy|error/i.test(m))).toEqual([]);
  });
});
