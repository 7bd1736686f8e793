// No credential is ever logged: a canary password is sent through every route of the app, GET
// and POST, in the query string and in the body, in well-formed, malformed, oversized and
// unparseable requests — and must appear in no log line. Also: the -16 answers for an unknown
// user, a wrong password and a locked account are byte-identical.
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/seed/demo.js';
import { DIALECTS } from '../helpers/dialects.js';
import { formBody, guestOrder, post, testApp, type TestApp } from '../helpers/app.js';

const CANARY = 'CANARYpw7f3a9Q';
const CREDENTIAL_NAMES = ['loginPassword', 'password', 'newPassword', 'currentPassword', 'confirmPassword', 'LOGINPASSWORD', '1_loginPassword', 'secret', 'token'];

/** Every route of the app with its methods, read from Fastify's own route tree. */
export function routesOf(app: FastifyInstance): Array<{ path: string; methods: string[] }> {
  const out: Array<{ path: string; methods: string[] }> = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const at = line.indexOf('── ');
    if (at < 0) continue;
    const depth = (at - 1) / 4;
    const m = /^(\S+) \(([^)]*)\)$/.exec(line.slice(at + 3)) ?? /^(\S+)$/.exec(line.slice(at + 3));
    if (!m) continue;
    stack.length = depth;
    stack.push(m[1]!);
    if (m[2]) out.push({ path: stack.join('').replace(/:[a-zA-Z]+/g, '1'), methods: m[2].split(', ') });
  }
  return out;
}

describe.each(DIALECTS)('canary password (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect);
  });
  afterAll(() => t.close());

  it('appears in no log line, whatever route, method and shape of request carries it', async () => {
    const routes = routesOf(t.app);
    expect(routes.length).toBeGreaterThanOrEqual(10);
    const creds = CREDENTIAL_NAMES.map((n) => [n, CANARY] as [string, string]);
    const bodies: Array<{ body: string; type: string }> = [
      { body: formBody([['loginName', 'canary-user'], ...creds, ['ap', 'resellerbrand']]), type: 'application/x-www-form-urlencoded' },
      { body: formBody(guestOrder({ loginName: 'canary-new', loginPassword: CANARY, isReturningCustomer: 'N' })), type: 'application/x-www-form-urlencoded' },
      { body: formBody(guestOrder({ loginName: 'canary-new', loginPassword: CANARY, isReturningCustomer: 'Y' })), type: 'application/x-www-form-urlencoded' },
      { body: `loginPassword=${CANARY}&%E0%A4%A=%ZZ&name=%FF%FE`, type: 'application/x-www-form-urlencoded' },
      { body: JSON.stringify({ loginPassword: CANARY }), type: 'application/json' },
      { body: `loginPassword=${CANARY}&pad=${'x'.repeat(70 * 1024)}`, type: 'application/x-www-form-urlencoded' },
      { body: `loginPassword=${CANARY}`, type: 'text/plain; charset=utf-8' },
    ];
    let requests = 0;
    for (const { path, methods } of [...routes, { path: '/no/such/route', methods: ['GET', 'POST'] }]) {
      for (const method of methods.filter((m) => m === 'GET' || m === 'POST')) {
        const query = formBody([['loginName', 'canary-user'], ...creds, ['responseFormat', '1']]);
        const urls = [`${path}?${query}`, `${path}?loginPassword=${CANARY}&%%`, `${path}?loginPassword=${CANARY}`];
        for (const url of urls) {
          const res = await t.app.inject({
            method: method as 'GET' | 'POST',
            url,
            headers: { authorization: `Basic ${Buffer.from(`u:${CANARY}`).toString('base64')}`, cookie: `session=${CANARY}` },
            ...(method === 'POST' ? { payload: bodies[requests % bodies.length]!.body, headers: { 'content-type': bodies[requests % bodies.length]!.type } } : {}),
          });
          requests++;
          expect(res.statusCode).toBeLessThan(500);
        }
        if (method === 'POST') {
          for (const { body, type } of bodies) {
            await t.app.inject({ method: 'POST', url: path, payload: body, headers: { 'content-type': type } });
            requests++;
          }
        }
      }
    }
    // Malformed HTTP that never reaches Fastify's router, over a real socket.
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    for (const raw of [
      `GET /products/!PlaceOrder?loginPassword=${CANARY} HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n`,
      `POST /products/!AutoAuthorize HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nloginPassword=${CANARY}`,
      `GET /products/!PlaceOrder?loginPassword=${CANARY} HTTP/9.9\r\n\r\n`,
      `GET /products/!PlaceOrder?x=${'y'.repeat(20_000)}&loginPassword=${CANARY} HTTP/1.1\r\nHost: x\r\nX: ${'z'.repeat(20_000)}\r\n\r\n`,
    ]) {
      await new Promise<void>((resolve) => {
        const s = connect(port, '127.0.0.1', () => s.write(raw));
        s.on('data', () => {});
        s.on('close', () => resolve());
        s.on('error', () => resolve());
      });
      requests++;
    }
    expect(requests).toBeGreaterThan(100);
    const log = t.logLines.join('');
    expect(t.logLines.length).toBeGreaterThan(100);
    expect(log).not.toContain(CANARY);
    expect(log).not.toContain(Buffer.from(`u:${CANARY}`).toString('base64'));
    // Every request line carries its request id.
    for (const line of t.logLines) if (line.includes('"answered"')) expect(line).toMatch(/"reqId":"[0-9a-f]{16}"/);
  });
});

describe.each(DIALECTS)('-16 answers are byte-identical (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect);
  });
  afterAll(() => t.close());

  it('!PlaceOrder: unknown customer and wrong password', async () => {
    await post(t.app, 'PlaceOrder', guestOrder({ loginName: 'known-cust', loginPassword: 'right-pw-1', isReturningCustomer: 'N', emailAddress: 'k@example.com' }));
    const unknown = await post(t.app, 'PlaceOrder', guestOrder({ loginName: 'nobody-here', loginPassword: 'whatever', isReturningCustomer: 'Y' }));
    const wrong = await post(t.app, 'PlaceOrder', guestOrder({ loginName: 'known-cust', loginPassword: 'wrong-pw', isReturningCustomer: 'Y' }));
    expect(unknown.answer.errorCode).toBe('-16');
    expect(wrong.body).toBe(unknown.body);
    expect(wrong.status).toBe(unknown.status);
  });

  it('reseller endpoints: unknown API user, wrong password and locked account', async () => {
    const call = (loginName: string, loginPassword: string) =>
      post(t.app, 'GetOrderStatus', { loginName, loginPassword, orderNumber: '1' });
    const unknown = await call('no-such-api-user', 'x');
    const wrong = await call('resellerbrand-api', 'wrong');
    for (let i = 0; i < t.config.loginLockoutThreshold + 1; i++) await call('resellerbrand-api', 'wrong');
    const locked = await call('resellerbrand-api', DEMO_PASSWORD);
    expect(unknown.answer.errorCode).toBe('-16');
    expect(wrong.body).toBe(unknown.body);
    expect(locked.body).toBe(unknown.body);
    const strip = (h: Record<string, unknown>) => Object.fromEntries(Object.entries(h).filter(([k]) => k !== 'x-request-id' && k !== 'date'));
    expect(strip(wrong.headers)).toEqual(strip(unknown.headers));
    expect(strip(locked.headers)).toEqual(strip(unknown.headers));
    // The control: the right password on an unlocked user is not -16.
    const other = await post(t.app, 'GetOrderStatus', { loginName: 'myresellerbrand-api', loginPassword: DEMO_PASSWORD, orderNumber: '1' });
    expect(other.answer.errorCode).not.toBe('-16');
  });
});
