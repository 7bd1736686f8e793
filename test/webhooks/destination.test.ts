// Where webhooks may go (issue 13, finding 10.3): no loopback, private, link-local, multicast…
// address at registration, nor at delivery for what the host name resolves to then, and the
// connection goes only to the address checked. Nothing here leaves the machine: receivers are
// on 127.0.0.1, other addresses are only ever refused, and name resolution is injected.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { resellerIdByAp } from '../../src/resellers/resellers.repository.js';
import { DestinationRefused, deliveryAddresses, isPublicAddress, type Resolver } from '../../src/webhooks/destination.js';
import { WebhookDispatcher } from '../../src/webhooks/dispatcher.js';
import { insertEndpoint } from '../../src/webhooks/webhooks.repository.js';
import { WebhookInputError, checkEndpointUrl, registerEndpoint } from '../../src/webhooks/webhooks.service.js';
import { cli } from '../cli/capture.js';
import { DIALECTS } from '../helpers/dialects.js';
import { guestOrder, post, testApp, type TestApp } from '../helpers/app.js';

const NOT_PUBLIC = [
  '0.0.0.0', '0.1.2.3', '10.0.0.1', '100.64.0.1', '100.127.255.254', '127.0.0.1', '127.255.255.255', '169.254.169.254',
  '172.16.0.1', '172.31.255.255', '192.0.0.8', '192.0.2.1', '192.168.1.1', '198.18.0.1', '198.51.100.7', '203.0.113.7',
  '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255',
  '::', '::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:169.254.169.254', '::ffff:10.0.0.1', '0:0:0:0:0:ffff:a00:1',
  '::127.0.0.1', '64:ff9b::a00:1', '64:ff9b::7f00:1', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'fec0::1', 'ff02::1', 'ff05::2',
  '100::1', '2001::1', '2001:db8::1', '2002:7f00:1::1', '3fff::1', '5f00::1',
  'localhost', '', 'not-an-address', '1.2.3', '0x7f000001',
];
const PUBLIC = ['1.1.1.1', '8.8.8.8', '93.184.216.34', '100.63.255.255', '100.128.0.1', '172.32.0.1', '::ffff:8.8.8.8', '64:ff9b::808:808', '2606:4700:4700::1111', '2a00:1450:4001::1'];

const REFUSED_URLS = [
  'http://169.254.169.254/latest/meta-data/',
  'https://169.254.169.254/',
  'https://10.0.0.1/hook',
  'https://0x7f000001/',
  'https://2130706433/',
  'https://0177.0.0.1/',
  'https://127.1/',
  'https://[::1]/',
  'https://[::ffff:127.0.0.1]/',
  'https://[::ffff:a9fe:a9fe]/',
  'https://[fe80::1]/',
  'https://[fd00::1]/',
  'https://localhost/',
  'https://LOCALHOST./',
  'https://api.localhost/',
  'https://0.0.0.0/',
  'https://100.64.0.1/',
  'https://224.0.0.1/',
  'https://192.168.0.10:8443/',
  'http://127.0.0.1:9000/hooks',
];

describe('webhook destinations', () => {
  it('only public unicast addresses are public, IPv4 inside IPv6 judged as IPv4', () => {
    for (const a of NOT_PUBLIC) expect(isPublicAddress(a), a).toBe(false);
    for (const a of PUBLIC) expect(isPublicAddress(a), a).toBe(true);
  });

  it('registration refuses URLs that name a non-public address or this machine, in any spelling', () => {
    for (const url of REFUSED_URLS) expect(() => checkEndpointUrl(url), url).toThrow(WebhookInputError);
    expect(() => checkEndpointUrl('https://10.0.0.1/hook')).toThrow(/must be on a public address: 10\.0\.0\.1 is not a public address/);
    // Names are checked when they are resolved, at each delivery.
    expect(checkEndpointUrl('https://hooks.example/in')).toBe('https://hooks.example/in');
    expect(checkEndpointUrl('https://93.184.216.34/in')).toBe('https://93.184.216.34/in');
    // PLACEORDER_WEBHOOK_ALLOW_PRIVATE: local development and tests.
    expect(checkEndpointUrl('http://127.0.0.1:9000/hooks', true)).toBe('http://127.0.0.1:9000/hooks');
    expect(checkEndpointUrl('https://10.0.0.1/hook', true)).toBe('https://10.0.0.1/hook');
  });

  it('at delivery, every address a name resolves to must be public; a literal is judged as it is', async () => {
    const url = new URL('https://hooks.example/in');
    const answering = (...list: string[]): Resolver => async () => list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    for (const list of [['10.0.0.1'], ['169.254.169.254'], ['100.64.0.1'], ['fd00::1'], ['::ffff:10.0.0.1'], ['93.184.216.34', '127.0.0.1'], ['2606:4700::1', 'fe80::1']]) {
      await expect(deliveryAddresses(url, answering(...list), false), list.join()).rejects.toThrow(DestinationRefused);
    }
    await expect(deliveryAddresses(url, answering(), false)).rejects.toThrow('hooks.example has no address');
    expect(await deliveryAddresses(url, answering('93.184.216.34', '2606:4700::1'), false)).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:4700::1', family: 6 },
    ]);
    expect(await deliveryAddresses(url, answering('10.0.0.1'), true)).toEqual([{ address: '10.0.0.1', family: 4 }]);
    const never: Resolver = () => Promise.reject(new Error('a literal address is not resolved'));
    await expect(deliveryAddresses(new URL('https://[::ffff:a9fe:a9fe]/'), never, false)).rejects.toThrow('[::ffff:a9fe:a9fe] is not a public address');
    expect(await deliveryAddresses(new URL('https://93.184.216.34/'), never, false)).toEqual([{ address: '93.184.216.34', family: 4 }]);
  });

  it('PLACEORDER_WEBHOOK_ALLOW_PRIVATE is off by default and must be a boolean', () => {
    expect(loadConfig({}, {}).webhookAllowPrivate).toBe(false);
    expect(loadConfig({}, { PLACEORDER_WEBHOOK_ALLOW_PRIVATE: 'true' }).webhookAllowPrivate).toBe(true);
    expect(() => loadConfig({}, { PLACEORDER_WEBHOOK_ALLOW_PRIVATE: 'sometimes' })).toThrow(ConfigError);
  });
});

describe.each(DIALECTS)('webhook destinations, registered and delivered (%s)', (dialect) => {
  let t: TestApp;
  let server: Server;
  let port: number;
  let resellerId: number;
  const hosts: string[] = [];

  beforeAll(async () => {
    t = await testApp(dialect);
    resellerId = (await resellerIdByAp(t.store.db, 'resellerbrand'))!;
    server = createServer((req, res) => {
      hosts.push(String(req.headers.host));
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(async () => {
    hosts.length = 0;
    await t.store.write((tx) => tx.updateTable('webhook_endpoints').set({ active: 0 }).execute());
    await t.store.write((tx) => tx.updateTable('webhook_deliveries').set({ state: 'delivered' }).where('state', '=', 'pending').execute());
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await t.close();
  });

  /** A stored endpoint, as a row written before these checks existed would be. */
  const stored = (url: string) => t.store.write((tx) => insertEndpoint(tx, { resellerId, url, secret: 'whsec_destination_test_0001', at: t.clock.now().toISOString() }));
  const deliverOne = async (resolve: Resolver, allowPrivate: boolean) => {
    expect((await post(t.app, 'PlaceOrder', guestOrder({ emailAddress: `dest-${Math.random().toString(36).slice(2)}@example.com` }))).answer.errorCode).toBe('0');
    const d = new WebhookDispatcher({ store: t.store, clock: t.clock, timeoutMs: 5_000, leaseSeconds: 60, resolve, allowPrivateAddresses: allowPrivate });
    expect(await d.runOnce()).toBe(1);
    const attempt = await t.store.db.selectFrom('webhook_attempts').select(['http_status', 'error']).orderBy('id', 'desc').executeTakeFirstOrThrow();
    return attempt;
  };
  const resolverOf = (answers: string[][]) => {
    const calls: string[] = [];
    const resolve: Resolver = async (host) => {
      calls.push(host);
      const list = answers[Math.min(calls.length - 1, answers.length - 1)]!;
      return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };
    return { resolve, calls };
  };

  it('placeorder webhooks add refuses them and stores nothing', async () => {
    for (const url of REFUSED_URLS.slice(0, 8)) {
      const res = await cli(['webhooks', 'add', '--ap', 'resellerbrand', '--url', url, '--db', t.store.location]);
      expect(res.code, url).toBe(2);
      expect(res.err).toMatch(/must be on a public address|must be https/);
    }
    expect(await t.store.db.selectFrom('webhook_endpoints').select('id').execute()).toEqual([]);
  });

  it('a name that resolves to a private address at delivery is refused there, never connected to', async () => {
    await registerEndpoint(t.store, t.clock, resellerId, `https://hooks.example:${port}/in`, { allowPrivate: false });
    // Only answers on this machine: were the check broken, nothing would leave it.
    for (const answer of [['127.0.0.1'], ['::ffff:127.0.0.1'], ['127.0.0.1', '::1'], ['0.0.0.0']]) {
      const r = resolverOf([answer]);
      const attempt = await deliverOne(r.resolve, false);
      expect(r.calls).toEqual(['hooks.example']);
      expect(attempt.http_status).toBeNull();
      expect(attempt.error).toMatch(/^refused: hooks\.example resolves to .+, which is not a public address$/);
    }
    expect(hosts).toEqual([]);
  });

  it('a stored literal private address is refused at delivery without asking the resolver', async () => {
    await stored(`http://127.0.0.1:${port}/in`);
    const r = resolverOf([['127.0.0.1']]);
    const attempt = await deliverOne(r.resolve, false);
    expect(r.calls).toEqual([]);
    expect(attempt.error).toBe('refused: 127.0.0.1 is not a public address');
    expect(hosts).toEqual([]);
  });

  it('a resolver that never answers counts against the delivery time limit', async () => {
    await stored(`http://hooks.example:${port}/in`);
    expect((await post(t.app, 'PlaceOrder', guestOrder({ emailAddress: 'slow-dns@example.com' }))).answer.errorCode).toBe('0');
    const d = new WebhookDispatcher({ store: t.store, clock: t.clock, timeoutMs: 200, leaseSeconds: 60, resolve: () => new Promise(() => {}) });
    expect(await d.runOnce()).toBe(1);
    const attempt = await t.store.db.selectFrom('webhook_attempts').select(['http_status', 'error']).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(attempt).toEqual({ http_status: null, error: 'no answer within 200 ms' });
    expect(hosts).toEqual([]);
  });

  it('connects to the address checked, not to a later answer (DNS rebinding), and keeps the host name', async () => {
    await stored(`http://hooks.example:${port}/in`);
    // The first answer is the receiver; any later one is a loopback address nothing listens on.
    const r = resolverOf([['127.0.0.1'], ['127.0.0.2']]);
    const attempt = await deliverOne(r.resolve, true);
    expect(attempt).toEqual({ http_status: 204, error: null });
    expect(r.calls).toEqual(['hooks.example']);
    expect(hosts).toEqual([`hooks.example:${port}`]);
  });
});
