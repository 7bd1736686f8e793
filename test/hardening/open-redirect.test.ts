// Open-redirect suite: successURL/errorURL must never send a browser to an origin the reseller
// did not register. Each payload is judged the way a browser would: if placeorder redirects at
// all, the WHATWG URL parse of the Location must land on a registered origin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redirectTarget } from '../../src/wire/redirect.js';
import type { ResellerContext } from '../../src/resellers/reseller.js';
import { insertRedirectOrigins, resellerIdByAp } from '../../src/resellers/resellers.repository.js';
import { DIALECTS } from '../helpers/dialects.js';
import { guestOrder, post, testApp, type TestApp } from '../helpers/app.js';

const REGISTERED = 'https://shop.example.com';

/** Bypass attempts against the registered origin https://shop.example.com. */
export const PAYLOADS: readonly string[] = [
  '//evil.com',
  '///evil.com',
  '////evil.com/',
  '/\\evil.com',
  '\\\\evil.com',
  '\\/\\/evil.com',
  '/%09/evil.com',
  '%2f%2fevil.com',
  'https:evil.com',
  'https:/evil.com',
  'https:\\\\evil.com',
  'https:/\\/evil.com',
  'https:///evil.com',
  'https://shop.example.com.evil.com',
  'https://shop.example.com.evil.com/',
  'https://shop.example.com@evil.com',
  'https://user@evil.com',
  'https://shop.example.com:443@evil.com',
  'https://shop.example.com%40evil.com',
  'https://shop.example.com\\@evil.com',
  'https://shop.example.com%5c@evil.com',
  'https://shop.example.com&@evil.com',
  '//shop.example.com@evil.com',
  'https://evil.com#https://shop.example.com',
  'https://evil.com?https://shop.example.com',
  'https://evil.com/https://shop.example.com',
  'https://evil.com/.shop.example.com',
  'https://evil.com?.shop.example.com',
  'https://evil.com;shop.example.com',
  'https://evilshop.example.com',
  'https://example.com',
  'https://sub.shop.example.com',
  'https://shop.example.com:8443',
  'https://shop.example.com:443.evil.com',
  'http://shop.example.com',
  'HTTPS://EVIL.COM',
  'https://evil.com:443',
  'javascript:alert(1)',
  'JavaScript:alert(1)//https://shop.example.com',
  'javascript://shop.example.com/%0aalert(1)',
  'data:text/html,<script>alert(1)</script>',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  'vbscript:msgbox(1)',
  'ftp://shop.example.com',
  'file:///etc/passwd',
  'blob:https://shop.example.com/0f3c',
  'https://shop.example.com\r\nLocation: https://evil.com',
  'https://shop.example.com%0d%0aLocation:%20https://evil.com@evil.com',
  'https://evil.com\r\n',
  'https://shop.example.com\nSet-Cookie: a=b',
  '\thttps://evil.com',
  ' https://evil.com',
  'https:// evil.com',
  'https://evil.com\t',
  'https://shop.example.com\u2028@evil.com',
  'https://shop.example.com\u3000.evil.com',
  'https://shop.exаmple.com', // Cyrillic а: an IDN homograph
  'https://ѕhop.example.com', // Cyrillic ѕ
  'https://xn--shop-example-com.evil.com',
  'https://evil.com%E3%80%82shop.example.com',
  'https://shop.example.com%2f%2fevil.com',
  'https://evil.com%23.shop.example.com',
  'https://shop.example.com%00.evil.com',
  'https://ⓔⓥⓘⓛ.com',
  'https://127.0.0.1',
  'https://2130706433',
  'https://0x7f.0x0.0x0.0x1',
  'https://[::1]',
  'https://localhost',
  'https://evil.com/%2f%2e%2e',
  `${REGISTERED}/${'a'.repeat(300)}`,
];

const context: ResellerContext = {
  id: 1,
  ap: 'shop',
  validated: true,
  suspended: false,
  sandbox: false,
  permittedPpp: null,
  redirectOrigins: new Set([REGISTERED]),
  redirectSecret: null,
};

/** Where a browser would go for this Location, or undefined when it is not a URL. */
function browserOrigin(location: string): string | undefined {
  try {
    return new URL(location).origin;
  } catch {
    return undefined;
  }
}

describe('open redirects: the check itself', () => {
  it('has at least 50 payloads', () => expect(PAYLOADS.length).toBeGreaterThanOrEqual(50));

  it.each(PAYLOADS.map((p) => [JSON.stringify(p), p]))('%s is not allowed unless it lands on the registered origin', (_label, payload) => {
    // The browser goes where the serialized target says, so that is what must land on the origin.
    // A target on another origin is at most shown as a link (issue 16), never redirected to.
    const target = redirectTarget(payload, context);
    if (target?.registered) expect(browserOrigin(target.href)).toBe(REGISTERED);
    else expect(target?.registered ?? false).toBe(false);
  });

  it('the registered origin itself (any case, with path and query) is allowed: the suite can fail', () => {
    expect(redirectTarget('https://shop.example.com/done?x=1', context)?.href).toBe('https://shop.example.com/done?x=1');
    expect(redirectTarget('https://SHOP.example.com/done', context)?.href).toBe('https://shop.example.com/done');
  });
});

describe.each(DIALECTS)('open redirects over HTTP (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect);
    const id = (await resellerIdByAp(t.store.db, 'myresellerbrand'))!;
    await t.store.write((tx) => insertRedirectOrigins(tx, id, [REGISTERED]));
  });
  afterAll(() => t.close());

  it('no payload, as successURL or errorURL, redirects to an unregistered origin', async () => {
    let redirects = 0;
    let offOrigin = 0;
    for (const [i, payload] of PAYLOADS.entries()) {
      for (const valid of [true, false]) {
        const params = guestOrder({
          ap: 'myresellerbrand',
          emailAddress: valid ? `redir${i}@example.com` : 'not-an-email',
          successURL: payload,
          errorURL: payload,
        });
        const res = await post(t.app, 'PlaceOrder', params);
        const location = res.headers.location;
        if (location === undefined) {
          expect(res.status).toBe(200);
          continue;
        }
        redirects++;
        if (browserOrigin(String(location)) !== REGISTERED) offOrigin++;
      }
    }
    expect(offOrigin).toBe(0);
    // Sanity: a registered target does redirect, so the loop above could have caught one.
    const ok = await post(t.app, 'PlaceOrder', guestOrder({ ap: 'myresellerbrand', emailAddress: 'x', errorURL: `${REGISTERED}/err` }));
    expect(ok.status).toBe(303);
    expect(browserOrigin(String(ok.headers.location))).toBe(REGISTERED);
    expect(redirects).toBeGreaterThanOrEqual(0);
  });
});
