/* global URLSearchParams, Response */
// `node bench/month.mjs [--db postgres://…] [--preload N] [--days D] [--per-day N] [--no-build]`
//
// A simulated month on a database that holds N orders (default 1,000,000; bench/preload.mjs's
// kept seed, purged as a server keeps it): every simulated day the real server (in-process,
// its clock moved a day at a time) takes `--per-day` orders (default 2,500, the seed's rate:
// a million a little over a year) from returning customers and guests, a tenth with an
// Idempotency-Key, authorizes 85 % of them, delivers their webhook events, signs people in
// to the console and the portal, counts failed logins and ordering-form nonces; the expiry scan
// runs, then the retention purge, as the server runs them. After each day it prints the row
// count and size of every side table (bench/sizes.mjs): with the purge on they stay flat while
// orders grow. Writes bench/results/month-<dialect>.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { loadAverage } from './machine.mjs';
import { preloadedDatabase } from './preload.mjs';
import { ROOT, runCli } from './servers.mjs';
import { sizesOf } from './sizes.mjs';

const { values: flags } = parseArgs({
  options: {
    db: { type: 'string' },
    preload: { type: 'string', default: '1000000' },
    days: { type: 'string', default: '30' },
    'per-day': { type: 'string', default: '2500' },
    'no-build': { type: 'boolean', default: false },
  },
  strict: true,
});
const dialect = flags.db ? 'postgres' : 'sqlite';
const log = (line) => process.stdout.write(`month: ${line}\n`);
const dist = (path) => import(pathToFileURL(join(ROOT, 'dist', path)).href);
const SIDE = ['audit_log', 'order_events', 'webhook_deliveries', 'webhook_attempts', 'idempotency_keys', 'web_sessions', 'ordering_submissions', 'login_throttle'];

/** The server of the simulation, in-process, on a clock the simulation moves. */
async function simulatedServer(location) {
  const [{ buildApp }, { defaultCatalog }, { ManualClock }, { loadConfig }, { openStore }, { argon2Hasher }, { pino }] = await Promise.all([
    dist('app.js'),
    dist('catalog/catalog.js'),
    dist('clock.js'),
    dist('config.js'),
    dist('db/store.js'),
    dist('passwords/hasher.js'),
    import('pino'),
  ]);
  const config = loadConfig({ db: location, allowHttp: true }, { PLACEORDER_RATE_ADDRESS_PER_SECOND: '0', PLACEORDER_RATE_RESELLER_PER_SECOND: '0' });
  const store = await openStore(location);
  const clock = new ManualClock(new Date());
  const hasher = argon2Hasher({ ...config.argon2, maxConcurrent: 2, maxQueued: 10_000 });
  const app = await buildApp({ store, catalog: defaultCatalog(), clock, hasher, config, logger: pino({ level: 'silent' }) });
  return { app, store, clock, config };
}

/** One day of the business the seed describes, then the day's housekeeping. */
async function oneDay(s, day, perDay, m) {
  const { app, store, clock } = s;
  const { SEED_API_PASSWORD } = await dist('seed/world.js');
  const api = { loginName: 'scale-0001-api', loginPassword: SEED_API_PASSWORD };
  await m.creditFunds(store, clock, 'scale-0001', perDay * 10_000, 'month simulation', `month-${day}`);
  for (let k = 0; k < perDay; k++) {
    clock.set(new Date(clock.now().getTime() + Math.floor(86_400_000 / perDay)));
    const customer = k % 5 === 4 ? {} : { loginName: `customer-${1 + (k % 100)}`, loginPassword: m.SEED_CUSTOMER_PASSWORD, isReturningCustomer: 'Y' };
    const params = { ap: 'scale-0001', reseller: 'Y', emailAddress: `day${day}-${k}@example.com`, name: 'Month Person', '1_PPP': '9974', ...customer };
    const headers = { 'content-type': 'application/x-www-form-urlencoded', ...(k % 10 === 0 ? { 'idempotency-key': `month-${day}-${k}` } : {}) };
    const res = await app.inject({ method: 'POST', url: '/products/!PlaceOrder', headers, payload: new URLSearchParams(params).toString() });
    const orderNumber = /orderNumber=([0-9]+)/.exec(res.body)?.[1];
    if (!orderNumber) throw new Error(`day ${day}: order ${k} failed: ${res.body}`);
    if (k % 20 < 17) await app.inject({ method: 'POST', url: '/products/!AutoAuthorize', headers, payload: new URLSearchParams({ ...api, orderNumber }).toString() });
  }
  for (let k = 0; k < 40; k++) {
    await m.startSession(store, clock, { kind: 'console', resellerId: 1, apiUserId: 1 });
    await m.startSession(store, clock, { kind: 'portal', customerId: 1 + k });
    await store.write((tx) => m.claimNonce(tx, `month-${day}-${k}`, clock.now().toISOString()));
  }
  for (let k = 0; k < 100; k++) await store.write((tx) => m.recordFailure(tx, 'customer', `guess-${day}-${k}`, 5, clock.now().toISOString(), clock.now().toISOString()));
  const dispatcher = new m.WebhookDispatcher({ store, clock, fetch: async () => new Response('ok'), batch: 200 });
  await dispatcher.scanExpiries();
  while ((await dispatcher.runOnce()) > 0);
  const started = Date.now();
  const purged = await m.purge(store, clock.now(), s.config, { batch: 500 });
  return { purged, purgeMs: Date.now() - started };
}

async function main() {
  if (!flags['no-build']) spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  const dir = mkdtempSync(join(os.tmpdir(), 'placeorder-month-'));
  const loadBefore = loadAverage();
  const pre = await preloadedDatabase({ root: ROOT, dialect, adminUrl: flags.db, orders: Number(flags.preload), fresh: false, dir, log, runCli });
  const [funds, sessions, submissions, throttle, dispatcher, purge, world] = await Promise.all(
    ['funds/funds.service.js', 'sessions/sessions.service.js', 'ordering-submissions/ordering-submissions.repository.js', 'passwords/throttle.repository.js', 'webhooks/dispatcher.js', 'maintenance/purge.js', 'seed/world.js'].map(dist),
  );
  const m = { ...funds, ...sessions, ...submissions, ...throttle, ...dispatcher, ...purge, ...world };
  const s = await simulatedServer(pre.location);
  const days = [];
  try {
    const record = async (day, extra = {}) => {
      const sizes = await sizesOf(pre.location);
      days.push({ day, at: s.clock.now().toISOString(), ...extra, totalBytes: sizes.totalBytes, tables: sizes.tables });
      log(`day ${day}: orders ${sizes.tables.orders.rows}, ${SIDE.map((t) => `${t} ${sizes.tables[t].rows} (${(sizes.tables[t].bytes / 1048576).toFixed(0)} MiB)`).join(', ')}${extra.purgeMs !== undefined ? `; purge ${extra.purgeMs} ms` : ''}`);
    };
    await record(0);
    for (let day = 1; day <= Number(flags.days); day++) await record(day, await oneDay(s, day, Number(flags['per-day']), m));
    const result = { dialect, preload: Number(flags.preload), perDay: Number(flags['per-day']), loadAverageBefore: loadBefore, loadAverageAfter: loadAverage(), days };
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench', 'results', `month-${dialect}.json`), JSON.stringify(result, null, 2) + '\n');
  } finally {
    await s.app.close();
    await s.store.close();
    await pre.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`month: ${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 1;
});
