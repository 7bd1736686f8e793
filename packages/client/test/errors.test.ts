// Every error class of the client, produced by the real server: a sandbox reseller forces each
// errorCode on demand (force-N@ / later-N@sandbox.placeorder.test), the client must throw the
// class generated for that code, carrying code, message and item.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorMessage } from '../../../src/errors.js';
import { createReseller } from '../../../src/resellers/resellers.service.js';
import { FORCED_ERRORS, forcingAddress } from '../../../src/sandbox/forced-errors.js';
import { DIALECTS } from '../../../test/helpers/dialects.js';
import { testApp, type TestApp } from '../../../test/helpers/app.js';
import { ERROR_CLASSES, ERROR_CODES, PlaceOrderClient, PlaceOrderError, type ErrorCode } from '../src/index.js';

describe.each(DIALECTS)('every client error class from the real server (%s)', (dialect) => {
  let t: TestApp;
  let shop: PlaceOrderClient;
  let reseller: PlaceOrderClient;
  beforeAll(async () => {
    t = await testApp(dialect);
    await createReseller(t.store, t.hasher, t.clock, {
      ap: 'sandboxbrand',
      login: 'sandboxbrand-api',
      password: 'sandbox-password',
      validated: true,
      sandbox: true,
      redirectOrigins: [],
    });
    const baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
    shop = new PlaceOrderClient({ baseUrl, retryDelayMs: 1 });
    reseller = new PlaceOrderClient({ baseUrl, loginName: 'sandboxbrand-api', loginPassword: 'sandbox-password' });
  });
  afterAll(() => t.close());

  it('there is one class per catalog code', () => {
    expect(Object.keys(ERROR_CLASSES).map(Number).sort()).toEqual(Object.values(ERROR_CODES).sort());
    expect(FORCED_ERRORS.map((e) => e.def.code).sort()).toEqual(Object.values(ERROR_CODES).sort());
  });

  it.each(FORCED_ERRORS.map((e) => [e.def.code, e] as const))('errorCode %i becomes its own class', async (code, forced) => {
    const order = {
      ap: 'sandboxbrand',
      reseller: 'Y',
      customer: { emailAddress: forcingAddress(code), name: 'Sandbox Customer' },
      items: [{ ppp: 9974 }],
    } as const;
    let error: unknown;
    if (forced.on === 'PlaceOrder') {
      error = await shop.placeOrder(order).catch((e: unknown) => e);
    } else {
      const { orderNumber } = await shop.placeOrder(order);
      error = await reseller.autoAuthorize({ orderNumber }).catch((e: unknown) => e);
    }
    const Cls = ERROR_CLASSES[code as ErrorCode];
    expect(error).toBeInstanceOf(Cls);
    expect(error).toBeInstanceOf(PlaceOrderError);
    const e = error as PlaceOrderError;
    expect(e.code).toBe(code);
    expect(e.item).toBe(forced.item);
    if (code !== -56) expect(e.message).toBe(errorMessage(forced.def, forced.item));
    expect(e.name).toBe(Cls.name);
  });
});
