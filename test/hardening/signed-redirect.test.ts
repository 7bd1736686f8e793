// Signed redirects: with a redirect secret, the appended parameters carry an HMAC-SHA256 the
// reseller's page verifies with the snippet of docs/reliability.md (reproduced here).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { DIALECTS } from '../helpers/dialects.js';
import { guestOrder, post, testApp, type TestApp } from '../helpers/app.js';

/** The verification snippet of docs/reliability.md, as a reseller would paste it. */
function verifyPlaceorderRedirect(href: string, secret: string): boolean {
  const query = new URL(href).search.slice(1);
  const start = query.lastIndexOf('errorCode=');
  const sigAt = query.lastIndexOf('&signature=');
  if (start < 0 || sigAt < start) return false;
  const signed = query.slice(start, sigAt);
  const given = Buffer.from(query.slice(sigAt + '&signature='.length).split('&')[0]!, 'hex');
  const expected = createHmac('sha256', secret).update(signed).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe.each(DIALECTS)('signed redirects (%s)', (dialect) => {
  let t: TestApp;
  let secret = '';
  beforeAll(async () => {
    t = await testApp(dialect);
  });
  afterAll(() => t.close());

  const order = (extra: Record<string, string>) =>
    post(t.app, 'PlaceOrder', guestOrder({ ap: 'myresellerbrand', successURL: 'http://www.mydomain.com/ok?cart=7#top', errorURL: 'http://www.mydomain.com/err', ...extra }));

  it('without a secret, redirects are unsigned', async () => {
    const res = await order({ emailAddress: 'unsigned@example.com' });
    expect(res.status).toBe(303);
    expect(String(res.headers.location)).not.toContain('signature=');
  });

  it('`placeorder redirect-secret` sets a secret; success and error redirects then verify', async () => {
    const out: string[] = [];
    const code = await run(['redirect-secret', '--ap', 'myresellerbrand', '--db', t.store.location], {
      out: (s) => out.push(s),
      err: (s) => out.push(s),
    });
    expect(code).toBe(0);
    secret = /: ([0-9a-f]{64})$/.exec(out[0]!)![1]!;
    const ok = await order({ emailAddress: 'signed@example.com' });
    const location = String(ok.headers.location);
    expect(location).toMatch(/^http:\/\/www\.mydomain\.com\/ok\?cart=7&errorCode=0&orderNumber=\d+&totalCost=48\.99&currency=USD&signature=[0-9a-f]{64}#top$/);
    expect(verifyPlaceorderRedirect(location, secret)).toBe(true);
    const err = await order({ emailAddress: 'bad-address' });
    expect(verifyPlaceorderRedirect(String(err.headers.location), secret)).toBe(true);
  });

  it('a tampered orderNumber or another secret fails verification', async () => {
    const ok = await order({ emailAddress: 'tamper@example.com' });
    const location = String(ok.headers.location);
    expect(verifyPlaceorderRedirect(location.replace(/orderNumber=(\d+)/, (_m, n) => `orderNumber=${Number(n) + 1}`), secret)).toBe(false);
    expect(verifyPlaceorderRedirect(location, 'f'.repeat(64))).toBe(false);
  });

  it('a replay of an Idempotency-Key answer carries the same signed Location', async () => {
    const first = await post(t.app, 'PlaceOrder', guestOrder({ ap: 'myresellerbrand', successURL: 'http://www.mydomain.com/ok', emailAddress: 'k@example.com' }), { 'idempotency-key': 'sig-1' });
    const again = await post(t.app, 'PlaceOrder', guestOrder({ ap: 'myresellerbrand', successURL: 'http://www.mydomain.com/ok', emailAddress: 'k@example.com' }), { 'idempotency-key': 'sig-1' });
    expect(first.status).toBe(303);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers.location).toBe(first.headers.location);
    expect(verifyPlaceorderRedirect(String(again.headers.location), secret)).toBe(true);
  });
});
