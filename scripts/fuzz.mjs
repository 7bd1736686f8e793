#!/usr/bin/env node
// `npm run fuzz [-- --count N --db PATH_OR_URL --concurrency C --seed S]`: property-based fuzzing
// of every endpoint over HTTP, against a real `placeorder serve` process (the built CLI).
// fast-check generates hostile requests: known and unknown names in random case, duplicates,
// huge and empty values, invalid UTF-8 and broken percent-encoding, wrong content types,
// oversized bodies, odd methods and paths, Idempotency-Keys. Every answer must carry a
// parseable errorCode (body, newline body or the pages' X-Placeorder-Error-Code header), no
// answer may be a 5xx, the server must not crash, and its memory must stay flat.
// The default is 100,000 requests; `npm test` runs the same fuzzer with a small count
// (test/hardening/fuzz.test.ts). Results: docs/reliability.md.
import { Buffer } from 'node:buffer';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { startServer } from './lib/server.mjs';

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

/** The errorCode an answer carries, or undefined when it carries none. */
export function errorCodeOf(res) {
  const header = res.headers['x-placeorder-error-code'];
  if (typeof header === 'string' && /^-?[0-9]+$/.test(header)) return Number(header);
  const url = /^errorCode=(-?[0-9]+)(&|$)/.exec(res.body);
  if (url) return Number(url[1]);
  const line = /^(-?[0-9]+)\n/.exec(res.body);
  if (line && String(res.headers['content-type']).startsWith('text/plain')) return Number(line[1]);
  return undefined;
}

function send(agent, base, r) {
  const url = new URL(base);
  const query = r.query + r.responseFormat;
  const path = `${r.path}${query ? `?${query.replace(/^&/, '')}` : ''}`;
  const headers = {};
  const hasBody = r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH';
  if (hasBody && r.contentType) headers['content-type'] = r.contentType;
  if (r.idempotencyKey !== undefined) headers['idempotency-key'] = r.idempotencyKey;
  return new Promise((resolve) => {
    let req;
    try {
      req = request({ host: url.hostname, port: url.port, method: r.method, path, headers, agent }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => resolve({ transportError: e.code ?? e.message }));
      });
    } catch (e) {
      // Node refuses to send it (e.g. a character not allowed in a path): not a server finding.
      resolve({ refusedByClient: e.code ?? e.message });
      return;
    }
    req.on('error', (e) => resolve({ transportError: e.code ?? e.message }));
    req.end(hasBody ? r.body : undefined);
  });
}

async function rssOf(base) {
  const res = await globalThis.fetch(`${base}/metrics`);
  const m = /^process_resident_memory_bytes (\d+)$/m.exec(await res.text());
  return m ? Number(m[1]) : NaN;
}

/**
 * Runs `count` generated requests against a fresh server process and returns the findings.
 * @param {{ count?: number, db?: string, concurrency?: number, seed?: number, log?: (s: string) => void }} options
 */
export async function runFuzz(options = {}) {
  const count = options.count ?? 100_000;
  const concurrency = options.concurrency ?? 16;
  const seed = options.seed ?? Date.now() % 2_147_483_647;
  const log = options.log ?? (() => {});
  const dir = options.db ? undefined : mkdtempSync(join(tmpdir(), 'placeorder-fuzz-'));
  const db = options.db ?? join(dir, 'fuzz.db');
  // Rate limits off: a -42 is a fine answer, but it would stop the fuzzer reaching the ladder.
  const server = startServer({
    db,
    args: ['--demo', '--allow-http'],
    env: { PLACEORDER_RATE_ADDRESS_PER_SECOND: '0', PLACEORDER_RATE_RESELLER_PER_SECOND: '0' },
  });
  const base = await server.ready();
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const findings = { requests: 0, answered: 0, noErrorCode: 0, serverErrors: 0, transportErrors: 0, refusedByClient: 0, crashed: false, examples: [] };
  const byCode = new Map();
  const noCodeBy = new Map();
  const unknownBy = new Map();
  const rss = [];
  let crashed = false;
  server.exited.then(() => (crashed = true));
  const started = Date.now();
  rss.push(await rssOf(base));
  const batch = 1000;
  for (let offset = 0; offset < count && !crashed; offset += batch) {
    const n = Math.min(batch, count - offset);
    const reqs = fc.sample(requestArb, { numRuns: n, seed: seed + offset });
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < reqs.length && !crashed) {
          const r = reqs[next++];
          const res = await send(agent, base, r);
          findings.requests++;
          if (res.refusedByClient) {
            findings.refusedByClient++;
            continue;
          }
          if (res.transportError) {
            findings.transportErrors++;
            if (findings.examples.length < 20) findings.examples.push({ kind: 'transport', error: res.transportError, request: r });
            continue;
          }
          findings.answered++;
          if (res.status >= 500) {
            findings.serverErrors++;
            if (findings.examples.length < 20) findings.examples.push({ kind: '5xx', status: res.status, body: res.body.slice(0, 200), request: r });
          }
          const code = r.method === 'HEAD' ? errorCodeOf({ ...res, body: '' }) ?? 'head' : errorCodeOf(res);
          if (code === undefined) {
            findings.noErrorCode++;
            const where = `${r.method} ${r.path.slice(0, 60)} -> ${res.status}`;
            noCodeBy.set(where, (noCodeBy.get(where) ?? 0) + 1);
            if (findings.examples.length < 5) findings.examples.push({ kind: 'no errorCode', status: res.status, body: res.body.slice(0, 200), request: r });
          }
          byCode.set(String(code), (byCode.get(String(code)) ?? 0) + 1);
          if (code === -14) {
            // Mostly unknown paths and methods (404); an unexpected error would also log at level 50.
            const where = `${res.status} ${r.method} ${r.path.slice(0, 40)}`;
            unknownBy.set(where, (unknownBy.get(where) ?? 0) + 1);
          }
        }
      }),
    );
    if (!crashed) rss.push(await rssOf(base));
    if ((offset / batch) % 10 === 9) log(`${offset + n} requests, ${((Date.now() - started) / 1000).toFixed(0)} s, rss ${(rss.at(-1) / 2 ** 20).toFixed(0)} MiB`);
  }
  findings.crashed = crashed;
  // A -14 is an answer, but one logged as an unexpected error is a finding.
  findings.errorLogLines = server.counts.errorLines;
  findings.logLines = server.counts.lines;
  agent.destroy();
  if (!crashed) {
    server.child.kill('SIGTERM');
    const { code } = await server.exited;
    findings.cleanExit = code === 0;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
  const mib = (b) => Math.round((b / 2 ** 20) * 10) / 10;
  return {
    ...findings,
    seed,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    errorCodes: Object.fromEntries([...byCode].sort((a, b) => b[1] - a[1])),
    noErrorCodeBy: Object.fromEntries([...noCodeBy].sort((a, b) => b[1] - a[1])),
    unknownErrorBy: Object.fromEntries([...unknownBy].sort((a, b) => b[1] - a[1]).slice(0, 15)),
    rssMiB: { start: mib(rss[0]), afterFirstBatch: mib(rss[1] ?? NaN), end: mib(rss.at(-1)), max: mib(Math.max(...rss)) },
  };
}

async function main() {
  const { values } = parseArgs({
    options: { count: { type: 'string' }, db: { type: 'string' }, concurrency: { type: 'string' }, seed: { type: 'string' } },
  });
  const result = await runFuzz({
    count: values.count ? Number(values.count) : undefined,
    db: values.db,
    concurrency: values.concurrency ? Number(values.concurrency) : undefined,
    seed: values.seed ? Number(values.seed) : undefined,
    log: (s) => process.stderr.write(`${s}\n`),
  });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  const failed = result.noErrorCode > 0 || result.serverErrors > 0 || result.crashed || result.transportErrors > 0 || result.errorLogLines > 0;
  process.exitCode = failed ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
