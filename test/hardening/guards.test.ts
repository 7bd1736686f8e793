// Rate limits, security headers, probes and metrics (docs/reliability.md).
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/seed/demo.js';
import { ConfigError, DEFAULTS, loadConfig } from '../../src/config.js';
import { DIALECTS } from '../helpers/dialects.js';
import { get, guestOrder, parseAnswer, post, testApp, type TestApp } from '../helpers/app.js';

const tight = {
  hardening: {
    ...DEFAULTS.hardening,
    rateByAddress: { perSecond: 1, burst: 6 },
    rateByReseller: { perSecond: 1, burst: 3 },
  },
};

describe.each(DIALECTS)('rate limits (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect, tight);
  });
  afterAll(() => t.close());

  const status = (login: string, password = DEMO_PASSWORD, headers: Record<string, string> = {}) =>
    post(t.app, 'GetOrderStatus', { loginName: login, loginPassword: password, orderNumber: '1' }, headers);

  it('a reseller over its burst of signed-in calls gets -42 with Retry-After; another reseller does not; probes never', async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await status('resellerbrand-api'));
    expect(answers.slice(0, 3).map((a) => a.answer.errorCode)).toEqual(['-4', '-4', '-4']);
    expect(answers[3]!.answer.errorCode).toBe('-42');
    expect(answers[3]!.body).toBe('errorCode=-42&errorMessage=Call%20limit%20reached!');
    expect(answers[3]!.status).toBe(200);
    expect(Number(answers[3]!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(t.logLines.filter((l) => /already sent/i.test(l))).toEqual([]);
    expect((await status('reseller_brand_name-api')).answer.errorCode).toBe('-4');
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('nobody can spend a reseller\'s limit without its password: wrong passwords and orders naming its public brand do not count (outside attack, finding 1)', async () => {
    t.clock.set(new Date(t.clock.now().getTime() + 60_000));
    for (let i = 0; i < 4; i++) await status('myresellerbrand-api', 'not-the-password', { 'x-forwarded-for': `10.0.0.${i}` });
    for (let i = 0; i < 4; i++) await post(t.app, 'PlaceOrder', guestOrder({ ap: 'myresellerbrand', reseller: 'Y', '1_PPP': '', emailAddress: `spend${i}@example.com` }));
    t.clock.set(new Date(t.clock.now().getTime() + 10_000));
    expect((await status('myresellerbrand-api')).answer.errorCode).toBe('-4');
  });

  it('an address over its burst gets -42 until tokens come back', async () => {
    t.clock.set(new Date(t.clock.now().getTime() + 60_000));
    const codes = [];
    for (let i = 0; i < 8; i++) codes.push((await get(t.app, 'PlaceOrder', { responseFormat: '1' })).answer.errorCode);
    expect(codes.slice(0, 6).every((c) => c !== '-42')).toBe(true);
    expect(codes.slice(6)).toEqual(['-42', '-42']);
    for (let i = 0; i < 5; i++) expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);
    t.clock.set(new Date(t.clock.now().getTime() + 2_000));
    expect((await get(t.app, 'PlaceOrder', {})).answer.errorCode).not.toBe('-42');
  });

  it('a -42 claims no Idempotency-Key', async () => {
    t.clock.set(new Date(t.clock.now().getTime() + 60_000));
    for (let i = 0; i < 3; i++) await status('reseller_brand_name-api');
    const limited = await status('reseller_brand_name-api', DEMO_PASSWORD, { 'idempotency-key': 'k-rl' });
    expect(limited.answer.errorCode).toBe('-42');
    t.clock.set(new Date(t.clock.now().getTime() + 10_000));
    const later = await status('reseller_brand_name-api', DEMO_PASSWORD, { 'idempotency-key': 'k-rl' });
    expect(later.answer.errorCode).toBe('-4');
    expect(later.headers['idempotent-replayed']).toBeUndefined();
  });
});

describe.each(DIALECTS)('headers, probes and metrics (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect);
  });
  afterAll(() => t.close());

  it('API answers carry Referrer-Policy, nosniff, no-store and a request id; no HSTS over plain HTTP', async () => {
    const res = await post(t.app, 'PlaceOrder', guestOrder({ emailAddress: 'headers@example.com' }));
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{16}$/);
    expect(res.headers['strict-transport-security']).toBeUndefined();
    const notFound = await t.app.inject({ url: '/nowhere' });
    expect(notFound.headers['referrer-policy']).toBe('no-referrer');
  });

  it('an endpoint answers at /products/!NAME and /products/%21NAME; a path whose % is itself encoded (%2521) is no endpoint and places nothing', async () => {
    const body = (email: string) => new URLSearchParams(guestOrder({ emailAddress: email })).toString();
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const stored = async (email: string) => (await t.store.db.selectFrom('orders').select('id').where('email_address', '=', email).execute()).length;
    for (const [url, email] of [['/products/!PlaceOrder', 'bang@example.com'], ['/products/%21PlaceOrder', 'pct@example.com']] as const) {
      const res = await t.app.inject({ method: 'POST', url, headers: form, payload: body(email) });
      expect(res.body, url).toMatch(/^errorCode=0&/);
      expect(await stored(email), url).toBe(1);
    }
    // Found by the fuzzer on PostgreSQL: a second route at the %21 spelling made %2521 place orders.
    for (const [method, url] of [['POST', '/products/%2521PlaceOrder'], ['GET', `/products/%2521PlaceOrder?${body('double-get@example.com')}`], ['POST', '/products/%2521GetOrderStatus']] as const) {
      const res = await t.app.inject({ method, url, headers: form, payload: method === 'POST' ? body('double@example.com') : undefined });
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).toMatch(/^errorCode=-14&errorMessage=No%20endpoint%20at%20/);
    }
    expect(await stored('double@example.com')).toBe(0);
    expect(await stored('double-get@example.com')).toBe(0);
  });

  it('/healthz and /readyz answer with errorCode=0; /readyz reports pending migrations', async () => {
    const h = await t.app.inject({ url: '/healthz' });
    expect(h.statusCode).toBe(200);
    expect(h.body).toBe('errorCode=0&status=up');
    const r = await t.app.inject({ url: '/readyz' });
    expect(r.body).toBe('errorCode=0&status=ready');
    await t.store.write((tx) => sql`delete from kysely_migration where name = '004_hardening'`.execute(tx).then(() => undefined));
    const stale = await t.app.inject({ url: '/readyz' });
    expect(stale.statusCode).toBe(503);
    expect(parseAnswer(stale.body)).toMatchObject({ errorCode: '-14', reason: 'migrations pending: 004_hardening' });
    await t.store.write((tx) =>
      sql`insert into kysely_migration (name, timestamp) values ('004_hardening', '2026-01-01T00:00:00.000Z')`.execute(tx).then(() => undefined),
    );
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);
    // A newer schema (a rolling upgrade has run `migrate`) keeps the old process ready.
    await t.store.write((tx) =>
      sql`insert into kysely_migration (name, timestamp) values ('999_future', '2026-01-01T00:00:00.000Z')`.execute(tx).then(() => undefined),
    );
    const newer = await t.app.inject({ url: '/readyz' });
    expect(newer.statusCode).toBe(200);
    expect(parseAnswer(newer.body)).toMatchObject({ errorCode: '0', status: 'ready', note: 'schema newer than this build: 999_future' });
    await t.store.write((tx) => sql`delete from kysely_migration where name = '999_future'`.execute(tx).then(() => undefined));
  });

  it('/metrics counts answers by endpoint and errorCode, latency, orders placed and hash queue depth', async () => {
    await post(t.app, 'PlaceOrder', guestOrder({ emailAddress: 'metrics@example.com' }));
    await post(t.app, 'PlaceOrder', guestOrder({ emailAddress: 'bad' }));
    const before = /^placeorder_orders_placed_total (\d+)$/m.exec((await t.app.inject({ url: '/metrics' })).body)![1];
    // The `%21` spelling of the path counts under the same endpoint.
    const encoded = await t.app.inject({
      method: 'POST',
      url: '/products/%21PlaceOrder',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(guestOrder({ emailAddress: 'metrics2@example.com' })).toString(),
    });
    expect(encoded.body).toMatch(/^errorCode=0&/);
    const m = await t.app.inject({ url: '/metrics' });
    expect(m.body).toContain(`placeorder_orders_placed_total ${Number(before) + 1}\n`);
    expect(m.body).not.toContain('%25');
    expect(m.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(m.headers['x-placeorder-error-code']).toBe('0');
    const text = m.body;
    expect(text).toMatch(/^placeorder_requests_total\{endpoint="\/products\/!PlaceOrder",errorCode="0"\} [1-9]\d*$/m);
    expect(text).toMatch(/^placeorder_requests_total\{endpoint="\/products\/!PlaceOrder",errorCode="-70"\} [1-9]\d*$/m);
    expect(text).toMatch(/^placeorder_request_duration_seconds_bucket\{endpoint="\/products\/!PlaceOrder",le="\+Inf"\} \d+$/m);
    expect(text).toMatch(/^placeorder_orders_placed_total [1-9]\d*$/m);
    expect(text).toMatch(/^placeorder_hash_queue_depth 0$/m);
    // Every sample line is `name{labels} number`: the exposition parses.
    for (const line of text.trim().split('\n')) {
      if (!line.startsWith('#')) expect(line).toMatch(/^[a-z_]+(\{[^}]*\})? -?[0-9.e+]+$/);
    }
  });

  it('HTTP that Node cannot parse still gets an errorCode body, and its bytes are not logged', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const raw = await new Promise<string>((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => {
        s.write('POST /products/!PlaceOrder?loginPassword=CANARY-raw-77 HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n');
      });
      let data = '';
      s.on('data', (d) => (data += d));
      s.on('end', () => resolve(data));
      s.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw.split('\r\n\r\n')[1]).toBe("errorCode=-4&errorMessage=The%20value%20of%20the%20'request'%20argument%20is%20invalid!&errorItem=request");
    expect(t.logLines.join('')).not.toContain('CANARY-raw-77');
    expect(t.logLines.some((l) => l.includes('malformed or slow request refused') && /"reqId":"[0-9a-f]{16}"/.test(l))).toBe(true);
  });

  // Outside attack on issue 14, F1: bytes after a complete request that do not parse (a
  // Content-Length counted in characters, a broken pipelined request) were answered at once,
  // cutting off the answer of the order in flight — which was placed all the same.
  it('a request whose trailing bytes do not parse is answered first; the 400 follows it', async () => {
    if (!t.app.server.listening) await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const send = (bytes: string) =>
      new Promise<string>((resolve, reject) => {
        const s = connect(port, '127.0.0.1', () => s.write(Buffer.from(bytes, 'utf8')));
        let data = '';
        s.on('data', (d) => (data += d));
        s.on('end', () => resolve(data));
        s.on('error', reject);
      });
    const request = (body: string, length: number) =>
      `POST /products/!PlaceOrder HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${length}\r\n\r\n${body}`;
    const stored = async (email: string) =>
      t.store.db.selectFrom('orders').select(['id', 'contact_json']).where('email_address', '=', email).execute();
    // Content-Length in characters: the body is two bytes longer than it says.
    const short = 'ap=resellerbrand&reseller=Y&1_PPP=9974&emailAddress=cl-short@example.com&name=José Müller';
    const [first, rest] = splitAnswers(await send(request(short, short.length)));
    expect(first).toMatch(/^HTTP\/1\.1 200 /);
    const placed = new URLSearchParams(first!.split('\r\n\r\n')[1]);
    expect(placed.get('errorCode')).toBe('0');
    const rows = await stored('cl-short@example.com');
    expect(rows.map((r) => r.id)).toEqual([Number(placed.get('orderNumber'))]);
    expect(JSON.parse(rows[0]!.contact_json)).toMatchObject({ name: 'José Müll' });
    expect(rest).toMatch(/^HTTP\/1\.1 400 [^]*errorCode=-4/);
    // A valid order, then a request line the parser refuses, on one connection.
    const body = 'ap=resellerbrand&reseller=Y&1_PPP=9974&emailAddress=cl-pipe@example.com&name=Pipe';
    const [answer, refusal] = splitAnswers(await send(request(body, Buffer.byteLength(body)) + 'GET / HTTP/1.1\r\nBad Header Without Colon\r\n\r\n'));
    expect(new URLSearchParams(answer!.split('\r\n\r\n')[1]).get('errorCode')).toBe('0');
    expect(await stored('cl-pipe@example.com')).toHaveLength(1);
    expect(refusal).toMatch(/^HTTP\/1\.1 400 /);
  });
});

/** The HTTP answers in the bytes of one connection, each by its Content-Length. */
function splitAnswers(raw: string): string[] {
  const out: string[] = [];
  let rest = Buffer.from(raw, 'utf8');
  while (rest.length > 0) {
    const head = rest.indexOf('\r\n\r\n');
    if (head < 0) break;
    const length = Number(/content-length: (\d+)/i.exec(rest.subarray(0, head).toString())?.[1] ?? 0);
    const end = head + 4 + length;
    out.push(rest.subarray(0, end).toString('utf8'));
    rest = rest.subarray(end);
  }
  return out;
}

describe.each(DIALECTS)('HSTS only on answers that travel over TLS (issue 13, finding 10.7) (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect, { trustedProxies: ['10.0.0.2'] });
  });
  afterAll(() => t.close());

  const PAGES = ['/web/style.css', '/products/!PlaceOrder?ap=resellerbrand&product=9974', '/console/sign-in', '/account/sign-in', '/nowhere'];
  const hsts = async (url: string, remoteAddress: string, headers: Record<string, string> = {}) =>
    (await t.app.inject({ url, remoteAddress, headers })).headers['strict-transport-security'];

  it('plain HTTP (--allow-http): no page, stylesheet or API answer carries HSTS', async () => {
    for (const url of PAGES) expect(await hsts(url, '127.0.0.1'), url).toBeUndefined();
    // A proxy that is not trusted cannot make an answer HTTPS by saying so.
    for (const url of PAGES) expect(await hsts(url, '203.0.113.7', { 'x-forwarded-proto': 'https' }), url).toBeUndefined();
    // A trusted proxy that says the client spoke plain HTTP.
    for (const url of PAGES) expect(await hsts(url, '10.0.0.2', { 'x-forwarded-proto': 'http' }), url).toBeUndefined();
  });

  it('behind a trusted proxy that says X-Forwarded-Proto: https, every answer carries one HSTS', async () => {
    for (const url of PAGES) expect(await hsts(url, '10.0.0.2', { 'x-forwarded-proto': 'https' }), url).toBe('max-age=31536000; includeSubDomains');
  });
});

describe.each(DIALECTS)('/metrics only for loopback and PLACEORDER_METRICS_ALLOW (issue 13, finding 10.5) (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect, { trustedProxies: ['127.0.0.1', '10.0.0.2'], metricsAllow: ['192.0.2.0/28', '2001:db8::7'] });
  });
  afterAll(() => t.close());

  const scrape = (remoteAddress: string, headers: Record<string, string> = {}, url = '/metrics') => t.app.inject({ url, remoteAddress, headers });

  it('answers loopback and the listed addresses', async () => {
    for (const from of ['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1', '192.0.2.5', '::ffff:192.0.2.15', '2001:db8::7']) {
      const res = await scrape(from);
      expect(res.statusCode, from).toBe(200);
      expect(res.body, from).toMatch(/^# HELP /);
    }
    // Through a trusted proxy, the address the proxy saw decides.
    expect((await scrape('10.0.0.2', { 'x-forwarded-for': '192.0.2.9' })).statusCode).toBe(200);
  });

  it('answers everyone else exactly as an unknown path; /healthz and /readyz stay public', async () => {
    const unknown = await scrape('203.0.113.9', {}, '/metricz');
    const expected = { status: unknown.statusCode, type: unknown.headers['content-type'], body: unknown.body.replace('metricz', 'metrics') };
    expect(expected.status).toBe(404);
    expect(expected.body).toBe('errorCode=-14&errorMessage=No%20endpoint%20at%20GET%20%2Fmetrics');
    const denied: Array<[string, Record<string, string>]> = [
      ['203.0.113.9', {}],
      ['192.0.2.16', {}],
      ['2001:db8::8', {}],
      ['10.0.0.3', {}],
      // A local proxy (trusted) forwarding an outside client: the client decides, not the socket.
      ['127.0.0.1', { 'x-forwarded-for': '203.0.113.9' }],
      // A header from a client that is not a trusted proxy is not believed.
      ['203.0.113.9', { 'x-forwarded-for': '127.0.0.1' }],
    ];
    for (const [from, headers] of denied) {
      const res = await scrape(from, headers);
      expect({ status: res.statusCode, type: res.headers['content-type'], body: res.body }, from).toEqual(expected);
      expect(res.body).not.toContain('placeorder_');
    }
    for (const url of ['/healthz', '/readyz']) expect((await scrape('203.0.113.9', {}, url)).statusCode, url).toBe(200);
  });
});

describe('PLACEORDER_METRICS_ALLOW', () => {
  it('is a comma-separated list of addresses and CIDR blocks, empty by default; anything else stops the start', () => {
    expect(loadConfig({}, {}).metricsAllow).toEqual([]);
    expect(loadConfig({}, { PLACEORDER_METRICS_ALLOW: '192.0.2.0/24, 2001:db8::1' }).metricsAllow).toEqual(['192.0.2.0/24', '2001:db8::1']);
    for (const bad of ['*', '192.0.2.0/', '192.0.2.0/33', 'prometheus.internal', '10.0.0.0/8/8']) {
      expect(() => loadConfig({}, { PLACEORDER_METRICS_ALLOW: bad }), bad).toThrow(ConfigError);
    }
  });
});
