// The console's order steps for a sandbox reseller: the console's reseller carries the sandbox
// flag into the lifecycle (issue 18), so authorizing with no funds succeeds and writes no ledger
// entry, as through the API (test/sandbox/sandbox.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/dialects.js';
import { formBody, guestOrder, post, testApp, type TestApp } from '../helpers/app.js';
import { createSandboxReseller } from '../sandbox/support.js';

const SANDBOX = 'console-sandbox';
const LOGIN = { loginName: 'console-sandbox-api', loginPassword: 'sandbox-password-1' };

type Res = Awaited<ReturnType<TestApp['app']['inject']>>;

function cookieOf(res: Res, name: RegExp): string {
  const raw = res.headers['set-cookie'];
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const found = list.find((c) => name.test(c.split('=')[0] ?? ''));
  expect(found, `a ${name.source} cookie`).toBeDefined();
  return (found ?? '').split(';')[0] ?? '';
}

function csrfOf(body: string): string {
  return /name="csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
}

describe.each(DIALECTS)('console of a sandbox reseller (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect);
    await createSandboxReseller(t, SANDBOX, LOGIN);
  });
  afterAll(() => t.close());

  async function signIn(): Promise<string> {
    const page = await t.app.inject({ method: 'GET', url: '/console/sign-in' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/console/sign-in',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieOf(page, /po_console_pre$/), 'sec-fetch-site': 'same-origin' },
      payload: formBody({ csrf: csrfOf(page.body), ...LOGIN }),
    });
    return cookieOf(res, /po_console$/);
  }

  it('authorizes an order with no funds and writes no ledger entry', async () => {
    const placed = await post(t.app, 'PlaceOrder', guestOrder({ ap: SANDBOX, emailAddress: 'console-sandbox@example.com' }));
    const n = placed.answer.orderNumber;
    const cookie = await signIn();
    const page = await t.app.inject({ method: 'GET', url: `/console/orders/${n}/authorize`, headers: { cookie } });
    const res = await t.app.inject({
      method: 'POST',
      url: `/console/orders/${n}/authorize`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, 'sec-fetch-site': 'same-origin' },
      payload: formBody({ csrf: csrfOf(page.body) }),
    });
    expect(res.headers.location).toBe(`/console/orders/${n}?done=authorize`);
    const order = await t.store.db.selectFrom('orders').select('status').where('id', '=', Number(n)).executeTakeFirstOrThrow();
    expect(order.status).toBe('active');
    const ledger = await t.store.db.selectFrom('ledger_transactions').select('id').where('order_id', '=', Number(n)).execute();
    expect(ledger).toEqual([]);
  });
});
