// The console's notifications page: the reseller's messages with a retry for failed ones, and
// the mail settings form (checked field by field, -4 for a refused value), over HTTP in-process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/seed/demo.js';
import { brandOf } from '../../src/notifications/brand.repository.js';
import { insertMessages } from '../../src/notifications/notifications.repository.js';
import { resellerIdByAp } from '../../src/resellers/resellers.repository.js';
import { DIALECTS } from '../helpers/dialects.js';
import { formBody, testApp, type TestApp } from '../helpers/app.js';

const csrfOf = (body: string) => /name="csrf" value="([^"]+)"/.exec(body)![1]!;
const cookieOf = (set: string | string[] | undefined, name: RegExp) =>
  [set ?? []].flat().map((c) => c.split(';')[0]!).find((c) => name.test(c.split('=')[0]!))!;

describe.each(DIALECTS)('console notifications page (%s)', (dialect) => {
  let t: TestApp;
  let cookie: string;
  let resellerId: number;
  const https = { 'x-forwarded-proto': 'https' };

  beforeAll(async () => {
    t = await testApp(dialect, { trustedProxies: ['127.0.0.1'] });
    resellerId = (await resellerIdByAp(t.store.db, 'resellerbrand'))!;
    const page = await t.app.inject({ method: 'GET', url: '/console/sign-in', headers: https });
    const res = await t.app.inject({
      method: 'POST',
      url: '/console/sign-in',
      headers: { ...https, 'content-type': 'application/x-www-form-urlencoded', cookie: cookieOf(page.headers['set-cookie'], /po_console_pre/), 'sec-fetch-site': 'same-origin' },
      payload: formBody({ csrf: csrfOf(page.body), loginName: 'resellerbrand-api', loginPassword: DEMO_PASSWORD }),
    });
    cookie = cookieOf(res.headers['set-cookie'], /po_console$/);
  });
  afterAll(() => t.close());

  const get = () => t.app.inject({ method: 'GET', url: '/console/notifications', headers: { ...https, cookie } });
  const postForm = async (url: string, fields: Record<string, string>) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { ...https, cookie, 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
      payload: formBody({ csrf: csrfOf((await get()).body), ...fields }),
    });

  it('saves the mail settings, and refuses a bad address with -4 naming the field', async () => {
    const page = await get();
    expect(page.headers['x-placeorder-error-code']).toBe('0');
    expect(page.body).toContain('Mail settings');
    expect(page.body).toContain('aria-current="page">Notifications</a>');
    const fields = { senderName: 'Brand Shop', replyTo: 'not an address', footer: 'Brand Shop Ltd', noticesTo: 'ops@shop.example', fundsThreshold: '250.00' };
    const refused = await postForm('/console/notifications/settings', fields);
    expect(refused.headers['x-placeorder-error-code']).toBe('-4');
    expect(refused.body).toContain('href="#f-replyTo"');
    const saved = await postForm('/console/notifications/settings', { ...fields, replyTo: 'help@shop.example' });
    expect(saved.statusCode).toBe(303);
    expect(await brandOf(t.store.db, resellerId)).toMatchObject({ mail_sender_name: 'Brand Shop', mail_reply_to: 'help@shop.example', mail_footer: 'Brand Shop Ltd', mail_notices_to: 'ops@shop.example', funds_threshold_cents: 25_000 });
  });

  it('lists the messages; a failed one can be retried', async () => {
    const at = t.clock.now().toISOString();
    await t.store.write((tx) => insertMessages(tx, [{ resellerId, kind: 'refund_done', subjectKey: 'order:77', recipient: 'bounced@example.com', facts: {}, at }]));
    await t.store.write((tx) => tx.updateTable('notification_messages').set({ state: 'failed', attempts: 1, last_error: '550 mailbox unavailable' }).where('subject_key', '=', 'order:77').execute());
    const page = await get();
    expect(page.body).toContain('bounced@example.com');
    expect(page.body).toContain('550 mailbox unavailable');
    const id = /name="id" value="([0-9]+)"/.exec(page.body)![1]!;
    expect((await postForm('/console/notifications/retry', { id })).statusCode).toBe(303);
    const row = await t.store.db.selectFrom('notification_messages').select(['state', 'attempts']).where('id', '=', Number(id)).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'pending', attempts: 0 });
    // Outside attack on issue 17: any id answered success. Now only a failed message of this
    // reseller is retried; anything else is -4 and changes nothing.
    for (const other of [id, '99999', 'abc', '-1', '']) {
      const refused = await postForm('/console/notifications/retry', { id: other });
      expect(refused.headers['x-placeorder-error-code'], other).toBe('-4');
      expect(refused.body).toContain('nothing will be sent again');
    }
  });

  it('refuses controls, bidirectional overrides and line separators in the sender name and footer, and encoded-words in addresses', async () => {
    const fields = { senderName: 'Brand Shop', replyTo: 'help@shop.example', footer: 'Line one\r\nLine two', noticesTo: 'ops@shop.example', fundsThreshold: '' };
    expect((await postForm('/console/notifications/settings', fields)).statusCode).toBe(303);
    const refusals: Array<[string, string]> = [
      ['senderName', 'Acme\u202egnp.exe'],
      ['senderName', 'Acme\u2028Shop'],
      ['footer', 'a\u001bc\u007fd\u0085e'],
      ['replyTo', '=?utf-8?q?a?=@x.com'],
      ['noticesTo', 'a..b@x.com'],
    ];
    for (const [name, value] of refusals) {
      const refused = await postForm('/console/notifications/settings', { ...fields, [name]: value });
      expect(refused.headers['x-placeorder-error-code'], `${name}=${JSON.stringify(value)}`).toBe('-4');
      expect(refused.body).toContain(`href="#f-${name}"`);
    }
    expect(await brandOf(t.store.db, resellerId)).toMatchObject({ mail_sender_name: 'Brand Shop', mail_footer: 'Line one\r\nLine two' });
  });

  it('refuses a NUL and a value longer than its field instead of storing it changed or cut; counts characters, not UTF-16 units (outside attack)', async () => {
    const fields = { senderName: 'Brand Shop', replyTo: 'help@shop.example', footer: 'Footer', noticesTo: 'ops@shop.example', fundsThreshold: '' };
    expect((await postForm('/console/notifications/settings', fields)).statusCode).toBe(303);
    const refusals: Array<[string, string]> = [
      ['senderName', 'a'.repeat(101)],
      ['senderName', 'x'.repeat(5000)],
      ['senderName', 'Acme\u0000Shop'],
      ['footer', 'f'.repeat(501)],
      ['footer', 'a\u0000b'],
      ['replyTo', `${'a'.repeat(250)}@x.com`],
    ];
    for (const [name, value] of refusals) {
      const refused = await postForm('/console/notifications/settings', { ...fields, [name]: value });
      expect(refused.headers['x-placeorder-error-code'], `${name}: ${value.length} units`).toBe('-4');
      expect(refused.body).toContain(`href="#f-${name}"`);
    }
    expect(await brandOf(t.store.db, resellerId)).toMatchObject({ mail_sender_name: 'Brand Shop', mail_footer: 'Footer' });
    // 100 characters of which 99 are outside the BMP (199 UTF-16 units): kept whole.
    const emoji = `a${'\u{1F600}'.repeat(99)}`;
    expect((await postForm('/console/notifications/settings', { ...fields, senderName: emoji })).statusCode).toBe(303);
    expect((await brandOf(t.store.db, resellerId))!.mail_sender_name).toBe(emoji);
  });
});
