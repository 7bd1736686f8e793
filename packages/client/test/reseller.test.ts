// The client's reseller methods against the real server over HTTP: the whole life of a
// reseller=Y order, and each error class these endpoints answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../src/seed/demo.js';
import { creditFunds } from '../../../src/funds/funds.service.js';
import { createReseller } from '../../../src/resellers/resellers.service.js';
import { DIALECTS } from '../../../test/helpers/dialects.js';
import { testApp, type TestApp } from '../../../test/helpers/app.js';
import {
  AlreadyRefundedError,
  InvalidValueError,
  LoginFailedError,
  NotEnoughCreditError,
  OrderClosedError,
  PermissionDeniedError,
  PlaceOrderClient,
} from '../src/index.js';

describe.each(DIALECTS)('client reseller methods against the real server (%s)', (dialect) => {
  let t: TestApp;
  let baseUrl: string;
  let shop: PlaceOrderClient;
  let reseller: PlaceOrderClient;
  beforeAll(async () => {
    t = await testApp(dialect);
    baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
    shop = new PlaceOrderClient({ baseUrl });
    reseller = new PlaceOrderClient({ baseUrl, loginName: 'resellerbrand-api', loginPassword: DEMO_PASSWORD });
  });
  afterAll(() => t.close());

  let n = 0;
  const place = async () =>
    (
      await shop.placeOrder({
        ap: 'resellerbrand',
        reseller: 'Y',
        customer: { emailAddress: `r${++n}-${dialect}@example.com`, name: 'Reseller Customer' },
        items: [{ ppp: 9974 }],
      })
    ).orderNumber;

  it('without funds, autoAuthorize is NotEnoughCreditError (-15)', async () => {
    const orderNumber = await place();
    await expect(reseller.autoAuthorize({ orderNumber })).rejects.toBeInstanceOf(NotEnoughCreditError);
  });

  it('autoAuthorize (test first), getOrderStatus, autoRefund: the whole life of an order', async () => {
    await creditFunds(t.store, t.clock, 'resellerbrand', 100_00, 'test top-up', 'test');
    const orderNumber = await place();
    const dry = await reseller.autoAuthorize({ orderNumber, test: true });
    expect(dry.fields).toMatchObject({ errorCode: '0', test: 'Y', status: 'pending_authorization' });
    expect((await reseller.getOrderStatus({ orderNumber })).status).toBe('pending_authorization');

    const auth = await reseller.autoAuthorize({ orderNumber });
    expect(auth.fields).toMatchObject({ errorCode: '0', status: 'active' });
    const status = await reseller.getOrderStatus({ orderNumber });
    expect(status).toMatchObject({ orderNumber, status: 'active', ap: 'resellerbrand', totalCost: '48.99', currency: 'USD' });
    expect(status.licenceCode).toBeTruthy();
    expect(status.items).toEqual([
      { itemNo: 1, ppp: 9974, price: '48.99', licenceCode: status.licenceCode, startDate: '2026-03-01', expiryDate: '2027-03-01' },
    ]);

    const refund = await reseller.autoRefund({ orderNumber, refundReasonCode: 2 });
    expect(refund.fields.status).toBe('refunded');
    await expect(reseller.autoRefund({ orderNumber, refundReasonCode: 2 })).rejects.toBeInstanceOf(AlreadyRefundedError);
    await expect(reseller.autoAuthorize({ orderNumber })).rejects.toBeInstanceOf(OrderClosedError);
  });

  it('autoReject rejects a pending order; authorizing it afterwards is OrderClosedError (-20)', async () => {
    const orderNumber = await place();
    expect((await reseller.autoReject({ orderNumber })).fields.status).toBe('rejected');
    const error = await reseller.autoAuthorize({ orderNumber }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrderClosedError);
    expect(error).toMatchObject({ code: -20, item: 'orderNumber' });
  });

  it('an unknown order is InvalidValueError on orderNumber; a wrong API password is LoginFailedError', async () => {
    await expect(reseller.getOrderStatus({ orderNumber: 999_999 })).rejects.toMatchObject({ constructor: InvalidValueError, code: -4, item: 'orderNumber' });
    const wrong = new PlaceOrderClient({ baseUrl, loginName: 'resellerbrand-api', loginPassword: 'not-the-password' });
    await expect(wrong.getOrderStatus({ orderNumber: 1 })).rejects.toBeInstanceOf(LoginFailedError);
  });
});

describe.each(DIALECTS)('client sandbox methods against the real server (%s)', (dialect) => {
  let t: TestApp;
  let sandbox: PlaceOrderClient;
  beforeAll(async () => {
    t = await testApp(dialect);
    await createReseller(t.store, t.hasher, t.clock, { ap: 'sbx', login: 'sbx-api', password: 'sandbox-password', validated: true, sandbox: true, redirectOrigins: [] });
    const baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
    sandbox = new PlaceOrderClient({ baseUrl, loginName: 'sbx-api', loginPassword: 'sandbox-password' });
  });
  afterAll(() => t.close());

  it('sandboxClock advances and resets; sandboxReset removes the orders', async () => {
    expect(await sandbox.sandboxClock({ advance: '2w' })).toEqual({ offsetSeconds: 14 * 86_400, now: '2026-03-15T12:00:00.000Z' });
    await sandbox.placeOrder({ ap: 'sbx', reseller: 'Y', customer: { emailAddress: 'c@example.com', name: 'C' }, items: [{ ppp: 9974 }] });
    expect(await sandbox.sandboxReset()).toEqual({ ordersRemoved: 1 });
    expect((await sandbox.sandboxClock()).offsetSeconds).toBe(0);
  });

  it("a live reseller's API user gets PermissionDeniedError", async () => {
    const live = new PlaceOrderClient({ baseUrl: `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`, loginName: 'resellerbrand-api', loginPassword: DEMO_PASSWORD });
    await expect(live.sandboxReset()).rejects.toBeInstanceOf(PermissionDeniedError);
  });
});
