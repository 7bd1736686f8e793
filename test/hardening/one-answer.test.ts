// Issue 13, findings 1 and 2: a redirect target that is valid-looking for the reseller (its own
// registered origin, with non-ASCII in the path or host) once killed the process (with an
// Idempotency-Key) or stored the order and answered 500 (without). An answer is now computed
// whole before anything is committed: the target is serialized as WHATWG URL does it
// (percent-encoded, IDNA host), so every stored order has had its success answer.
import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../../scripts/lib/server.mjs';
import { DIALECTS, freshDatabase, type FreshDatabase } from '../helpers/dialects.js';
import { formBody, parseAnswer, post, testApp, type TestApp } from '../helpers/app.js';

const dropLater: FreshDatabase[] = [];
afterAll(async () => {
  for (const d of dropLater) await d.drop();
});

/** myresellerbrand has http://www.mydomain.com registered (src/seed/demo.ts). */
const ORIGIN = 'http://www.mydomain.com';
const order = (extra: Record<string, string>) => ({
  ap: 'myresellerbrand',
  reseller: 'Y',
  emailAddress: 'redirect@example.com',
  name: 'Redirect Person',
  '1_PPP': '9974',
  ...extra,
});

function send(base: string, params: Record<string, string>, headers: Record<string, string> = {}) {
  const body = formBody(params);
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request(
      `${base}/products/!PlaceOrder`,
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), ...headers } },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (data += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe.each(DIALECTS)('one answer per request, over a socket (%s)', (dialect) => {
  it('non-ASCII in a registered redirect target never kills the process, with or without a key', async () => {
    const db = await freshDatabase(dialect);
    dropLater.push(db);
    const server = startServer({ db: db.location, args: ['--demo', '--allow-http'] });
    const base = await server.ready();
    try {
      const targets = [`${ORIGIN}/日本`, `${ORIGIN}/a?q=ü#frag-é`, 'http://www。mydomain。com/x', `${ORIGIN}/%E6%97%A5`];
      for (const [i, target] of targets.entries()) {
        for (const key of [undefined, `k-${i}`]) {
          const headers: Record<string, string> = key ? { 'idempotency-key': key } : {};
          // An error answer (ap unknown is -4 ap; a missing name is -3) redirects to errorURL.
          const refused = await send(base, { ...order({ errorURL: target }), name: '' }, headers);
          expect(refused.status, refused.body).toBe(303);
          expect(String(refused.headers.location)).toMatch(/^http:\/\/www\.mydomain\.com\/[\x21-\x7e]*errorCode=-3&/);
          const placed = await send(base, order({ successURL: target, emailAddress: `r${i}${key ?? ''}@example.com` }), headers);
          expect(placed.status, placed.body).toBe(303);
          const location = String(placed.headers.location);
          expect(location).toMatch(/^http:\/\/www\.mydomain\.com\/[\x21-\x7e]*errorCode=0&orderNumber=[0-9]+/);
          expect(parseAnswer(placed.body).errorCode).toBe('0');
        }
      }
      const probe = await send(base, order({ emailAddress: 'alive@example.com' }));
      expect(parseAnswer(probe.body).errorCode).toBe('0');
      expect(server.child.exitCode).toBeNull();
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});

describe.each(DIALECTS)('one answer per request (%s)', (dialect) => {
  let t: TestApp;
  afterAll(() => t?.close());

  it('every stored order had its success answer: the redirect carries the order that was stored', async () => {
    t = await testApp(dialect);
    const res = await post(t.app, 'PlaceOrder', order({ successURL: `${ORIGIN}/日本?x=1#é`, emailAddress: 'stored@example.com' }));
    expect(res.status).toBe(303);
    const location = new URL(String(res.headers.location));
    expect(location.pathname).toBe('/%E6%97%A5%E6%9C%AC');
    expect(location.hash).toBe('#%C3%A9');
    expect(location.searchParams.get('x')).toBe('1');
    const orderNumber = Number(location.searchParams.get('orderNumber'));
    const stored = await t.store.db.selectFrom('orders').select(['id', 'email_address']).where('email_address', '=', 'stored@example.com').execute();
    expect(stored.map((o) => o.id)).toEqual([orderNumber]);
  });

  it('a target that cannot be made a URL is -4 before the order, and no order is stored', async () => {
    t ??= await testApp(dialect);
    const res = await post(t.app, 'PlaceOrder', order({ successURL: `${ORIGIN}:99999/x`, emailAddress: 'never@example.com' }));
    expect(res.answer).toMatchObject({ errorCode: '-4', errorItem: 'successURL' });
    const stored = await t.store.db.selectFrom('orders').select('id').where('email_address', '=', 'never@example.com').execute();
    expect(stored).toEqual([]);
  });
});
