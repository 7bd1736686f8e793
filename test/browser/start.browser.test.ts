// The start page in a real browser, demo mode: readable on a phone, every control labelled, no
// policy violation; its ordering link opens the ordering page. Its copies of the spec's examples
// are followed in spec-examples.browser.test.ts, a newcomer's whole first visit in
// first-visit.browser.test.ts.
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
});
