// A newcomer's first visit to `npm start`, scripted: the start page, its ordering link, an order
// as a new customer with a login name and password (reseller=Y); the reseller console, signed in
// with the credentials the start page shows (read off the page); the order in the console's
// list, authorized there; and the customer portal, signed in with the customer's login, showing
// the licences. Each step is checked on what a person sees: headings, rows, status text.
//
// Setup: the demo reseller starts with no funds, and authorizing a reseller=Y order debits them,
// so the test tops it up first through the project's own service (creditFunds, what
// `placeorder funds credit` runs).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditFunds } from '../../src/funds/funds.service.js';
import { DIALECTS } from '../helpers/dialects.js';
import { browserRig, placeOrderAsNewCustomer, SIGN_IN, signInTo, type BrowserRig } from './browser.js';

const BRAND = 'reseller_brand_name';
const CUSTOMER = { email: 'newcomer@example.com', name: 'Nia Newcomer', login: 'nia', password: 'first-visit-password' } as const;

describe.each(DIALECTS)("a newcomer's first visit, in Chromium (%s)", (dialect) => {
  let rig: BrowserRig;
  let page: Page;
  /** What the start page shows for the brand's API user. */
  let apiUser = { login: '', password: '' };
  let orderNumber = 0;
  beforeAll(async () => {
    rig = await browserRig(dialect, { demo: true });
    await creditFunds(rig.t.store, rig.t.clock, BRAND, 100_000, 'opening balance', 'first-visit test');
    page = await rig.newPage();
  });
  afterAll(() => rig?.close());

  /** The start page's own navigation, as a person would use it to get anywhere. */
  async function fromStartPage(section: 'Reseller console' | 'Customer portal'): Promise<void> {
    await page.goto(`${rig.base}/`);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: section }).click();
  }

  it('the start page says it is the demo and shows each brand with its API user and password', async () => {
    await page.goto(`${rig.base}/`);
    await page.getByRole('heading', { name: 'placeorder', level: 1 }).waitFor();
    await expect(page.getByText('This server runs in demo mode').isVisible()).resolves.toBe(true);
    const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: BRAND, exact: true }) });
    const [brand, login, password] = await row.getByRole('cell').allTextContents();
    expect(brand).toBe(BRAND);
    apiUser = { login: login!, password: password! };
    expect(apiUser.login).not.toBe('');
    expect(apiUser.password).not.toBe('');
  });

  it('its ordering link opens an order page; a new customer with a login places an order for the reseller to confirm', async () => {
    const link = page.getByRole('link', { name: `Ordering page of ${BRAND}: Sectigo Web Monitor, 1 year / Web DNS Pro, 1 year` });
    await expect(link.getAttribute('href')).resolves.toContain('reseller=Y');
    await link.click();
    await page.getByRole('heading', { name: 'Place an order' }).waitFor();
    await expect(page.getByLabel('Sectigo Web Monitor, 1 year: USD 98.99').isChecked()).resolves.toBe(true);
    await expect(page.getByLabel('Web DNS Pro, 1 year: USD 48.99').isChecked()).resolves.toBe(true);
    orderNumber = await placeOrderAsNewCustomer(page, CUSTOMER);
    expect(orderNumber).toBeGreaterThan(0);
    await expect(page.getByRole('status').textContent()).resolves.toContain(
      'Total: USD 147.98. Your reseller will confirm it shortly; your licence starts once they have.',
    );
  });

  it('the customer portal shows the order as waiting for the reseller, and no licence yet', async () => {
    await fromStartPage('Customer portal');
    await signInTo(page, 'portal', CUSTOMER.login, CUSTOMER.password);
    await expect(page.getByText('You have no licences yet.').isVisible()).resolves.toBe(true);
    await page.getByRole('heading', { name: 'Orders not active yet' }).waitFor();
    await expect(page.getByRole('listitem').filter({ hasText: `Order ${orderNumber},` }).textContent()).resolves.toBe(
      `Order ${orderNumber}, USD 147.98: Awaiting your reseller’s authorization`,
    );
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: SIGN_IN.portal.heading }).waitFor();
  });

  it('the console, signed in with the credentials the start page shows, lists the order awaiting authorization', async () => {
    await fromStartPage('Reseller console');
    await signInTo(page, 'console', apiUser.login, apiUser.password);
    await expect(page.getByRole('region', { name: 'Balance' }).getByText('USD 1000.00').isVisible()).resolves.toBe(true);
    await page.getByRole('navigation').getByRole('link', { name: 'Orders', exact: true }).click();
    await page.getByRole('heading', { name: 'Orders', level: 1 }).waitFor();
    await expect(orderRow().getByRole('cell').allTextContents()).resolves.toEqual([
      String(orderNumber),
      expect.any(String),
      `${CUSTOMER.name}${CUSTOMER.email}`,
      'Sectigo Web Monitor, 1 year; Web DNS Pro, 1 year',
      'USD 147.98',
      'Awaiting your authorization',
    ]);
  });

  it('authorizes the order there: the funds are debited and the order is active', async () => {
    await orderRow().getByRole('link', { name: String(orderNumber), exact: true }).click();
    await page.getByRole('heading', { name: `Order ${orderNumber}` }).waitFor();
    await page.getByRole('link', { name: 'Authorize…' }).click();
    await page.getByRole('heading', { name: `Authorize order ${orderNumber}?` }).waitFor();
    await expect(page.getByText('Your funds will be debited by USD 147.98').isVisible()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Authorize order' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('USD 147.98 was debited');
    await page.getByRole('navigation').getByRole('link', { name: 'Orders', exact: true }).click();
    await expect(orderRow().getByRole('cell').last().textContent()).resolves.toBe('Active');
    await page.getByRole('navigation').getByRole('link', { name: 'Dashboard', exact: true }).click();
    await expect(page.getByRole('region', { name: 'Balance' }).getByText('USD 852.02').isVisible()).resolves.toBe(true);
  });

  it('the customer portal, signed in with the customer’s login, shows both licences active', async () => {
    await fromStartPage('Customer portal');
    await signInTo(page, 'portal', CUSTOMER.login, CUSTOMER.password);
    await expect(page.getByText(`Hello ${CUSTOMER.name}.`).isVisible()).resolves.toBe(true);
    const today = rig.t.clock.now().toISOString().slice(0, 10);
    for (const product of ['Sectigo Web Monitor, 1 year', 'Web DNS Pro, 1 year']) {
      const cells = await page.getByRole('row').filter({ has: page.getByRole('cell', { name: product, exact: true }) }).getByRole('cell').allTextContents();
      expect(cells.slice(0, 3)).toEqual([product, 'Active', today]);
      // The licence code is shown for the customer to use.
      expect(cells[4]).toMatch(/\S{8,}/);
    }
    await expect(page.getByRole('heading', { name: 'Orders not active yet' }).count()).resolves.toBe(0);
  });

  function orderRow() {
    return page.getByRole('row').filter({ has: page.getByRole('link', { name: String(orderNumber), exact: true }) });
  }
});
