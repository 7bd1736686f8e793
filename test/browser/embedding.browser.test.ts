// A reseller's own website embeds the ordering page in an iframe. Chromium shows it when the
// site's origin is registered, refuses it otherwise, and the order can be placed inside it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRedirectOrigins, resellerIdByAp } from '../../src/resellers/resellers.repository.js';
import { DIALECTS } from '../helpers/dialects.js';
import { browserRig, type BrowserRig } from './browser.js';

describe.each(DIALECTS)('ordering page in an iframe, in Chromium (%s)', (dialect) => {
  let rig: BrowserRig;
  let shop: Server;
  let shopOrigin = '';
  beforeAll(async () => {
    rig = await browserRig(dialect);
    // The reseller's shop: another origin (another port) with one page that frames the ordering URL.
    shop = createServer((req, res) => {
      const ap = new URL(req.url ?? '/', 'http://x').searchParams.get('ap') ?? '';
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><title>Shop</title><h1>Our shop</h1><iframe title="Order form" width="600" height="900" src="${rig.base}/products/!PlaceOrder?ap=${encodeURIComponent(ap)}&product=9974"></iframe>`);
    });
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    shopOrigin = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
    const id = (await resellerIdByAp(rig.t.store.db, 'resellerbrand'))!;
    await rig.t.store.write((tx) => insertRedirectOrigins(tx, id, [shopOrigin]));
  });
  afterAll(async () => {
    await rig?.close();
    shop?.closeAllConnections();
    await new Promise((resolve) => shop?.close(resolve));
  });

  it('shows the page inside a registered origin and places the order there', async () => {
    const page = await rig.newPage();
    await page.goto(`${shopOrigin}/?ap=resellerbrand`);
    const frame = page.frameLocator('iframe[title="Order form"]');
    await frame.getByRole('heading', { name: 'Place an order' }).waitFor();
    await rig.screenshot(page, 'ordering-embedded');
    await frame.getByLabel('Email address').fill('framed@example.com');
    await frame.getByLabel('Full name').fill('Framed Customer');
    await frame.getByRole('button', { name: 'Place order' }).click();
    await frame.getByRole('heading', { name: 'Order placed' }).waitFor();
    const orders = await rig.t.store.db.selectFrom('orders').select('id').where('email_key', '=', 'framed@example.com').execute();
    expect(orders).toHaveLength(1);
  });

  it('refuses to be framed by a site the reseller did not register', async () => {
    const page = await rig.newPage();
    const refused = page.waitForEvent('console', { predicate: (m) => /frame-ancestors/.test(m.text()), timeout: 8_000 });
    // myresellerbrand registered only http://www.mydomain.com.
    await page.goto(`${shopOrigin}/?ap=myresellerbrand`);
    await refused;
    await expect(page.frameLocator('iframe[title="Order form"]').getByRole('heading', { name: 'Place an order' }).count()).resolves.toBe(0);
  });
});
