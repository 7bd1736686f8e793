// The real server in-process (Fastify's inject), on a fresh database of the given dialect, with
// the demo resellers, a manual clock, a cheap argon2id (tests only) and a captured log.
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApp } from '../../src/app.js';
import { defaultCatalog, type Catalog } from '../../src/catalog/catalog.js';
import { ManualClock } from '../../src/clock.js';
import { DEFAULTS, type Config } from '../../src/config.js';
import { argon2Hasher, type Hasher } from '../../src/passwords/hasher.js';
import { seedDemo } from '../../src/seed/demo.js';
import type { Dialect, Store } from '../../src/db/store.js';
import { freshStore } from './dialects.js';

/** argon2id with tiny cost: the algorithm is real, the wait is not. Never used outside tests. */
export function cheapHasher(): Hasher {
  return argon2Hasher({ memoryCost: 1024, timeCost: 1, parallelism: 1, maxConcurrent: 4, maxQueued: 10_000 });
}

export interface TestApp {
  readonly app: FastifyInstance;
  readonly store: Store & { location: string };
  readonly clock: ManualClock;
  readonly catalog: Catalog;
  readonly hasher: Hasher;
  readonly config: Config;
  /** Every log line written so far, raw. */
  readonly logLines: string[];
  close(): Promise<void>;
}

export async function testApp(dialect: Dialect, overrides: Partial<Config> = {}, deps: { hasher?: Hasher } = {}): Promise<TestApp> {
  const store = await freshStore(dialect);
  const clock = new ManualClock('2026-03-01T12:00:00Z');
  const hasher = deps.hasher ?? cheapHasher();
  const catalog = defaultCatalog();
  const config: Config = Object.freeze({ ...DEFAULTS, allowHttp: true, db: store.location, ...overrides });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const logger = pino({ level: 'trace' }, sink);
  await seedDemo(store, hasher, clock);
  const app = await buildApp({ store, catalog, clock, hasher, config, logger });
  return {
    app,
    store,
    clock,
    catalog,
    hasher,
    config,
    logLines,
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** A parsed url-encoded answer, first occurrence of each name. */
export function parseAnswer(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(body)) if (!(k in out)) out[k] = v;
  return out;
}

export type Params = Record<string, string> | Array<[string, string]>;

export function formBody(params: Params): string {
  return new URLSearchParams(params as Record<string, string>).toString();
}

/** POSTs url-encoded parameters to an endpoint; returns status, headers, raw body and the parsed answer. */
export async function post(app: FastifyInstance, endpoint: string, params: Params, headers: Record<string, string> = {}) {
  const res = await app.inject({
    method: 'POST',
    url: `/products/!${endpoint}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: formBody(params),
  });
  return { status: res.statusCode, headers: res.headers, body: res.body, answer: parseAnswer(res.body) };
}

export async function get(app: FastifyInstance, endpoint: string, params: Params, headers: Record<string, string> = {}) {
  const res = await app.inject({ method: 'GET', url: `/products/!${endpoint}?${formBody(params)}`, headers });
  return { status: res.statusCode, headers: res.headers, body: res.body, answer: parseAnswer(res.body) };
}

/** A minimal valid guest order of one-year Web DNS Pro for the demo brand `resellerbrand`. */
export function guestOrder(extra: Record<string, string> = {}): Record<string, string> {
  return { ap: 'resellerbrand', reseller: 'Y', emailAddress: 'guest@example.com', name: 'Guest Person', '1_PPP': '9974', ...extra };
}

/**
 * Prices a plan at 0.00 (an operator's price) until the returned function is called: the way to
 * a free reseller=N order, since a free offer needs reseller=Y (issue 13, finding 10).
 */
export async function freePlan(t: Pick<TestApp, 'store' | 'clock'>, ppp: number): Promise<() => Promise<void>> {
  const { setPriceOverride } = await import('../../src/orders/orders.repository.js');
  await t.store.write((tx) => setPriceOverride(tx, ppp, 0, t.clock.now().toISOString()));
  return () => t.store.write(async (tx) => void (await tx.deleteFrom('price_overrides').where('ppp', '=', ppp).execute()));
}

/** A hasher that counts the hashes and verifications it runs: "no hash was computed" is testable. */
export function countingHasher(inner: Hasher = cheapHasher()): Hasher & { verifies: number; hashes: number } {
  const counted = {
    verifies: 0,
    hashes: 0,
    hash(password: string, source?: string) {
      counted.hashes++;
      return inner.hash(password, source);
    },
    verify(phc: string, password: string, source?: string) {
      counted.verifies++;
      return inner.verify(phc, password, source);
    },
    get depth() {
      return inner.depth;
    },
  };
  return counted;
}
