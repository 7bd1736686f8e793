#!/usr/bin/env node
// `npm run fuzz [-- --count N --db PATH_OR_URL --concurrency C --seed S --root DIR]`: property-based
// fuzzing of every endpoint over HTTP, against a real `placeorder serve` process (the built CLI).
// Two kinds of traffic, drawn by fast-check:
// - hostile requests (this file): known and unknown names in random case, duplicates, huge and
//   empty values, invalid UTF-8 and broken percent-encoding, wrong content types, oversized
//   bodies, odd methods and paths, Idempotency-Keys;
// - valid-looking traffic (scripts/lib/fuzz-valid.mjs, fuzz-scenarios.mjs): a reseller's orders
//   with redirect targets on its registered origins in odd spellings (non-ASCII paths, IDN
//   hosts, ports, queries, fragments), the ordering page's form posted back with its token,
//   returning customers created earlier in the run, the reseller's API user on its own orders,
//   the sandbox, the console and the portal signed in, and every header the server wrote sent
//   back (X-Request-Ids as Idempotency-Keys, Locations as successURL, cookies), with and
//   without Idempotency-Key.
// Every answer must carry a parseable errorCode (body, newline body or the pages'
// X-Placeorder-Error-Code header); no answer may be a 5xx; no redirect may leave the registered
// origins; a keyed retry must get the first answer again; the server must not crash, must log
// nothing at error level and must keep its memory flat; and every order the run stored must
// have been acknowledged with errorCode=0 to some request (read from the database after the
// server stops). The default is 100,000 requests; `npm test` runs the same fuzzer with a small
// count (test/hardening/fuzz.test.ts). Results: docs/reliability.md.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { FuzzClient, KNOWN_FINDINGS, Memory } from './lib/fuzz-client.mjs';
import { runPlan } from './lib/fuzz-scenarios.mjs';
import { BRANDS as RESELLERS, PASSWORD, consolePlan, echoPlan, orderPlan, pagePlan, portalPlan, resellerPlan, sandboxPlan } from './lib/fuzz-valid.mjs';
import { startServer } from './lib/server.mjs';

export { errorCodeOf } from './lib/fuzz-client.mjs';

const ENDPOINTS = ['PlaceOrder', 'AutoAuthorize', 'AutoReject', 'AutoRefund', 'GetOrderStatus'];
const PAGES = ['/console', '/console/sign-in', '/console/sign-out', '/console/orders', '/console/orders/1', '/console/orders/1/authorize',
  '/console/settings', '/console/settings/password', '/console/ledger', '/console/ordering-url', '/order', '/account', '/healthz', '/readyz'];
const NAMES = ['ap', 'reseller', 'errorURL', 'successURL', 'region', 'isReturningCustomer', 'product', 'offerCode', 'organizationName',
  'streetAddress1', 'localityName', 'stateOrProvinceName', 'postalCode', 'countryName', 'country', 'name', 'foreName', 'surName',
  'emailAddress', 'telephoneNumber', 'loginName', 'loginPassword', 'licenceCode', 'responseFormat', 'orderNumber', 'test',
  'refundReasonCode', '1_PPP', '1_ID', '1_visibility', '1_MACAddress', '_1_PPP', '2_PPP', '01_PPP', '1_days', 'x_visibility', 'csrf', 'password'];
const BRANDS = ['resellerbrand', 'myresellerbrand', 'reseller_brand_name', 'RESELLERBRAND', 'nobody'];
const PPPS = ['9974', '9975', '9980', '9990', '0', '-1', '99999999999999999999', '9974 '];

const hostileText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', ' ', '\u0000', '\r\n', '%', '%%', '%G1', '%FF%FE', '%C0%AF', '%ED%A0%80', '%E0%A4%A', '+', '&', '=', '==', '\u202e',
    '<script>alert(1)</script>', "' OR 1=1 --", '${7*7}', '../../etc/passwd', 'https://evil.com', '//evil.com', 'javascript:alert(1)',
    'Y', 'y', 'N', 'n', 'yes', '1', '0', '-0', '1e9', 'NaN', 'null', 'undefined', '[]', '{}', 'guest@example.com', 'a@b', '@'),
  fc.integer({ min: 1, max: 5 }).map((n) => 'x'.repeat(n * 100)),
  fc.constantFrom(...PPPS, ...BRANDS),
);

/** A value as it goes on the wire: usually percent-encoded, sometimes raw (broken on purpose). */
const wireValue = fc.tuple(hostileText, fc.nat(9)).map(([v, r]) => (r === 0 ? v.replace(/[&=#\s]/g, '') : encodeURIComponent(v)));

const randomCase = (name) => fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length })
  .map((flags) => [...name].map((c, i) => (flags[i] ? c.toUpperCase() : c.toLowerCase())).join(''));

const paramName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...NAMES) },
  { weight: 2, arbitrary: fc.constantFrom(...NAMES).chain(randomCase) },
  { weight: 1, arbitrary: hostileText.map((s) => encodeURIComponent(s)) },
  { weight: 1, arbitrary: fc.constantFrom('', '%', '%FF', 'a%00b', '1_', '_', '999999999_PPP', '0_PPP', '1__PPP', 'x'.repeat(300)) },
);

const hostilePairs = fc.array(fc.tuple(paramName, wireValue), { maxLength: 25 }).map((pairs) => pairs.map(([n, v]) => `${n}=${v}`).join('&'));

/** A valid guest order with one or two mutations: the ladder is walked deep, not only its top. */
const nearValidOrder = fc
  .record({
    ap: fc.constantFrom(...BRANDS),
    reseller: fc.constantFrom('Y', 'y', 'N'),
    email: fc.oneof(fc.constant('fuzz@example.com'), hostileText),
    ppp: fc.constantFrom(...PPPS),
    extra: fc.array(fc.tuple(paramName, wireValue), { maxLength: 3 }),
    creds: fc.nat(19),
    dupName: fc.boolean(),
  })
  .map((o) => {
    const pairs = [`ap=${encodeURIComponent(o.ap)}`, `reseller=${o.reseller}`, `emailAddress=${encodeURIComponent(o.email)}`, 'name=Fuzz%20Person', `1_PPP=${encodeURIComponent(o.ppp)}`];
    if (o.dupName) pairs.push('NAME=Second');
    // Credentials rarely: each costs a real argon2id hash on the server.
    if (o.creds === 0) pairs.push(`loginName=fuzz-${Math.random().toString(36).slice(2, 8)}`, 'loginPassword=fuzz-password');
    for (const [n, v] of o.extra) pairs.push(`${n}=${v}`);
    return pairs.join('&');
  });

const pathArb = fc.oneof(
  { weight: 10, arbitrary: fc.tuple(fc.constantFrom(...ENDPOINTS), fc.constantFrom('!', '!', '!', '%21')).map(([e, b]) => `/products/${b}${e}`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...ENDPOINTS), fc.constantFrom('%2521', '', '%2', '!!')).map(([e, b]) => `/products/${b}${e}`) },
  { weight: 1, arbitrary: fc.constantFrom(...ENDPOINTS).chain(randomCase).map((e) => `/products/!${e}`) },
  { weight: 2, arbitrary: fc.constantFrom(...PAGES) },
  { weight: 1, arbitrary: fc.constantFrom('/', '/products/', '/products/!PlaceOrder/', '/products//!PlaceOrder', '/%', '/%FF', '/..%2f..%2fetc', '/products/!PlaceOrder%00', `/${'a'.repeat(3000)}`) },
);

const contentType = fc.constantFrom(
  'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8',
  'APPLICATION/X-WWW-FORM-URLENCODED', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', 'application/octet-stream', '', ';;;', 'application/x-www-form-urlencoded; charset=latin1',
);

export const requestArb = fc.record({
  method: fc.oneof(
    { weight: 6, arbitrary: fc.constant('GET') },
    { weight: 10, arbitrary: fc.constant('POST') },
    { weight: 1, arbitrary: fc.constantFrom('HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH') },
  ),
  path: pathArb,
  query: fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 2, arbitrary: hostilePairs }, { weight: 2, arbitrary: nearValidOrder }),
  body: fc.oneof({ weight: 2, arbitrary: hostilePairs }, { weight: 3, arbitrary: nearValidOrder }, { weight: 1, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: fc.integer({ min: 60, max: 80 }).map((k) => `ap=resellerbrand&pad=${'p'.repeat(k * 1024)}`) },
    { weight: 1, arbitrary: fc.constantFrom('{"ap":"resellerbrand"}', '\u0000\u0001\u0002', '%%%%', 'ap=%E9t%E9', '&&&&', '=') }),
  contentType,
  responseFormat: fc.constantFrom('', '', '&responseFormat=0', '&responseformat=1', '&responseFormat=9'),
  idempotencyKey: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('k1', 'k2', 'k3', '', 'x'.repeat(300), 'ключ') }),
});

/** A hostile record as a request on the wire. */
function hostileRequest(r) {
  const query = r.query + r.responseFormat;
  const headers = {};
  const hasBody = r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH';
  if (hasBody && r.contentType) headers['content-type'] = r.contentType;
  if (r.idempotencyKey !== undefined) headers['idempotency-key'] = r.idempotencyKey;
  return { scenario: 'hostile', method: r.method, path: `${r.path}${query ? `?${query.replace(/^&/, '')}` : ''}`, headers, body: hasBody ? r.body : undefined };
}

/**
 * One step of the run: a hostile request, or a valid-looking scenario of one to five requests.
 * Weighted so that hostile requests stay about a third of the traffic and each scenario runs
 * thousands of times in 100,000 requests.
 */
export const stepArb = fc.oneof(
  { weight: 40, arbitrary: requestArb.map((r) => ({ kind: 'hostile', r })) },
  { weight: 22, arbitrary: orderPlan },
  { weight: 9, arbitrary: pagePlan },
  { weight: 11, arbitrary: resellerPlan },
  { weight: 4, arbitrary: sandboxPlan },
  { weight: 4, arbitrary: consolePlan },
  { weight: 3, arbitrary: portalPlan },
  { weight: 7, arbitrary: echoPlan },
);

/** One step; an exception of the fuzzer's own is counted (and fails the run), not thrown. */
async function runStep(client, step) {
  try {
    await (step.kind === 'hostile' ? client.send(hostileRequest(step.r)) : runPlan(client, step));
  } catch (error) {
    client.findings.fuzzerErrors++;
    client.example({ kind: 'the fuzzer itself threw', error: String(error?.stack ?? error).slice(0, 1000), step: JSON.stringify(step).slice(0, 500) });
  }
}

async function rssOf(base) {
  try {
    const res = await globalThis.fetch(`${base}/metrics`);
    const m = /^process_resident_memory_bytes (\d+)$/m.exec(await res.text());
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN; // the server is gone: the crash is the finding
  }
}

const DEFAULT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The server's settings for the run. Rate limits off: a -42 is a fine answer, but it would
 * stop the fuzzer reaching the ladder. Cheap argon2id (1 MiB, one pass): the run creates
 * thousands of customers and tries wrong passwords; the cost is not what is tested here.
 * A locked login name stays locked for one minute, not fifteen.
 */
const SERVER_ENV = {
  PLACEORDER_RATE_ADDRESS_PER_SECOND: '0',
  PLACEORDER_RATE_RESELLER_PER_SECOND: '0',
  PLACEORDER_ARGON2_MEMORY_KIB: '1024',
  PLACEORDER_ARGON2_TIME_COST: '1',
  PLACEORDER_LOGIN_LOCKOUT_MINUTES: '1',
};

/** The fuzzer's own resellers (fuzz-valid.mjs, BRANDS), created with the CLI unless they exist. */
function prepareDatabase(bin, db) {
  const cli = (args) => execFileSync(process.execPath, [bin, ...args, '--db', db], { env: { ...process.env, ...SERVER_ENV }, stdio: 'pipe' });
  for (const b of Object.values(RESELLERS).filter((x) => x.own)) {
    try {
      cli(['reseller', 'add', '--ap', b.ap, '--login', b.login, '--password', PASSWORD, '--validated', ...b.origins.flatMap((o) => ['--redirect-origin', o]), ...(b.sandbox ? ['--sandbox'] : [])]);
    } catch (e) {
      if (/exists already/.test(String(e.stderr))) continue; // a database of an earlier run
      throw new Error(`placeorder reseller add failed: ${e.stderr ?? e.message}`, { cause: e });
    }
    if (b.secret) cli(['redirect-secret', '--ap', b.ap]);
    if (b.funds) cli(['funds', 'credit', '--ap', b.ap, '--amount', b.funds]);
  }
}

/** The highest order number in the database: orders above it are this run's. */
async function lastOrderNumber(openStore, db) {
  const store = await openStore(db);
  try {
    const row = await store.db.selectFrom('orders').select((eb) => eb.fn.max('id').as('max')).executeTakeFirst();
    return Number(row?.max ?? 0);
  } finally {
    await store.close();
  }
}

/**
 * Every order this run stored must have been acknowledged with errorCode=0 to some request
 * (idempotent replays acknowledge the same order again: fine). The other way round, an
 * acknowledged order must be stored, unless it was the sandbox reseller's (!SandboxReset).
 */
async function checkOrders(openStore, db, after, client) {
  const acknowledged = client.acknowledged;
  const store = await openStore(db);
  try {
    const rows = await store.db
      .selectFrom('orders')
      .innerJoin('resellers', 'resellers.id', 'orders.reseller_id')
      .select(['orders.id as id', 'resellers.ap as ap', 'orders.email_address as email', 'orders.request_id as requestId', 'orders.created_at as createdAt'])
      .where('orders.id', '>', after)
      .orderBy('orders.id')
      .execute();
    const stored = new Set(rows.map((r) => Number(r.id)));
    const unacknowledged = [];
    for (const r of rows.filter((o) => !acknowledged.has(Number(o.id)))) {
      const known = KNOWN_FINDINGS.unacknowledged(r, client);
      if (known === undefined) unacknowledged.push(r);
      else client.known.set(known, (client.known.get(known) ?? 0) + 1);
    }
    const missing = [...acknowledged].filter(([n]) => !stored.has(n));
    const lost = missing.filter(([, a]) => !a.sandbox).map(([n]) => n);
    return {
      storedOrders: rows.length,
      acknowledgedOrders: acknowledged.size,
      acknowledgements: [...acknowledged.values()].reduce((s, a) => s + a.count, 0),
      unacknowledgedOrders: unacknowledged.length,
      unacknowledgedExamples: unacknowledged.slice(0, 10).map((r) => ({ ...r, id: Number(r.id) })),
      lostOrders: lost.length,
      lostExamples: lost.slice(0, 10),
      sandboxOrdersReset: missing.length - lost.length,
    };
  } finally {
    await store.close();
  }
}

/**
 * Runs `count` requests against a fresh server process and returns the findings.
 * @param {{ count?: number, db?: string, concurrency?: number, seed?: number, root?: string,
 *   log?: (s: string) => void, beforeRun?: (base: string) => Promise<void> }} options
 * `root` is the project whose build is run (default: this one); `beforeRun` runs once the server
 * listens, before the first fuzz request (the test uses it to place an order the fuzzer never
 * sees acknowledged).
 */
export async function runFuzz(options = {}) {
  const count = options.count ?? 100_000;
  const concurrency = options.concurrency ?? 16;
  const seed = options.seed ?? Date.now() % 2_147_483_647;
  const log = options.log ?? (() => {});
  const root = resolve(options.root ?? DEFAULT_ROOT);
  const bin = join(root, 'bin', 'placeorder.js');
  const dir = options.db ? undefined : mkdtempSync(join(tmpdir(), 'placeorder-fuzz-'));
  const db = options.db ?? join(dir, 'fuzz.db');
  prepareDatabase(bin, db);
  const { openStore } = await import(pathToFileURL(join(root, 'dist', 'db', 'store.js')).href);
  const firstOrder = await lastOrderNumber(openStore, db);
  const server = startServer({ db, bin, args: ['--demo', '--allow-http'], env: SERVER_ENV, knownError: KNOWN_FINDINGS.errorLine });
  const base = await server.ready();
  try {
    await options.beforeRun?.(base);
  } catch (error) {
    server.child.kill('SIGKILL'); // never leave an orphan server behind
    throw error;
  }
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const memory = new Memory(`${seed.toString(36)}${Date.now().toString(36).slice(-4)}`);
  const client = new FuzzClient({ base, agent, count, memory });
  const rss = [];
  server.exited.then(() => (client.crashed = true));
  const started = Date.now();
  rss.push(await rssOf(base));
  const batch = 1000;
  for (let b = 0; !client.spent; b++) {
    const steps = fc.sample(stepArb, { numRuns: batch, seed: seed + b * batch });
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < steps.length && !client.spent) await runStep(client, steps[next++]);
      }),
    );
    if (!client.crashed) rss.push(await rssOf(base));
    if (b % 10 === 9) log(`${client.findings.requests} requests, ${((Date.now() - started) / 1000).toFixed(0)} s, rss ${(rss.at(-1) / 2 ** 20).toFixed(0)} MiB`);
  }
  const findings = { ...client.findings, crashed: client.crashed };
  // A -14 is an answer, but one logged as an unexpected error is a finding.
  findings.errorLogLines = server.counts.errorLines;
  findings.errorLogExamples = server.counts.errorSamples;
  for (const [name, n] of Object.entries(server.counts.knownErrors)) client.known.set(name, n);
  findings.logLines = server.counts.lines;
  agent.destroy();
  if (!client.crashed) {
    server.child.kill('SIGTERM');
    const { code } = await server.exited;
    findings.cleanExit = code === 0;
  } else {
    findings.exit = await server.exited;
    findings.lastLogLines = server.lines.slice(-5).map((l) => l.slice(0, 500));
  }
  const orders = await checkOrders(openStore, db, firstOrder, client);
  if (dir) rmSync(dir, { recursive: true, force: true });
  const mib = (b) => Math.round((b / 2 ** 20) * 10) / 10;
  const sorted = (map, n = Infinity) => Object.fromEntries([...map].sort((a, b) => b[1] - a[1]).slice(0, n));
  return {
    ...findings,
    ...orders,
    seed,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    scenarios: sorted(client.scenarios),
    redirects: client.redirects,
    idempotentReplays: client.idempotentReplays,
    knownFindings: sorted(client.known),
    customersCreated: memory.customersCreated,
    errorCodes: sorted(client.byCode),
    noErrorCodeBy: sorted(client.noCodeBy),
    unknownErrorBy: sorted(client.unknownBy, 15),
    rssMiB: { start: mib(rss[0]), afterFirstBatch: mib(rss[1] ?? NaN), end: mib(rss.at(-1)), max: mib(Math.max(...rss.filter(Number.isFinite))) },
  };
}

/** The findings that fail a run. */
export function failuresOf(result) {
  return Object.entries({
    crashed: result.crashed,
    serverErrors: result.serverErrors,
    noErrorCode: result.noErrorCode,
    transportErrors: result.transportErrors,
    errorLogLines: result.errorLogLines,
    unacknowledgedOrders: result.unacknowledgedOrders,
    lostOrders: result.lostOrders,
    offOriginRedirects: result.offOriginRedirects,
    replayMismatches: result.replayMismatches,
    fuzzerErrors: result.fuzzerErrors,
    cleanExit: result.cleanExit === false,
  })
    .filter(([, v]) => v)
    .map(([k]) => k);
}

async function main() {
  const { values } = parseArgs({
    options: { count: { type: 'string' }, db: { type: 'string' }, concurrency: { type: 'string' }, seed: { type: 'string' }, root: { type: 'string' } },
  });
  const result = await runFuzz({
    count: values.count ? Number(values.count) : undefined,
    db: values.db,
    concurrency: values.concurrency ? Number(values.concurrency) : undefined,
    seed: values.seed ? Number(values.seed) : undefined,
    root: values.root,
    log: (s) => process.stderr.write(`${s}\n`),
  });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  const failed = failuresOf(result);
  process.stderr.write(
    `${result.requests} requests, ${result.answered} answered; ${result.storedOrders} orders stored, ${result.acknowledgedOrders} acknowledged, ` +
      `${result.unacknowledgedOrders} never acknowledged; redirects ${result.redirects.success} success / ${result.redirects.error} error; ` +
      `${failed.length === 0 ? 'no findings' : `FINDINGS: ${failed.join(', ')}`}\n`,
  );
  process.exitCode = failed.length > 0 ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
