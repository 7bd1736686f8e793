// The reseller endpoints' transport and sign-in rules, on each dialect: POST only (-17),
// parameter checks (-2, -3, -4) from the typed table, and one generic -16 for every kind of
// sign-in failure — unknown user, wrong password, locked, expired, IP not allowed, suspended —
// byte-identical, with lockout and password expiry driven by the manual clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/seed/demo.js';
import { createReseller } from '../../src/resellers/resellers.service.js';
import { DIALECTS } from '../helpers/dialects.js';
import { get, post, type TestApp } from '../helpers/app.js';
import { call, creds, lifecycleApp, placeOrder } from './support.js';

const GENERIC_16 =
  'errorCode=-16&errorMessage=Incorrect%20login%20details%2C%20account%20is%20locked%2C%20password%20has%20expired%20or%20your%20source%20IP%20is%20blocked.';

describe.each(DIALECTS)('reseller endpoints: transport and sign-in (%s)', (dialect) => {
  let t: TestApp;
  let order: string;
  const add = (ap: string, extra: { ipAllow?: string[] } = {}) =>
    createReseller(t.store, t.hasher, t.clock, { ap, login: `${ap}-api`, password: DEMO_PASSWORD, validated: true, redirectOrigins: [], ...extra });
  beforeAll(async () => {
    t = await lifecycleApp(dialect);
    order = String(await placeOrder(t.app));
  });
  afterAll(() => t.close());

  it('GET is -17 on every reseller endpoint, even with valid credentials, and nothing happens', async () => {
    for (const endpoint of ['AutoAuthorize', 'AutoReject', 'AutoRefund', 'GetOrderStatus']) {
      const res = await get(t.app, endpoint, { ...creds(), orderNumber: order });
      expect(res.status).toBe(200);
      expect(res.body).toBe('errorCode=-17&errorMessage=Request%20used%20GET%20rather%20than%20POST!');
    }
    const viaPercent = await t.app.inject({ method: 'GET', url: `/products/%21GetOrderStatus?orderNumber=${order}` });
    expect(viaPercent.body).toMatch(/^errorCode=-17&/);
    const status = await t.store.db.selectFrom('orders').select('status').where('id', '=', Number(order)).executeTakeFirstOrThrow();
    expect(status.status).toBe('pending_authorization');
  });

  it('parameters: unknown -2, missing -3, invalid -4 (table order), names case-insensitive, first occurrence wins', async () => {
    expect((await call(t.app, 'GetOrderStatus', { orderNumber: order, ap: 'resellerbrand' })).answer).toMatchObject({ errorCode: '-2', errorItem: 'ap' });
    expect((await post(t.app, 'GetOrderStatus', { orderNumber: order })).answer).toMatchObject({ errorCode: '-3', errorItem: 'loginName' });
    expect((await post(t.app, 'GetOrderStatus', { loginName: 'x', orderNumber: order })).answer).toMatchObject({ errorCode: '-3', errorItem: 'loginPassword' });
    expect((await call(t.app, 'GetOrderStatus', {})).answer).toMatchObject({ errorCode: '-3', errorItem: 'orderNumber' });
    for (const bad of ['abc', '0', '-5', '1.5', '12345678901234567890', '99999999999999999']) {
      expect((await call(t.app, 'GetOrderStatus', { orderNumber: bad })).answer, bad).toMatchObject({ errorCode: '-4', errorItem: 'orderNumber' });
    }
    expect((await call(t.app, 'AutoAuthorize', { orderNumber: order, test: 'maybe' })).answer).toMatchObject({ errorCode: '-4', errorItem: 'test' });
    expect((await call(t.app, 'GetOrderStatus', { orderNumber: order, responseFormat: '2' })).answer).toMatchObject({ errorCode: '-4', errorItem: 'responseFormat' });
    const mixedCase = await post(t.app, 'GetOrderStatus', [
      ['LOGINNAME', 'resellerbrand-api'],
      ['loginpassword', DEMO_PASSWORD],
      ['OrderNumber', order],
      ['orderNumber', '999999'],
    ]);
    expect(mixedCase.answer).toMatchObject({ errorCode: '0', orderNumber: order });
    const newline = await call(t.app, 'GetOrderStatus', { orderNumber: 'abc', responseFormat: '0' });
    expect(newline.body).toBe("-4\nThe value of the 'orderNumber' argument is invalid!\norderNumber\n");
  });

  it('a non-form body is -4 Content-Type', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/products/!GetOrderStatus', headers: { 'content-type': 'application/json' }, payload: '{}' });
    expect(res.body).toBe("errorCode=-4&errorMessage=The%20value%20of%20the%20'Content-Type'%20argument%20is%20invalid!&errorItem=Content-Type");
  });

  it('unknown user, wrong password, suspended reseller and a blocked source IP are the same -16, byte for byte', async () => {
    await add('blockedip', { ipAllow: ['10.0.0.0/8', '192.168.1.7'] });
    await add('allowedip', { ipAllow: ['10.0.0.0/8', '127.0.0.0/8', '::1'] });
    await add('suspendedbrand');
    await t.store.write((tx) => tx.updateTable('resellers').set({ suspended: 1 }).where('ap', '=', 'suspendedbrand').execute());
    const bodies = [
      (await call(t.app, 'GetOrderStatus', { orderNumber: order }, creds('nobody-api'))).body,
      (await call(t.app, 'GetOrderStatus', { orderNumber: order }, creds('resellerbrand-api', 'wrong-password'))).body,
      (await call(t.app, 'GetOrderStatus', { orderNumber: order }, creds('resellerbrand-api', DEMO_PASSWORD.toUpperCase()))).body,
      (await call(t.app, 'GetOrderStatus', { orderNumber: order }, creds('blockedip-api'))).body,
      (await call(t.app, 'GetOrderStatus', { orderNumber: order }, creds('suspendedbrand-api'))).body,
    ];
    for (const body of bodies) expect(body).toBe(GENERIC_16);
    // The allowlist admits its own addresses (inject comes from 127.0.0.1): -4, its order is not this reseller's.
    expect((await call(t.app, 'GetOrderStatus', { orderNumber: order }, creds('allowedip-api'))).answer).toMatchObject({ errorCode: '-4' });
  });

  it('lockout: 5 failures in a row lock the user for 15 minutes (right password included); then it signs in again', async () => {
    await add('lockbrand');
    const login = 'lockbrand-api';
    const wrong = () => call(t.app, 'GetOrderStatus', { orderNumber: order }, creds(login, 'wrong-password'));
    const right = () => call(t.app, 'GetOrderStatus', { orderNumber: order }, creds(login));
    for (let i = 0; i < 4; i++) expect((await wrong()).body).toBe(GENERIC_16);
    // A success resets the count: four more failures do not lock.
    expect((await right()).answer.errorCode).toBe('-4');
    for (let i = 0; i < 4; i++) await wrong();
    expect((await right()).answer.errorCode).toBe('-4');
    for (let i = 0; i < 5; i++) await wrong();
    const row = await t.store.db.selectFrom('login_throttle').select('locked_until').where('realm', '=', 'api-user').where('login_name', '=', login).executeTakeFirstOrThrow();
    expect(row.locked_until).toBe(new Date(t.clock.now().getTime() + 15 * 60_000).toISOString());
    expect((await right()).body).toBe(GENERIC_16);
    t.clock.set(new Date(t.clock.now().getTime() + 15 * 60_000 - 1000));
    expect((await right()).body).toBe(GENERIC_16);
    t.clock.set(new Date(t.clock.now().getTime() + 1000));
    expect((await right()).answer.errorCode).toBe('-4');
  });

  it('password expiry: the password set 365 days ago no longer signs in; a day earlier it did', async () => {
    const start = t.clock.now();
    await add('expirybrand');
    const login = creds('expirybrand-api');
    t.clock.set(new Date(start.getTime() + 364 * 86_400_000));
    expect((await call(t.app, 'GetOrderStatus', { orderNumber: order }, login)).answer.errorCode).toBe('-4');
    t.clock.set(new Date(start.getTime() + 365 * 86_400_000));
    expect((await call(t.app, 'GetOrderStatus', { orderNumber: order }, login)).body).toBe(GENERIC_16);
    t.clock.set(start);
  });

  it('the API user’s password never reaches the logs or the audit log', async () => {
    await call(t.app, 'AutoReject', { orderNumber: order });
    expect(t.logLines.join('')).not.toContain(DEMO_PASSWORD);
    const audit = await t.store.db.selectFrom('audit_log').select('params_json').where('kind', '=', 'reject').execute();
    expect(audit.length).toBeGreaterThan(0);
    for (const a of audit) expect(a.params_json).not.toContain(DEMO_PASSWORD);
  });
});

describe.each(DIALECTS)('reseller endpoints over plain HTTP (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await lifecycleApp(dialect, { allowHttp: false });
  });
  afterAll(() => t.close());

  it('-1 comes first, before -17 and before any sign-in', async () => {
    expect((await call(t.app, 'AutoAuthorize', { orderNumber: '1' })).body).toBe('errorCode=-1&errorMessage=Request%20was%20not%20made%20over%20HTTPS!');
    expect((await get(t.app, 'AutoAuthorize', { orderNumber: '1' })).answer.errorCode).toBe('-1');
  });
});
