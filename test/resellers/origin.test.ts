// The strict origin parser (issue 13, finding 10.1): what a reseller may register as a redirect
// origin, and so what may ever reach the ordering page's Content-Security-Policy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ORIGIN_CHARS, isNormalizedOrigin, normalizedOrigins, parseOrigin } from '../../src/resellers/origin.js';
import { cli } from '../cli/capture.js';
import { DIALECTS, freshDatabase, type FreshDatabase } from '../helpers/dialects.js';
import { openStore } from '../../src/db/store.js';

/** Input → normalized origin. */
const ACCEPTED: ReadonlyArray<readonly [string, string]> = [
  ['https://shop.example', 'https://shop.example'],
  ['http://www.mydomain.com', 'http://www.mydomain.com'],
  ['https://shop.example/', 'https://shop.example'],
  ['HTTPS://Shop.Example', 'https://shop.example'],
  ['HTTPS://SHOP.EXAMPLE/', 'https://shop.example'],
  ['https://shop.example:443', 'https://shop.example'],
  ['http://shop.example:80/', 'http://shop.example'],
  ['https://shop.example:8443', 'https://shop.example:8443'],
  ['http://localhost:3000', 'http://localhost:3000'],
  ['https://a-b.c-d.example', 'https://a-b.c-d.example'],
  ['https://xn--bcher-kva.example', 'https://xn--bcher-kva.example'],
  ['https://203.0.113.10', 'https://203.0.113.10'],
  ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
  ['https://[2001:db8::1]', 'https://[2001:db8::1]'],
  ['https://[2001:DB8:0:0:0:0:0:1]:8443', 'https://[2001:db8::1]:8443'],
  ['https://1.example', 'https://1.example'],
  [`https://${'a'.repeat(63)}.example`, `https://${'a'.repeat(63)}.example`],
];

const REFUSED: readonly string[] = [
  'https://*',
  'https://*.shop.example',
  'https://a;report-uri https://evil',
  'https://a;report-uri',
  'https://a%3Breport-uri',
  'https://a,b',
  'https://shop.example, https://evil.example',
  'https://shop.example https://evil.example',
  "https://a'b",
  'https://a"b',
  'https://a`b',
  ' https://shop.example',
  'https://shop.example ',
  'https://shop.example\t',
  'https://shop.example\n',
  'https://shop.example/path',
  'https://shop.example//',
  'https://shop.example/?',
  'https://shop.example?x=1',
  'https://shop.example#top',
  'https://user@shop.example',
  'https://user:pw@shop.example',
  'https://shop.example:0',
  'https://shop.example:65536',
  'https://shop.example:99999',
  'https://shop.example:080',
  'https://shop.example:',
  'https://shop.example.',
  'https://-shop.example',
  'https://shop-.example',
  'https://sh_op.example',
  'https://shop..example',
  'https://.shop.example',
  `https://${'a'.repeat(64)}.example`,
  `https://${'a.'.repeat(127)}example`,
  'https://bücher.example',
  'https://0x7f000001',
  'https://2130706433',
  'https://1.2.3',
  'https://127.1',
  'https://010.0.0.1',
  'https://256.0.0.1',
  'https://shop.1',
  'https://[::1',
  'https://[fe80::1%25eth0]',
  'https://[not:an:address]',
  'https://[127.0.0.1]',
  'ftp://shop.example',
  'javascript://shop.example',
  'data:text/html,x',
  'https:shop.example',
  'https:/shop.example',
  'https:\\\\shop.example',
  '//shop.example',
  'shop.example',
  'https://',
  '',
  `https://${'a'.repeat(MAX_ORIGIN_CHARS)}.example`,
];

describe('parseOrigin', () => {
  it('accepts scheme, host and port, and normalizes trivial variants to the URL.origin form', () => {
    for (const [input, origin] of ACCEPTED) {
      expect(parseOrigin(input), input).toBe(origin);
      expect(isNormalizedOrigin(origin), origin).toBe(true);
    }
  });

  it('refuses wildcards, policy separators, quotes, whitespace, paths, credentials, bad ports and hosts', () => {
    for (const input of REFUSED) expect(parseOrigin(input), JSON.stringify(input)).toBeUndefined();
  });

  it('lets only normalized origins through to a header', () => {
    expect(normalizedOrigins(['https://shop.example', 'https://*', 'HTTPS://SHOP.EXAMPLE', 'https://a;report-uri https://evil', 'http://localhost:3000'])).toEqual([
      'https://shop.example',
      'http://localhost:3000',
    ]);
  });
});

describe.each(DIALECTS)('placeorder reseller add --redirect-origin (%s)', (dialect) => {
  let db: FreshDatabase;
  beforeAll(async () => {
    db = await freshDatabase(dialect);
  });
  afterAll(() => db.drop());

  it('refuses an origin the strict parser refuses, and creates nothing', async () => {
    for (const [i, bad] of ['https://*', 'https://a;report-uri https://evil', 'https://a,b', 'https://0x7f000001'].entries()) {
      const res = await cli(['reseller', 'add', '--ap', `bad-${i}`, '--login', `bad-${i}-api`, '--password', 'long-enough', '--redirect-origin', bad, '--db', db.location]);
      expect(res.code, bad).toBe(2);
      expect(res.err).toContain('is not an origin like https://shop.example');
    }
    const store = await openStore(db.location);
    try {
      expect(await store.db.selectFrom('resellers').select('id').execute()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('stores an accepted origin in its normalized form', async () => {
    const res = await cli(['reseller', 'add', '--ap', 'good', '--login', 'good-api', '--password', 'long-enough', '--redirect-origin', 'HTTPS://Shop.Example:443/', '--db', db.location]);
    expect(res.code).toBe(0);
    const store = await openStore(db.location);
    try {
      expect(await store.db.selectFrom('reseller_redirect_origins').select('origin').execute()).toEqual([{ origin: 'https://shop.example' }]);
    } finally {
      await store.close();
    }
  });
});
