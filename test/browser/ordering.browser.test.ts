// The ordering page in a real browser: a person opens the reseller's ordering URL, fills in
// the form by its labels and places the order; mistakes come back beside the field at fault.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/dialects.js';
import { browserRig, checkPage, placeOrderAsNewCustomer, type BrowserRig } from './browser.js';

describe.each(DIALECTS)('ordering page in Chromium (%s)', (dialect) => {
  let rig: BrowserRig;
  beforeAll(async () => {
    rig = await browserRig(dialect);
  });
  afterAll(() => rig?.close());

  const url = () => `${rig.base}/products/!PlaceOrder?ap=resellerbrand&product=9600,9974`;

  it('places an order from an ordering URL as a new customer', async () => {
    const page = await rig.newPage({ width: 390, height: 844 });
    await page.goto(url());
    await expect(page.getByRole('heading', { name: 'Place an order' }).isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('Sectigo Web Monitor, 1 year: USD 98.99').isChecked()).resolves.toBe(true);
    await rig.screenshot(page, 'ordering-page');
    await expect(checkPage(page, 390)).resolves.toEqual({ unlabelled: [], overflowPx: 0 });
    await page.getByLabel('Sectigo Web Monitor, 1 year').uncheck();
    const orderNumber = await placeOrderAsNewCustomer(page, { email: 'ada@example.com', name: 'Ada Lovelace', login: 'ada', password: 'correct horse battery' });
    expect(orderNumber).toBeGreaterThan(0);
    await rig.screenshot(page, 'ordering-success');
    const order = await rig.t.store.db.selectFrom('orders').selectAll().where('id', '=', orderNumber).executeTakeFirstOrThrow();
    expect(order).toMatchObject({ status: 'pending_authorization', total_cents: 4899, email_address: 'ada@example.com' });
    expect(rig.consoleMessages.filter((m) => /Content Security Policy|error/i.test(m))).toEqual([]);
  });

  it('shows -70 beside the email field and keeps the other values', async () => {
    const page = await rig.newPage({ width: 390, height: 844 });
    await page.goto(url());
    await page.getByLabel('Email address').fill('not-an-email');
    await page.getByLabel('Full name').fill('Grace Hopper');
    await page.getByLabel('Organisation').fill('Navy');
    await page.getByLabel('Town or city').fill('Arlington');
    await page.getByRole('button', { name: 'Place order' }).click();
    const email = page.getByLabel('Email address');
    await expect(email.getAttribute('aria-invalid')).resolves.toBe('true');
    // The message is what assistive technology reads with the field (aria-describedby).
    const described = (await email.getAttribute('aria-describedby'))!;
    const message = await page.locator(`[id="${described}"]`).textContent();
    expect(message).toBe('Error -70: Invalid Email Address!');
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Invalid Email Address!');
    await expect(email.inputValue()).resolves.toBe('not-an-email');
    await expect(page.getByLabel('Full name').inputValue()).resolves.toBe('Grace Hopper');
    await expect(page.getByLabel('Organisation').inputValue()).resolves.toBe('Navy');
    await expect(page.getByLabel('Town or city').inputValue()).resolves.toBe('Arlington');
    await rig.screenshot(page, 'ordering-error');
    await expect(checkPage(page, 390)).resolves.toEqual({ unlabelled: [], overflowPx: 0 });
  });

  it('shows the expired-session page with a fresh form that works', async () => {
    const page = await rig.newPage({ width: 390, height: 844 });
    await page.goto(url());
    await page.getByLabel('Email address').fill('late@example.com');
    await page.getByLabel('Full name').fill('Late Comer');
    rig.t.clock.set(new Date(rig.t.clock.now().getTime() + (rig.t.config.orderingSessionTtlSeconds + 1) * 1000));
    await page.getByRole('button', { name: 'Place order' }).click();
    await expect(page.getByRole('heading', { name: 'Error -97: Session is expired' }).isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('Full name').inputValue()).resolves.toBe('Late Comer');
    await rig.screenshot(page, 'ordering-expired');
    await page.getByRole('button', { name: 'Place order' }).click();
    await expect(page.getByRole('heading', { name: 'Order placed' }).isVisible()).resolves.toBe(true);
  });
});
