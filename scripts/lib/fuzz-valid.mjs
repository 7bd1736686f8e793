// Valid-looking input for the fuzzer (scripts/fuzz.mjs): what a real reseller, its customers and
// its back end send, bent at the places where real traffic is odd. Every plan here is plain data
// drawn by fast-check; scripts/lib/fuzz-scenarios.mjs turns a plan into requests, filling in
// what only the run knows (order numbers, customers, tokens, cookies, headers the server wrote).
//
// Issue 13: a reseller's *registered* redirect origin with a non-ASCII path and an
// Idempotency-Key killed the process; without the key the order was stored and the answer was a
// 500. The hostile generator never sent that, because it never sent a valid order with a
// redirect target the reseller had registered. These generators do, thousands of times a run.
import fc from 'fast-check';

export const PASSWORD = 'demo-password';

/**
 * The brands the scenarios order for. The demo ones come with `serve --demo` (src/seed/demo.ts);
 * `own` ones the fuzzer creates before the server starts (scripts/fuzz.mjs, prepareDatabase):
 * fuzzshop has funds, three origins (one an IDN) and a redirect secret (signed redirects);
 * fuzzsandbox is a sandbox reseller (forced errors, its own clock, !SandboxReset).
 */
export const BRANDS = Object.freeze({
  myresellerbrand: { ap: 'myresellerbrand', login: 'myresellerbrand-api', origins: ['http://www.mydomain.com'] },
  resellerbrand: { ap: 'resellerbrand', login: 'resellerbrand-api', origins: [] },
  fuzzshop: {
    ap: 'fuzzshop',
    login: 'fuzzshop-api',
    origins: ['http://www.mydomain.com', 'https://shop.example:8443', 'http://xn--bcher-kva.example'],
    own: true,
    secret: true,
    funds: '10000000.00',
  },
  fuzzsandbox: { ap: 'fuzzsandbox', login: 'fuzzsandbox-api', origins: ['http://www.mydomain.com'], own: true, sandbox: true },
});
const BRAND_NAMES = Object.keys(BRANDS);

/** Origins the console scenario asks to add (accepted or refused); a redirect may reach these too. */
export const CONSOLE_ORIGINS = ['https://www.mydomain.com', 'http://WWW.MYDOMAIN.COM:8080', 'http://bücher.example', 'http://127.0.0.1:9', 'https://shop.example:8443/'];

/** Every origin a redirect may lead to: the registered ones and those the console may add. */
export const ALLOWED_ORIGINS = new Set(
  [...Object.values(BRANDS).flatMap((b) => b.origins), ...CONSOLE_ORIGINS].map((o) => new URL(o).origin),
);

// ---- redirect targets -------------------------------------------------------------------------

/** Spellings a browser (WHATWG URL, IDNA) maps to the same host, and some it does not. */
const HOST_ALIASES = {
  'www.mydomain.com': [
    'www。mydomain。com', // ideographic full stops
    'www．mydomain．com', // fullwidth full stops
    'www｡mydomain｡com', // halfwidth ideographic full stops
    'ｗｗｗ.mydomain.com', // fullwidth letters
    'www.mydom\u00adain.com', // soft hyphen (IDNA removes it)
    '%77ww.mydomain.com', // percent-encoded host
    'www.mydomаin.com', // Cyrillic а: another host
    'www.mydomain.com%2e',
  ],
  'xn--bcher-kva.example': ['bücher.example', 'BÜCHER.example', 'bu\u0308cher.example', 'bücher。example'],
  'shop.example': ['SHOP.example', 'shop。example', 'ｓｈｏｐ.example'],
};

const hostVariant = (host) =>
  fc.oneof(
    { weight: 12, arbitrary: fc.constant(host) },
    { weight: 2, arbitrary: fc.constant(host.toUpperCase()) },
    { weight: 1, arbitrary: fc.array(fc.boolean(), { minLength: host.length, maxLength: host.length }).map((f) => [...host].map((c, i) => (f[i] ? c.toUpperCase() : c)).join('')) },
    { weight: 1, arbitrary: fc.constant(`${host}.`) },
    { weight: 3, arbitrary: fc.constantFrom(...(HOST_ALIASES[host] ?? [host])) },
  );

const PATH_SEGMENTS = [
  '日本', 'é', 'ü', 'success_page.html', 'error_page.html', 'thanks', '%E6%97%A5', '%C3%A9', '%', '%zz', '%00', '%2F', '%2e%2e', '..', '.', '',
  'a b', '~user', `'"<>`, '`{}|^', '\u200b', '🦄', '\ufffd', '\u202e', ';a=b', 'İ', 'ß', 'ﬁ', 'e\u0301', 'a\\b', 'x'.repeat(80),
];
const pathSegment = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...PATH_SEGMENTS) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);
const urlPath = fc
  .tuple(fc.array(pathSegment, { maxLength: 4 }), fc.nat(5))
  .map(([segs, r]) => (segs.length === 0 ? (r === 0 ? '' : '/') : `/${segs.join('/')}${r === 0 ? '/' : ''}`));
const urlQuery = fc.oneof(
  { weight: 6, arbitrary: fc.constant('') },
  {
    weight: 4,
    arbitrary: fc.constantFrom('?a=ü', '?a=1&b=2', '?errorCode=0&orderNumber=1', '?step=2', '?', '?&', '?=', '?a=%', '?日本=語', `?q='"<>`, '?a=b&a=c', '?errorCode=', '?x=%E6%97', '?signature=00', '?%FF'),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }).map((s) => `?q=${s}`) },
);
const urlFragment = fc.oneof(
  { weight: 6, arbitrary: fc.constant('') },
  { weight: 3, arbitrary: fc.constantFrom('#é', '#result', '#', '#%', '#a#b', '#日本', '#errorCode=0', '#%20', '#\u00a0') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }).map((s) => `#${s}`) },
);
const userinfo = fc.oneof({ weight: 20, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('user@', 'user:pw@', ':@', '@', 'www.mydomain.com@') });

/**
 * A redirect target on `origin` as a reseller might write it: the scheme and host in other
 * spellings (case, IDN, ideographic dots, trailing dot, explicit ports), non-ASCII,
 * percent-encoded and odd paths, queries and fragments; rarely credentials or whitespace, and
 * rarely padded to the 255-character limit and just past it.
 */
export function redirectUrl(origin) {
  const u = new URL(origin);
  const scheme = u.protocol.slice(0, -1);
  const defaultPort = scheme === 'https' ? '443' : '80';
  const port = fc.oneof(
    { weight: 12, arbitrary: fc.constant(u.port === '' ? '' : `:${u.port}`) },
    { weight: 2, arbitrary: fc.constant(`:${u.port || defaultPort}`) },
    { weight: 1, arbitrary: fc.constantFrom(':8080', ':0', ':65535', ':65536', ':', `:0${u.port || defaultPort}`) },
  );
  const schemes = fc.oneof({ weight: 10, arbitrary: fc.constant(scheme) }, { weight: 1, arbitrary: fc.constantFrom(scheme.toUpperCase(), scheme === 'http' ? 'https' : 'http') });
  return fc
    .record({ scheme: schemes, userinfo, host: hostVariant(u.hostname), port, path: urlPath, query: urlQuery, fragment: urlFragment, pad: fc.nat(30) })
    .map((p) => {
      let url = `${p.scheme}://${p.userinfo}${p.host}${p.port}${p.path}`;
      // Exactly at the limit (255 characters) or one past it, counted as the server counts.
      if (p.pad === 0 || p.pad === 1) url += `/${'é'.repeat(Math.max(0, 254 + p.pad - [...url].length - [...p.query].length - [...p.fragment].length))}`;
      if (p.pad === 2) return ` ${url}${p.query}${p.fragment}`;
      return `${url}${p.query}${p.fragment}`;
    });
}

/** A target for `brand`: on one of its origins, or (rarely) on mydomain for a brand that has none. */
export const targetFor = (brand) => {
  const origins = BRANDS[brand].origins.length > 0 ? BRANDS[brand].origins : ['http://www.mydomain.com'];
  return fc.constantFrom(...origins).chain(redirectUrl);
};

/** Where a redirect target comes from: drawn fresh, or a Location the server wrote earlier. */
const targetSource = (brand) =>
  fc.oneof(
    { weight: 6, arbitrary: targetFor(brand).map((url) => ({ kind: 'url', url })) },
    { weight: 1, arbitrary: fc.nat().map((n) => ({ kind: 'location', n })) },
  );

/** `arb` once in `n + 1` draws, else undefined. */
const rarely = (arb, n) => fc.oneof({ weight: n, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

// ---- what the server wrote, sent back ---------------------------------------------------------

/**
 * The Idempotency-Key of a request: none, a fresh one, one used before, the X-Request-Id of an
 * earlier answer, a 16-hex value shaped like one, or the value of any header the server wrote.
 */
export const keyMode = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'none' }) },
  { weight: 4, arbitrary: fc.constant({ kind: 'fresh' }) },
  { weight: 2, arbitrary: fc.nat().map((n) => ({ kind: 'requestId', n })) },
  { weight: 2, arbitrary: fc.nat().map((n) => ({ kind: 'reuse', n })) },
  { weight: 1, arbitrary: fc.stringMatching(/^[0-9a-f]{16}$/).map((value) => ({ kind: 'literal', value })) },
  { weight: 1, arbitrary: fc.nat().map((n) => ({ kind: 'header', n })) },
);

/** Cookies: none, every cookie the server set so far, or one Set-Cookie value sent back whole. */
export const cookieMode = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'none' }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'jar' }) },
  { weight: 1, arbitrary: fc.nat().map((n) => ({ kind: 'raw', n })) },
);

/** Headers of earlier answers (name and value as written) sent back as request headers. */
export const echoHeaders = fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }) });

/** What every scenario request may carry besides its parameters. */
export const decoration = fc.record({ key: keyMode, cookie: cookieMode, echo: echoHeaders, replay: fc.nat(5).map((n) => n === 0) });

// ---- orders -----------------------------------------------------------------------------------

const NAMES = ['Fuzz Person', 'Zoë Ünicode', '山田 太郎', 'José Ñúñez', "Seán O'Brien", 'Ølaf Ærø'];
const DETAILS = {
  organizationName: ['Example Ltd', 'Société Générale', '株式会社テスト', "O'Brien & Sons"],
  localityName: ['Zürich', '東京', 'São Paulo', 'Reykjavík'],
  streetAddress1: ['Straße 1', '1 Main St', '東京都千代田区1-1'],
  countryName: ['jp', 'CH', 'br', 'US', 'gb'],
  telephoneNumber: ['+41 44 000 00 00', '03-0000-0000'],
  region: ['EMEA', 'Ásia'],
};
const details = fc.array(fc.constantFrom(...Object.keys(DETAILS)).chain((name) => fc.constantFrom(...DETAILS[name]).map((v) => [name, v])), { maxLength: 3 });

/** Who orders: a guest, a new customer, or one created earlier in the run (right or wrong password). */
const customer = fc.oneof(
  { weight: 5, arbitrary: fc.constant({ kind: 'guest' }) },
  { weight: 2, arbitrary: fc.constantFrom('fz', 'ü', 'клиент', 'Fz.Upper').map((prefix) => ({ kind: 'new', prefix })) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('returning'), n: fc.nat(), flag: fc.constantFrom('Y', 'y', ''), wrong: fc.nat(5).map((w) => w === 0) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('newAgain'), n: fc.nat(), wrong: fc.boolean() }) },
);

/**
 * How the order ends: placed (most of the time) or refused late in the ladder, so that both
 * the success and the error redirect happen.
 */
const outcome = fc.oneof(
  { weight: 8, arbitrary: fc.constant('placed') },
  { weight: 4, arbitrary: fc.constantFrom('noName', 'badPpp', 'badEmail', 'twoMains', 'partnerNoOrg', 'unknownParam', 'badCountry', 'repeatSwp', 'badOffer', 'renewal') },
  { weight: 1, arbitrary: fc.constantFrom('forced', 'later') },
);

const PLACED_PPPS = ['9974', '9974', '9971', '9975', '9600', '9675', '9892'];

export const orderPlan = fc
  .constantFrom(...BRAND_NAMES, 'myresellerbrand', 'myresellerbrand', 'fuzzshop')
  .chain((brand) =>
    fc.record({
      kind: fc.constant('order'),
      brand: fc.constant(brand),
      // HEAD: a HEAD of a valid order URL (Fastify answers it with the GET handler).
      method: fc.oneof({ weight: 9, arbitrary: fc.constant('POST') }, { weight: 3, arbitrary: fc.constant('GET') }, { weight: 1, arbitrary: fc.constant('HEAD') }),
      // Each present two times in three.
      successURL: fc.option(targetSource(brand), { nil: undefined, freq: 3 }),
      errorURL: fc.option(targetSource(brand), { nil: undefined, freq: 3 }),
      outcome,
      customer,
      ppp: fc.constantFrom(...PLACED_PPPS),
      reseller: fc.constantFrom('Y', 'Y', 'y', 'N'),
      format: fc.constantFrom('', '', '', '0', '1'),
      name: fc.constantFrom(...NAMES),
      details,
      forced: fc.constantFrom(-2, -3, -4, -14, -16, -39, -42, -45, -73, -1001, -1002, -15, -18, -20),
      bodyInQuery: fc.nat(6).map((n) => n === 0),
      n: fc.nat(),
      decoration,
    }),
  );

// ---- the ordering page ------------------------------------------------------------------------

export const pagePlan = fc.constantFrom('myresellerbrand', 'myresellerbrand', 'fuzzshop', 'fuzzsandbox', 'resellerbrand').chain((brand) =>
  fc.record({
    kind: fc.constant('page'),
    brand: fc.constant(brand),
    products: fc.subarray(['9974', '9600', '9975', '9720', '9892'], { minLength: 1, maxLength: 3 }),
    reseller: fc.constantFrom('Y', 'N', ''),
    successURL: fc.option(targetSource(brand), { nil: undefined, freq: 4 }), // present three times in four
    prefill: fc.boolean(),
    offerCode: rarely(fc.constantFrom('FREE_HP_UPGRADE', 'free_ev_upgrade'), 6),
    licence: rarely(fc.nat(), 8),
    getDecoration: decoration,
    post: fc.record({
      pick: fc.nat(7),
      customer,
      name: fc.constantFrom(...NAMES),
      details,
      // Fields the session owns, sent in the form anyway (the page must ignore them).
      smuggle: fc.nat(5).map((n) => n === 0),
      token: fc.constantFrom('page', 'page', 'page', 'page', 'page', 'twice', 'other', 'truncated'),
      follow: fc.boolean(),
      decoration,
    }),
  }),
);

// ---- the reseller's own back end --------------------------------------------------------------

export const resellerPlan = fc.record({
  kind: fc.constant('reseller'),
  brand: fc.constantFrom('fuzzshop', 'fuzzshop', 'myresellerbrand', 'fuzzsandbox', 'resellerbrand'),
  endpoint: fc.constantFrom('AutoAuthorize', 'AutoAuthorize', 'AutoReject', 'AutoRefund', 'AutoRefund', 'GetOrderStatus', 'GetOrderStatus'),
  order: fc.oneof(
    { weight: 8, arbitrary: fc.nat().map((n) => ({ kind: 'own', n })) },
    { weight: 1, arbitrary: fc.nat().map((n) => ({ kind: 'other', n })) },
    { weight: 1, arbitrary: fc.nat().map((n) => ({ kind: 'requestId', n })) },
    { weight: 1, arbitrary: fc.constantFrom('0', '-1', '9007199254740992', '1e3', ' 1', '０', '٣').map((value) => ({ kind: 'literal', value })) },
  ),
  wrongPassword: fc.nat(14).map((n) => n === 0),
  method: fc.constantFrom('POST', 'POST', 'POST', 'POST', 'GET'),
  refundReasonCode: fc.constantFrom('1', '5', '11', '11', '0', '12', 'x', ''),
  test: fc.constantFrom('', '', '', 'Y', 'N'),
  format: fc.constantFrom('', '', '0', '1'),
  decoration,
});

export const sandboxPlan = fc.record({
  kind: fc.constant('sandbox'),
  endpoint: fc.constantFrom('SandboxClock', 'SandboxClock', 'SandboxClock', 'SandboxReset'),
  user: fc.constantFrom('sandbox', 'sandbox', 'sandbox', 'sandbox', 'live', 'wrong'),
  advance: fc.constantFrom('', '', '1d', '40d', '2w', '12h', '30s', '9999999d', '0s', 'x', '１d'),
  reset: fc.constantFrom('', '', 'Y', 'N', 'y'),
  format: fc.constantFrom('', '', '0'),
  method: fc.constantFrom('POST', 'POST', 'POST', 'GET'),
  decoration,
});

// ---- the reseller console and the customer portal ---------------------------------------------

export const consolePlan = fc.record({
  kind: fc.constant('console'),
  brand: fc.constantFrom('fuzzshop', 'fuzzshop', 'myresellerbrand', 'fuzzsandbox'),
  fresh: fc.nat(4).map((n) => n === 0),
  wrongPassword: fc.nat(9).map((n) => n === 0),
  steps: fc.array(
    fc.record({
      page: fc.constantFrom('home', 'orders', 'order', 'confirm', 'act', 'act', 'ledger', 'csv', 'orderingUrl', 'settings', 'addOrigin', 'signOut'),
      action: fc.constantFrom('authorize', 'reject', 'refund'),
      n: fc.nat(),
      origin: fc.constantFrom(...CONSOLE_ORIGINS),
      reason: fc.constantFrom('1', '11', '12'),
      products: fc.subarray(['9974', '9600', '9720'], { minLength: 1 }),
      decoration,
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

export const portalPlan = fc.record({
  kind: fc.constant('portal'),
  n: fc.nat(),
  wrongPassword: fc.nat(5).map((n) => n === 0),
  fresh: fc.nat(3).map((n) => n === 0),
  renew: fc.boolean(),
  signOut: fc.nat(6).map((n) => n === 0),
  decoration,
});

// ---- anything the server wrote, sent anywhere --------------------------------------------------

const ECHO_TARGETS = [
  '/products/!PlaceOrder', '/products/%21PlaceOrder', '/products/!AutoAuthorize', '/products/!AutoReject', '/products/!AutoRefund', '/products/!GetOrderStatus',
  '/products/!SandboxReset', '/products/!SandboxClock', '/console', '/console/sign-in', '/console/orders', '/account', '/account/sign-in', '/web/order-placed',
];
const ECHO_NAMES = ['successURL', 'errorURL', 'orderNumber', 'loginName', 'loginPassword', 'licenceCode', 'emailAddress', 'orderingSession', 'csrf', 'r', 'ap', 'product'];

export const echoPlan = fc.record({
  kind: fc.constant('echo'),
  // A Location followed (as a browser would), or any endpoint with values the server wrote.
  follow: fc.nat(3).map((n) => n === 0),
  n: fc.nat(),
  path: fc.constantFrom(...ECHO_TARGETS),
  method: fc.constantFrom('POST', 'POST', 'GET'),
  base: fc.constantFrom(...BRAND_NAMES).map((brand) => ({ brand })),
  values: fc.array(fc.tuple(fc.constantFrom(...ECHO_NAMES), fc.constantFrom('requestId', 'location', 'header', 'order', 'customer', 'token', 'csrf', 'licence'), fc.nat()), { minLength: 1, maxLength: 4 }),
  decoration,
});
