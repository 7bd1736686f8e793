// Runs the valid-looking plans of scripts/lib/fuzz-valid.mjs: a reseller's orders with
// redirect targets on its registered origins, the ordering page (GET the form, POST it back
// with its token), the reseller's API user on its own orders, the sandbox, the console and the
// portal signed in with real credentials, and any value the server wrote sent back anywhere.
// Each step goes through FuzzClient.send, which checks the answer and keeps the ledger of
// acknowledged orders; a step stops as soon as the run's budget is spent.
import { acknowledgedIn } from './fuzz-client.mjs';
import { BRANDS, PASSWORD } from './fuzz-valid.mjs';

const FORM = 'application/x-www-form-urlencoded';

/** A url-encoded form; pairs whose value is undefined are left out. */
export function form(pairs) {
  return pairs
    .filter(([, v]) => v !== undefined)
    .map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`)
    .join('&');
}

const unescapeHtml = (s) => s.replace(/&(amp|lt|gt|quot|#39|#96);/g, (_, e) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#96': '`' })[e]);

/** The value of a hidden field of a page. */
const hiddenField = (body, name) => {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(body ?? '');
  return m ? unescapeHtml(m[1]) : undefined;
};

/** `name=value` of a Set-Cookie header of `res` named `name`. */
const cookieOf = (res, name) => (res?.headers?.['set-cookie'] ?? []).map((c) => c.split(';')[0]).find((c) => c.startsWith(`${name}=`));

/** A GET with `pairs` in the query, or a POST with them in the body (some in the query). */
function request(memory, scenario, method, path, pairs, decoration, { inQuery = 0, headers = {} } = {}) {
  const all = form(pairs);
  if (method === 'GET' || method === 'HEAD') return { scenario, method, path: all ? `${path}?${all}` : path, headers: memory.headersFor(decoration, headers) };
  const query = form(pairs.slice(0, inQuery));
  return {
    scenario,
    method,
    path: query ? `${path}?${query}` : path,
    headers: memory.headersFor(decoration, { 'content-type': FORM, ...headers }),
    body: form(pairs.slice(inQuery)),
  };
}

/** Sends `r`; with `decoration.replay`, sends it again and, for a keyed POST, checks the replay. */
async function sendMaybeTwice(client, r, decoration) {
  const first = await client.send(r);
  if (!decoration.replay || first === undefined) return first;
  const second = await client.send(r);
  if (r.method === 'POST' && r.headers['idempotency-key'] !== undefined) client.checkReplay(first, second, r);
  return first;
}

/** The customer's parameters, and what to remember once the order is placed. */
function customerPairs(memory, c, withName, name, email) {
  const known = c.kind === 'returning' || c.kind === 'newAgain' ? memory.customers.at(c.n) : undefined;
  if (known) {
    const password = c.wrong ? `${known.password}x` : known.password;
    const flag = c.kind === 'newAgain' ? 'N' : c.flag || undefined;
    // Without isReturningCustomer=Y the request is a new customer's whose name is taken: it
    // needs a name like any new customer's.
    const pairs = [['isReturningCustomer', flag], ['loginName', known.loginName], ['loginPassword', password], ['emailAddress', known.email]];
    return { pairs: flag === 'Y' || flag === 'y' ? pairs : [...pairs, ['name', name]] };
  }
  const pairs = [withName ? ['name', name] : ['name', undefined], ['emailAddress', email]];
  if (c.kind !== 'new') return { pairs };
  const created = { loginName: memory.unique(c.prefix), password: memory.unique('pässwort'), email };
  pairs.push(['isReturningCustomer', 'N'], ['loginName', created.loginName], ['loginPassword', created.password]);
  return { pairs, created };
}

/** Remembers what a `!PlaceOrder` answer acknowledged: the brand's order numbers and a new customer. */
function remember(client, res, brand, created) {
  const numbers = res?.headers ? acknowledgedIn(res, client.base) : [];
  for (const n of numbers) client.memory.ordersOf(brand).push(n);
  if (numbers.length > 0 && created) {
    client.memory.customers.push(created);
    client.memory.customersCreated++;
  }
}

/** The redirect target a plan asks for: drawn, or a Location the server wrote. */
const targetOf = (memory, source) => (source === undefined ? undefined : source.kind === 'url' ? source.url : memory.locations.at(source.n));

const SANDBOX_DOMAIN = 'sandbox.placeorder.test';

async function order(client, p) {
  const m = client.memory;
  const brand = BRANDS[p.brand];
  let email = `${m.unique('fz')}@example.com`;
  let ppp = p.ppp;
  const extra = [];
  const details = p.details.filter(([n]) => !(p.outcome === 'partnerNoOrg' && n === 'organizationName'));
  switch (p.outcome) {
    case 'badPpp': ppp = '1234'; break;
    case 'badEmail': email = email.replace('@', '.'); break;
    case 'twoMains': ppp = '9600'; extra.push(['2_PPP', '9605']); break;
    case 'partnerNoOrg': ppp = '9720'; break;
    case 'unknownParam': extra.push(['colour', 'blue']); break;
    case 'badCountry': extra.push(['countryName', 'XX']); break;
    case 'repeatSwp': ppp = '9600'; email = `swp-${brand.ap}@example.com`; break;
    case 'badOffer': extra.push(['offerCode', 'FREE_EV_UPGRADE']); break;
    case 'renewal': extra.push(['licenceCode', m.licences.at(p.n) ?? 'NO-SUCH-LICENCE']); break;
    case 'forced': email = `force-${-p.forced}@${SANDBOX_DOMAIN}`; break;
    case 'later': email = `later-${-p.forced}+${m.unique('t')}@${SANDBOX_DOMAIN}`; break;
  }
  const who = customerPairs(m, p.customer, p.outcome !== 'noName', p.name, email);
  const pairs = [
    ['ap', brand.ap],
    ['reseller', p.reseller],
    ['successURL', targetOf(m, p.successURL)],
    ['errorURL', targetOf(m, p.errorURL)],
    ...who.pairs,
    ...details,
    ['1_PPP', ppp],
    ...extra,
    ['responseFormat', p.format || undefined],
  ];
  const r = request(m, 'order', p.method, '/products/!PlaceOrder', pairs, p.decoration, { inQuery: p.bodyInQuery ? 3 : 0 });
  const res = await sendMaybeTwice(client, r, p.decoration);
  remember(client, res, p.brand, who.created);
}

async function page(client, p) {
  const m = client.memory;
  const brand = BRANDS[p.brand];
  const query = [
    ['ap', brand.ap],
    ['product', p.products.join(',')],
    ['reseller', p.reseller || undefined],
    ['successURL', targetOf(m, p.successURL)],
    ['offerCode', p.offerCode],
    ['licenceCode', p.licence === undefined ? undefined : m.licences.at(p.licence)],
    ...(p.prefill ? [['emailAddress', `${m.unique('pre')}@example.com`], ['name', 'Prefilled Person']] : []),
  ];
  const shown = await client.send(request(m, 'page', 'GET', '/products/!PlaceOrder', query, p.getDecoration));
  const token = hiddenField(shown?.body, 'orderingSession');
  if (token === undefined) return;
  await submitForm(client, p.brand, token, p.post, p.products);
}

/** POSTs an ordering page's form back: its token, ticked products, the customer's details. */
async function submitForm(client, brand, token, post, products) {
  const m = client.memory;
  const sent = post.token === 'other' ? (m.tokens.at(post.pick) ?? token) : post.token === 'truncated' ? token.slice(0, -3) : token;
  const who = customerPairs(m, post.customer, true, post.name, `${m.unique('page')}@example.com`);
  const ticked = products.filter((_, i) => (post.pick >> i) & 1 || i === 0);
  const pairs = [
    ['orderingSession', sent],
    ...ticked.map((ppp) => ['product', ppp]),
    ...who.pairs,
    ...post.details,
    ...(post.smuggle ? [['successURL', 'https://evil.example/'], ['ap', 'resellerbrand'], ['reseller', 'N'], ['1_PPP', '9600']] : []),
  ];
  const r = request(m, 'page', 'POST', '/products/!PlaceOrder', pairs, post.decoration);
  const res = await client.send(r);
  remember(client, res, brand, who.created);
  // The same form again (a second click, the back button): the receipt of the same order.
  if (post.token === 'twice') remember(client, await client.send(r), brand, undefined);
  const location = res?.headers?.location;
  if (post.follow && typeof location === 'string' && location.startsWith('/')) {
    await client.send({ scenario: 'page', method: 'GET', path: location, headers: m.headersFor(post.decoration) });
  }
}

/** An order number for a reseller call: the brand's own, another brand's, or none of them. */
function orderNumberFor(m, brand, o) {
  if (o.kind === 'literal') return o.value;
  if (o.kind === 'requestId') return m.requestIds.at(o.n) ?? '1';
  const from = o.kind === 'own' ? brand : Object.keys(BRANDS)[o.n % Object.keys(BRANDS).length];
  const n = m.ordersOf(from).at(o.n);
  return n === undefined ? '1' : String(n);
}

async function reseller(client, p) {
  const m = client.memory;
  const brand = BRANDS[p.brand];
  const pairs = [
    ['loginName', brand.login],
    ['loginPassword', p.wrongPassword ? `${PASSWORD}x` : PASSWORD],
    ['orderNumber', orderNumberFor(m, p.brand, p.order)],
    ['refundReasonCode', p.endpoint === 'AutoRefund' ? p.refundReasonCode : undefined],
    ['test', p.endpoint === 'AutoAuthorize' ? p.test || undefined : undefined],
    ['responseFormat', p.format || undefined],
  ];
  await sendMaybeTwice(client, request(m, 'reseller', p.method, `/products/!${p.endpoint}`, pairs, p.decoration), p.decoration);
}

async function sandbox(client, p) {
  const m = client.memory;
  const login = p.user === 'live' ? BRANDS.fuzzshop.login : BRANDS.fuzzsandbox.login;
  const pairs = [
    ['loginName', login],
    ['loginPassword', p.user === 'wrong' ? `${PASSWORD}x` : PASSWORD],
    ['advance', p.endpoint === 'SandboxClock' ? p.advance || undefined : undefined],
    ['reset', p.endpoint === 'SandboxClock' ? p.reset || undefined : undefined],
    ['responseFormat', p.format || undefined],
  ];
  await sendMaybeTwice(client, request(m, 'sandbox', p.method, `/products/!${p.endpoint}`, pairs, p.decoration), p.decoration);
}

/**
 * Signs in through a sign-in page (console or portal): GET it for the pre-session cookie and
 * CSRF token, POST the credentials, GET the home page for the session's CSRF token.
 */
async function signIn(client, scenario, home, cookie, loginName, password, decoration) {
  const m = client.memory;
  const pageRes = await client.send({ scenario, method: 'GET', path: `${home}/sign-in`, headers: m.headersFor(decoration) });
  const pre = cookieOf(pageRes, `${cookie}_pre`);
  const csrf = hiddenField(pageRes?.body, 'csrf');
  if (!pre || !csrf) return undefined;
  const body = form([['csrf', csrf], ['loginName', loginName], ['loginPassword', password]]);
  const res = await client.send({ scenario, method: 'POST', path: `${home}/sign-in`, headers: m.headersFor(decoration, { 'content-type': FORM, cookie: pre }), body });
  const session = cookieOf(res, cookie);
  if (!session || session === `${cookie}=`) return undefined;
  const homeRes = await client.send({ scenario, method: 'GET', path: home, headers: m.headersFor(decoration, { cookie: session }) });
  const sessionCsrf = hiddenField(homeRes?.body, 'csrf');
  return sessionCsrf === undefined ? undefined : { cookie: session, csrf: sessionCsrf, home: homeRes };
}

async function consoleSession(client, p) {
  const m = client.memory;
  const brand = BRANDS[p.brand];
  let s = p.fresh || p.wrongPassword ? undefined : m.consoleSessions.get(p.brand);
  if (!s) {
    s = await signIn(client, 'console', '/console', 'po_console', brand.login, p.wrongPassword ? `${PASSWORD}x` : PASSWORD, p.steps[0].decoration);
    if (!s) return;
    m.consoleSessions.set(p.brand, s);
  }
  for (const step of p.steps) {
    const n = orderNumberFor(m, p.brand, { kind: 'own', n: step.n });
    const get = (path) => ({ scenario: 'console', method: 'GET', path, headers: m.headersFor(step.decoration, { cookie: s.cookie }) });
    const post = (path, pairs) => ({
      scenario: 'console',
      method: 'POST',
      path,
      headers: m.headersFor(step.decoration, { cookie: s.cookie, 'content-type': FORM }),
      body: form([['csrf', s.csrf], ...pairs]),
    });
    const r = {
      home: () => get('/console'),
      orders: () => get(`/console/orders?${form([['status', step.n % 2 ? 'pending_authorization' : ''], ['email', step.n % 3 ? '' : 'é@example.com']])}`),
      order: () => get(`/console/orders/${n}`),
      confirm: () => get(`/console/orders/${n}/${step.action}`),
      act: () => post(`/console/orders/${n}/${step.action}`, step.action === 'refund' ? [['refundReasonCode', step.reason]] : []),
      ledger: () => get('/console/ledger'),
      csv: () => get('/console/ledger.csv'),
      orderingUrl: () => get(`/console/ordering-url?${form([...step.products.map((x) => ['product', x]), ['reseller', step.n % 2 ? 'N' : 'Y']])}`),
      settings: () => get('/console/settings'),
      addOrigin: () => post('/console/settings/origins/add', [['origin', step.origin]]),
      signOut: () => post('/console/sign-out', []),
    }[step.page]();
    const res = await client.send(r);
    if (res === undefined) return;
    if (step.page === 'signOut' || res.headers?.location === '/console/sign-in' || res.status === 403) {
      m.consoleSessions.delete(p.brand);
      return;
    }
  }
}

async function portal(client, p) {
  const m = client.memory;
  const customer = m.customers.at(p.n);
  if (!customer) return;
  let s = p.fresh || p.wrongPassword ? undefined : m.portalSession;
  let home = s && (await client.send({ scenario: 'portal', method: 'GET', path: '/account', headers: m.headersFor(p.decoration, { cookie: s.cookie }) }));
  if (!s || home?.headers?.location) {
    s = await signIn(client, 'portal', '/account', 'po_account', customer.loginName, p.wrongPassword ? `${customer.password}x` : customer.password, p.decoration);
    if (!s) return;
    m.portalSession = s;
    home = s.home;
  }
  // The licences' renew links lead to the ordering page with the licence filled in.
  const renew = [...(home?.body ?? '').matchAll(/href="(\/products\/!PlaceOrder\?[^"]+)"/g)].map((x) => unescapeHtml(x[1]));
  if (p.renew && renew.length > 0) {
    const shown = await client.send({ scenario: 'portal', method: 'GET', path: renew[p.n % renew.length], headers: m.headersFor(p.decoration) });
    const token = hiddenField(shown?.body, 'orderingSession');
    const ppp = /name="product" value="([0-9]+)"/.exec(shown?.body ?? '')?.[1];
    if (token && ppp) {
      const pairs = [['orderingSession', token], ['product', ppp], ['isReturningCustomer', 'Y'], ['loginName', customer.loginName], ['loginPassword', customer.password], ['emailAddress', customer.email]];
      await client.send({ scenario: 'portal', method: 'POST', path: '/products/!PlaceOrder', headers: m.headersFor(p.decoration, { 'content-type': FORM }), body: form(pairs) });
    }
  }
  if (p.signOut) {
    await client.send({ scenario: 'portal', method: 'POST', path: '/account/sign-out', headers: m.headersFor(p.decoration, { cookie: s.cookie, 'content-type': FORM }), body: form([['csrf', s.csrf]]) });
    m.portalSession = undefined;
  }
}

/** A value the server wrote earlier, of the kind a plan names. */
function echoed(m, source, n) {
  switch (source) {
    case 'requestId': return m.requestIds.at(n);
    case 'location': return m.locations.at(n);
    case 'header': return m.headers.at(n)?.[1];
    case 'order': return String(m.ordersOf(Object.keys(BRANDS)[n % 4]).at(n) ?? '');
    case 'customer': return m.customers.at(n)?.loginName;
    case 'token': return m.tokens.at(n);
    case 'csrf': return m.csrfs.at(n);
    default: return m.licences.at(n);
  }
}

async function echo(client, p) {
  const m = client.memory;
  if (p.follow) {
    const location = m.locations.at(p.n);
    if (location === undefined) return;
    // Relative: as a browser follows it. Absolute (a reseller's page): its path and query sent
    // here, so that placeorder's own answer parameters come back to it.
    let url;
    try {
      url = new URL(location, client.base);
    } catch {
      return; // not a URL at all: FuzzClient.checkRedirect counted it when it came
    }
    await client.send({ scenario: 'echo', method: 'GET', path: `${url.pathname}${url.search}`, headers: m.headersFor(p.decoration) });
    return;
  }
  const brand = BRANDS[p.base.brand];
  // The values the server wrote come first (the first occurrence of a name wins), then what the
  // endpoint needs to get past its first checks.
  const needs = !p.path.startsWith('/products/')
    ? []
    : /PlaceOrder$/.test(p.path)
      ? [['ap', brand.ap], ['reseller', 'Y'], ['emailAddress', `${m.unique('echo')}@example.com`], ['name', 'Echo Person'], ['1_PPP', '9974']]
      : [['loginName', brand.login], ['loginPassword', PASSWORD]];
  const pairs = [...p.values.map(([name, source, n]) => [name, echoed(m, source, n)]), ...needs];
  await sendMaybeTwice(client, request(m, 'echo', p.method, p.path, pairs, p.decoration), p.decoration);
}

export const SCENARIOS = { order, page, reseller, sandbox, console: consoleSession, portal, echo };

/** Runs one plan; hostile ones (the original generator's records) are sent as they are. */
export function runPlan(client, plan) {
  return SCENARIOS[plan.kind](client, plan);
}
