// The client against the real server over HTTP (a socket, Node's fetch): every method's wire
// parameters, typed errors, and retries that reuse the Idempotency-Key so a lost answer never
// places a second order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/helpers/dialects.js';
import { testApp, type TestApp } from '../../../test/helpers/app.js';
import {
  InvalidEmailError,
  InvalidValueError,
  ItemMissingError,
  LoginFailedError,
  MissingArgumentError,
  NetworkError,
  PlaceOrderClient,
  PlaceOrderError,
  PlanNotFoundError,
  ProtocolError,
  placeOrderParams,
  UnknownError,
} from '../src/index.js';

describe('placeOrderParams', () => {
  it("builds the spec's parameters: items as N_PPP, N_visibility, N_MACAddress; Y/N for isReturningCustomer", () => {
    expect(
      placeOrderParams({
        ap: 'brand',
        reseller: 'Y',
        customer: { emailAddress: 'a@example.com', foreName: 'A', surName: 'B', loginName: 'l', loginPassword: 'p', isReturningCustomer: false },
        items: [{ ppp: 9974, macAddress: '00:11:22:33:44:55' }, { ppp: 9600, visibility: 0 }],
        offerCode: 'FREE_HP_UPGRADE',
      }),
    ).toEqual([
      ['ap', 'brand'],
      ['reseller', 'Y'],
      ['emailAddress', 'a@example.com'],
      ['foreName', 'A'],
      ['surName', 'B'],
      ['loginName', 'l'],
      ['loginPassword', 'p'],
      ['isReturningCustomer', 'N'],
      ['offerCode', 'FREE_HP_UPGRADE'],
      ['1_PPP', '9974'],
      ['1_MACAddress', '00:11:22:33:44:55'],
      ['2_PPP', '9600'],
      ['2_visibility', '0'],
    ]);
  });
});

describe.each(DIALECTS)('client against the real server (%s)', (dialect) => {
  let t: TestApp;
  let baseUrl: string;
  beforeAll(async () => {
    t = await testApp(dialect);
    baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => t.close());

  const orderCount = async () => Number((await t.store.db.selectFrom('orders').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('placeOrder places a guest order and answers the order number and total', async () => {
    const client = new PlaceOrderClient({ baseUrl });
    const placed = await client.placeOrder({
      ap: 'resellerbrand',
      reseller: 'Y',
      customer: { emailAddress: 'guest@example.com', name: 'Guest Person' },
      items: [{ ppp: 9974 }],
    });
    expect(placed.orderNumber).toMatch(/^[0-9]+$/);
    expect(placed).toMatchObject({ totalCost: '48.99', totalCents: 4899, currency: 'USD' });
    const row = await t.store.db.selectFrom('orders').selectAll().where('id', '=', Number(placed.orderNumber)).executeTakeFirstOrThrow();
    expect(row.status).toBe('pending_authorization');
  });

  it('placeOrder creates a customer account, and a wrong password for it is LoginFailedError (-16)', async () => {
    const client = new PlaceOrderClient({ baseUrl });
    const customer = { emailAddress: 'acct@example.com', foreName: 'Ann', surName: 'Lee', loginName: `ann-${dialect}`, loginPassword: 'right-password' };
    await client.placeOrder({ ap: 'resellerbrand', reseller: 'Y', customer: { ...customer, isReturningCustomer: false }, items: [{ ppp: 9974 }] });
    const error = await client
      .placeOrder({ ap: 'resellerbrand', reseller: 'Y', customer: { ...customer, loginPassword: 'wrong', isReturningCustomer: true }, items: [{ ppp: 9974 }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoginFailedError);
    expect(error).toBeInstanceOf(PlaceOrderError);
    expect(error).toMatchObject({ code: -16, item: undefined });
    expect((error as Error).message).toBe('Incorrect login details, account is locked, password has expired or your source IP is blocked.');
  });

  it.each([
    ['an unknown brand', { ap: 'no-such-brand' }, InvalidValueError, -4, 'ap'],
    ['a malformed email address', { emailAddress: 'not-an-email' }, InvalidEmailError, -70, 'emailAddress'],
    ['an unknown PPP', { ppp: 1234 }, PlanNotFoundError, -65, '1_PPP'],
    ['no name', { name: '' }, MissingArgumentError, -3, 'name'],
  ] as const)('%s is a typed error with code and item', async (_label, change, Cls, code, item) => {
    const client = new PlaceOrderClient({ baseUrl });
    const error = await client
      .placeOrder({
        ap: 'ap' in change ? change.ap : 'resellerbrand',
        reseller: 'Y',
        customer: { emailAddress: 'emailAddress' in change ? change.emailAddress : 'e@example.com', ...('name' in change ? {} : { name: 'Some One' }) },
        items: [{ ppp: 'ppp' in change ? change.ppp : 9974 }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Cls);
    expect(error).toMatchObject({ code, item });
  });

  it('no items at all is ItemMissingError (-39)', async () => {
    const client = new PlaceOrderClient({ baseUrl });
    const error = await client
      .placeOrder({ ap: 'resellerbrand', reseller: 'Y', customer: { emailAddress: 'e@example.com', name: 'N' }, items: [] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ItemMissingError);
  });

  it('sends an Idempotency-Key and, when the answer is lost, retries with the same key: one order only', async () => {
    const keys: string[] = [];
    let calls = 0;
    const lossy = async (input: string, init: RequestInit) => {
      keys.push(new Headers(init.headers).get('idempotency-key') ?? '');
      const res = await fetch(input, init);
      // The first answer is lost on the way back, after the server committed the order.
      if (++calls === 1) {
        await res.text();
        throw new TypeError('fetch failed');
      }
      return res;
    };
    const client = new PlaceOrderClient({ baseUrl, fetch: lossy, retryDelayMs: 1 });
    const before = await orderCount();
    const placed = await client.placeOrder({
      ap: 'resellerbrand',
      reseller: 'Y',
      customer: { emailAddress: 'retry@example.com', name: 'Retry Person' },
      items: [{ ppp: 9974 }],
    });
    expect(calls).toBe(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(await orderCount()).toBe(before + 1);
    expect(placed.orderNumber).toMatch(/^[0-9]+$/);
  });

  it('each call gets its own key', async () => {
    const keys: string[] = [];
    const spy = (input: string, init: RequestInit) => {
      keys.push(new Headers(init.headers).get('idempotency-key') ?? '');
      return fetch(input, init);
    };
    const client = new PlaceOrderClient({ baseUrl, fetch: spy });
    const order = { ap: 'resellerbrand', reseller: 'Y', customer: { emailAddress: 'k@example.com', name: 'K' }, items: [{ ppp: 9974 }] } as const;
    const a = await client.placeOrder(order);
    const b = await client.placeOrder(order);
    expect(keys).toHaveLength(2);
    expect(keys[0]).not.toBe(keys[1]);
    expect(a.orderNumber).not.toBe(b.orderNumber);
  });

  it('a server that cannot be reached is NetworkError after the configured attempts', async () => {
    let attempts = 0;
    const down = async () => {
      attempts++;
      throw new TypeError('fetch failed');
    };
    const client = new PlaceOrderClient({ baseUrl, fetch: down, retries: 2, retryDelayMs: 1 });
    const error = await client
      .placeOrder({ ap: 'resellerbrand', reseller: 'Y', customer: { emailAddress: 'e@example.com', name: 'N' }, items: [{ ppp: 9974 }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(attempts).toBe(3);
  });

  it('an answer without errorCode (a proxy page) is ProtocolError; a 502 is retried first', async () => {
    let attempts = 0;
    const proxy = async () => {
      attempts++;
      return attempts === 1 ? new Response('bad gateway', { status: 502 }) : new Response('<html>login portal</html>', { status: 200 });
    };
    const client = new PlaceOrderClient({ baseUrl, fetch: proxy, retryDelayMs: 1 });
    const error = await client
      .placeOrder({ ap: 'resellerbrand', reseller: 'Y', customer: { emailAddress: 'e@example.com', name: 'N' }, items: [{ ppp: 9974 }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(attempts).toBe(2);
  });

  it('an unknown path on the server answers an errorCode, which the client reports as UnknownError (-14)', async () => {
    const client = new PlaceOrderClient({ baseUrl: `${baseUrl}/not-here` });
    const error = await client
      .placeOrder({ ap: 'resellerbrand', reseller: 'Y', customer: { emailAddress: 'e@example.com', name: 'N' }, items: [{ ppp: 9974 }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownError);
    expect(error).toMatchObject({ code: -14 });
  });

  it('reseller methods refuse to run without the API user configured', async () => {
    const client = new PlaceOrderClient({ baseUrl });
    await expect(client.getOrderStatus({ orderNumber: 1 })).rejects.toThrow(/loginName and options.loginPassword/);
  });
});
