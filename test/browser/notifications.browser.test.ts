// Every email's HTML part in Chromium, rendered from fixed facts (so an unchanged template gives
// an unchanged picture): docs/screenshots/mail-<kind>.png, shown in docs/notifications.md. Each
// must show its facts, fit a phone's width, and run nothing (no console messages).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageKind } from '../../src/notifications/notifications.table.js';
import { renderMessage } from '../../src/mail/templates.js';
import { DIALECTS } from '../helpers/dialects.js';
import { browserRig, type BrowserRig } from './browser.js';

const LICENCE = { code: 'K7QF-2M9X-PL4T-W8RC', ppp: 9974, expiresAt: '2027-03-01T12:00:00.000Z' };
const SAMPLES: ReadonlyArray<readonly [MessageKind, object, string]> = [
  ['order_received', { orderNumber: 1042, name: 'Ada Lovelace', resellerPays: false, status: 'awaiting_payment', totalCents: 4899, currency: 'USD', items: [{ ppp: 9974, priceCents: 4899 }] }, 'awaiting payment'],
  ['licence_issued', { orderNumber: 1042, name: 'Ada Lovelace', licences: [LICENCE] }, LICENCE.code],
  ['reminder_30', { orderNumber: 1042, name: 'Ada Lovelace', days: 30, ap: 'resellerbrand', ...LICENCE }, 'expires in 30 days'],
  ['reminder_7', { orderNumber: 1042, name: 'Ada Lovelace', days: 7, ap: 'resellerbrand', ...LICENCE }, 'expires in 7 days'],
  ['reminder_1', { orderNumber: 1042, name: 'Ada Lovelace', days: 1, ap: 'resellerbrand', ...LICENCE }, 'expires tomorrow'],
  ['reminder_0', { orderNumber: 1042, name: 'Ada Lovelace', days: 0, ap: 'resellerbrand', ...LICENCE }, 'has expired'],
  ['refund_done', { orderNumber: 1042, name: 'Ada Lovelace', totalCents: 4899, currency: 'USD' }, 'has been refunded'],
  ['funds_low', { balanceCents: 8_050, thresholdCents: 10_000, currency: 'USD', orderNumber: 1043 }, 'below the threshold'],
  ['digest', { day: '2026-03-02', count: 2, orders: [{ orderNumber: 1044, createdAt: '2026-03-01T09:00:00.000Z', totalCents: 4899, currency: 'USD' }, { orderNumber: 1045, createdAt: '2026-03-01T10:30:00.000Z', totalCents: 9798, currency: 'USD' }] }, 'Order 1045'],
  ['webhook_failing', { endpointId: 3, url: 'https://shop.example/placeorder-hooks', since: '2026-03-01T08:00:00.000Z', pending: 12 }, 'shop.example/placeorder-hooks'],
];

// Rendering only (no storage): one dialect's app serves as the browser's rig.
describe.each(DIALECTS.slice(0, 1))('emails in Chromium (%s)', (dialect) => {
  let rig: BrowserRig;
  beforeAll(async () => {
    rig = await browserRig(dialect);
  });
  afterAll(() => rig?.close());

  it.each(SAMPLES)('%s', async (kind, facts, shows) => {
    const rendered = renderMessage(kind, facts, {
      catalog: rig.t.catalog,
      publicUrl: 'https://orders.example',
      brandName: 'Brand Shop',
      ap: 'resellerbrand',
      footer: 'Brand Shop Ltd · 1 Main Street · help@shop.example',
      ...(kind.startsWith('reminder') ? { unsubscribeUrl: 'https://orders.example/notifications/unsubscribe?r=3&e=ada%40example.com&s=…' } : {}),
    });
    const page = await rig.newPage({ width: 640, height: 600 });
    await page.setContent(rendered.html);
    expect(await page.locator('body').innerText()).toContain(shows);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(640);
    await rig.screenshot(page, `mail-${kind}`);
    await page.close();
    expect(rig.consoleMessages).toEqual([]);
  });
});
