// The reseller console and the customer portal in a real browser, end to end: a customer
// orders from an ordering URL, the reseller signs in, authorizes the order and sees the
// balance drop by its price, exports the ledger; the customer signs in and sees the licence.
// A customer name that is an HTML script, placed through the API, shows as plain text.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/seed/demo.js';
import { creditFunds } from '../../src/funds/funds.service.js';
import { DIALECTS } from '../helpers/dialects.js';
import { post } from '../helpers/app.js';
import { browserRig, checkPage, placeOrderAsNewCustomer, SIGN_IN, signInTo, submitSignIn, type BrowserRig } from './browser.js';

const XSS = '<script>alert(1)</script>';
const ADA = { email: 'ada@example.com', name: 'Ada Lovelace', login: 'ada', password: 'analytical-engine' } as const;

describe.each(DIALECTS)('console and portal in Chromium (%s)', (dialect) => {
  let rig: BrowserRig;
  let orderNumber = 0;
  let xssOrder = 0;
  beforeAll(async () => {
    rig = await browserRig(dialect);
    await creditFunds(rig.t.store, rig.t.clock, 'resellerbrand', 50_000, 'opening balance', 'test');
  });
  afterAll(() => rig?.close());

  it('a new customer orders from an ordering URL; a script as a name is placed through the API', async () => {
    const page = await rig.newPage();
    await page.goto(`${rig.base}/products/!PlaceOrder?ap=resellerbrand&product=9974`);
    orderNumber = await placeOrderAsNewCustomer(page, ADA);
    expect(orderNumber).toBeGreaterThan(0);

    const res = await post(rig.t.app, 'PlaceOrder', {
      ap: 'resellerbrand',
      reseller: 'Y',
      emailAddress: 'probe@example.com',
      name: XSS,
      loginName: 'probe',
      loginPassword: 'probe-password',
      '1_PPP': '9974',
    });
    expect(res.answer.errorCode).toBe('0');
    xssOrder = Number(res.answer.orderNumber);
  });

  it('signs in to the console, authorizes the order and sees the balance drop by its price', async () => {
    const page = await rig.newPage();
    await page.goto(`${rig.base}/console`);
    await page.getByRole('heading', { name: SIGN_IN.console.heading }).waitFor();
    await rig.screenshot(page, 'console-sign-in');
    await expect(checkPage(page)).resolves.toEqual({ unlabelled: [], overflowPx: 0 });
    await submitSignIn(page, 'resellerbrand-api', 'wrong-password');
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Error -16');
    await signInTo(page, 'console', 'resellerbrand-api', DEMO_PASSWORD);
    const cookies = await rig.context.cookies(rig.base);
    const session = cookies.find((c) => c.name === 'po_console')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await expect(page.locator('#balance').textContent()).resolves.toBe('USD 500.00');
    await rig.screenshot(page, 'console-dashboard');
    await expect(checkPage(page)).resolves.toEqual({ unlabelled: [], overflowPx: 0 });

    await page.getByRole('link', { name: String(orderNumber), exact: true }).click();
    await page.getByRole('heading', { name: `Order ${orderNumber}` }).waitFor();
    await rig.screenshot(page, 'console-order', [page.locator('td code')]);
    await page.getByRole('link', { name: 'Authorize…' }).click();
    await page.getByRole('heading', { name: `Authorize order ${orderNumber}?` }).waitFor();
    await rig.screenshot(page, 'console-confirm');
    await expect(checkPage(page)).resolves.toEqual({ unlabelled: [], overflowPx: 0 });
    await page.getByRole('button', { name: 'Authorize order' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('USD 48.99 was debited');
    await expect(page.locator('#order-status').textContent()).resolves.toBe('Active');

    await page.getByRole('link', { name: 'Dashboard' }).click();
    await expect(page.locator('#balance').textContent()).resolves.toBe('USD 451.01');
  });

  it('shows the script-named customer as text in the console', async () => {
    const page = await rig.newPage();
    await page.goto(`${rig.base}/console/orders`);
    await page.getByRole('heading', { name: 'Orders' }).waitFor();
    await expect(page.getByText(XSS, { exact: true }).isVisible()).resolves.toBe(true);
    await rig.screenshot(page, 'console-orders');
    await expect(checkPage(page)).resolves.toEqual({ unlabelled: [], overflowPx: 0 });
    await page.goto(`${rig.base}/console/orders/${xssOrder}`);
    await expect(page.locator('.customer-name').textContent()).resolves.toBe(XSS);
    await expect(page.locator('script').count()).resolves.toBe(0);
    expect(rig.consoleMessages.filter((m) => m.startsWith('dialog'))).toEqual([]);
  });

  it('filters the orders list', async () => {
    const page = await rig.newPage();
    await page.goto(`${rig.base}/console/orders`);
    await page.getByLabel('Status').selectOption({ label: 'Active' });
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect(page.getByRole('link', { name: String(orderNumber), exact: true }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('link', { name: String(xssOrder), exact: true }).count()).resolves.toBe(0);
    await page.getByLabel('Status').selectOption({ label: 'Any status' });
    await page.getByLabel('Customer email').fill('PROBE@example.com');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect(page.getByRole('link', { name: String(xssOrder), exact: true }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('link', { name: String(orderNumber), exact: true }).count()).resolves.toBe(0);
  });

  it('exports the ledger as CSV with the running balance', async () => {
    const page = await rig.newPage();
    await page.goto(`${rig.base}/console`);
    await page.getByRole('link', { name: 'Funds ledger' }).click();
    await page.getByRole('heading', { name: 'Funds ledger' }).waitFor();
    await rig.screenshot(page, 'console-ledger');
    await expect(checkPage(page)).resolves.toEqual({ unlabelled: [], overflowPx: 0 });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split('\r\n');
    expect(csv[0]).toBe('entry,at,kind,order_number,amount,balance,currency,memo');
    expect(csv).toHaveLength(3);
    expect(csv[1]).toMatch(/,"top_up",,500\.00,500\.00,USD,"opening balance"$/);
    expect(csv[2]).toContain(`,"authorization",${orderNumber},-48.99,451.01,USD,`);
    expect(download.suggestedFilename()).toMatch(/^ledger-resellerbrand-\d{4}-\d{2}-\d{2}\.csv$/);
  });

  it('builds an ordering URL and shows the settings', async () => {
    const page = await rig.newPage();
    await page.goto(`${rig.base}/console/ordering-url`);
    await page.getByRole('group', { name: 'Web DNS Pro' }).getByLabel('1 year (PPP 9974)').check();
    await page.getByRole('button', { name: 'Build the URL' }).click();
    const url = await page.getByLabel('Ordering URL').inputValue();
    expect(url).toBe(`${rig.base}/products/!PlaceOrder?ap=resellerbrand&reseller=Y&product=9974`);
    await expect(page.getByLabel('HTML form').inputValue()).resolves.toContain('<input type="hidden" name="1_PPP" value="9974">');
    await rig.screenshot(page, 'console-ordering-url', [page.locator('textarea')]);
    await expect(checkPage(page)).resolves.toEqual({ unlabelled: [], overflowPx: 0 });
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Add an origin').fill('https://shop.example/');
    await page.getByRole('button', { name: 'Add origin' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toBe('The origin was added.');
    await expect(page.getByText('https://shop.example', { exact: true }).isVisible()).resolves.toBe(true);
    await rig.screenshot(page, 'console-settings');
    await expect(checkPage(page)).resolves.toEqual({ unlabelled: [], overflowPx: 0 });
  });

  it('signs in to the portal and sees the licence, with a renew link inside the window', async () => {
    const page = await rig.newPage({ width: 390, height: 844 });
    await page.goto(`${rig.base}/account`);
    await page.getByRole('heading', { name: SIGN_IN.portal.heading }).waitFor();
    await rig.screenshot(page, 'portal-sign-in');
    await expect(checkPage(page, 390)).resolves.toEqual({ unlabelled: [], overflowPx: 0 });
    await signInTo(page, 'portal', ADA.login, ADA.password);
    const licence = await rig.t.store.db.selectFrom('licences').selectAll().where('order_id', '=', orderNumber).executeTakeFirstOrThrow();
    const row = page.getByRole('row').filter({ hasText: licence.code });
    await expect(row.getByRole('cell').allTextContents()).resolves.toEqual([
      'Web DNS Pro, 1 year',
      'Active',
      licence.starts_at.slice(0, 10),
      licence.expires_at.slice(0, 10),
      licence.code,
      expect.stringMatching(/^From \d{4}-\d{2}-\d{2}$/),
    ]);
    await rig.screenshot(page, 'portal-licences', [page.locator('td code')]);
    await expect(checkPage(page, 390)).resolves.toEqual({ unlabelled: [], overflowPx: 0 });

    // 20 days before expiry the licence may be renewed: the link opens the ordering page for it.
    // (The portal session, two hours long, has ended by then: the customer signs in again.)
    rig.t.clock.set(new Date(Date.parse(licence.expires_at) - 20 * 86_400_000));
    await page.reload();
    await signInTo(page, 'portal', ADA.login, ADA.password);
    await page.getByRole('link', { name: 'Renew Web DNS Pro, 1 year' }).click();
    await page.getByRole('heading', { name: 'Place an order' }).waitFor();
    await expect(page.getByText(`This order renews licence ${licence.code}.`).isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('Login name').inputValue()).resolves.toBe(ADA.login);
    await expect(page.getByLabel('Returning customer').isChecked()).resolves.toBe(true);
    await page.getByLabel('Password').fill(ADA.password);
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.getByRole('heading', { name: 'Order placed' }).waitFor();
    const renewal = Number(await page.locator('#order-number').textContent());
    const stored = await rig.t.store.db.selectFrom('orders').select('renews_licence').where('id', '=', renewal).executeTakeFirstOrThrow();
    expect(stored.renews_licence).toBe(licence.code);
  });

  it('shows the script-named customer as text in the portal', async () => {
    const page = await rig.newPage();
    // The browser is still signed in as the previous customer: sign out first.
    await page.goto(`${rig.base}/account`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: SIGN_IN.portal.heading }).waitFor();
    await page.goto(`${rig.base}/account`);
    await signInTo(page, 'portal', 'probe', 'probe-password');
    await expect(page.locator('.customer-name').textContent()).resolves.toBe(XSS);
    await expect(page.locator('script').count()).resolves.toBe(0);
    expect(rig.consoleMessages.filter((m) => m.startsWith('dialog'))).toEqual([]);
  });

  it('broke no rule of the Content-Security-Policy on any page', () => {
    // Chromium reports every blocked inline style, script or frame on the page's console.
    expect(rig.consoleMessages.filter((m) => /Content Security Policy|Refused to/i.test(m))).toEqual([]);
  });
});
