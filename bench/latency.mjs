// `node bench/latency.mjs [--db postgres://…] [--preload N] [--requests N] [--rate R] [--settle S] [--no-build]`
//
// How long the pages people wait for take on a database with N orders (default 1,000,000; the
// kept seed of bench/preload.mjs), while a light load of orders keeps arriving (R returning-
// customer orders per second, default 100, in their own process): the console's dashboard,
// orders page (first, and one deep in the big reseller's half million by its cursor), an order
// by number, orders by email, the ledger page, the ledger CSV's first bytes, the portal's
// licences page, and !GetOrderStatus. Each is asked `--requests` times (default 200), one at a
// time, the pages taking turns, as one signed-in person would; p50, p95, p99 and the worst are
// printed and written to bench/results/latency-<dialect>.json. Issue 15 asks p99 ≤ 50 ms.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { rssMiB, loadAverage } from './machine.mjs';
import { withPreloadedServer } from './preload.mjs';
import { newestOrder } from './read.mjs';
import { ROOT, driveAtRate, sleep } from './servers.mjs';
import { Client, pagesOf, samplesOf, signIn } from './latency-pages.mjs';

const { values: flags } = parseArgs({
  options: {
    db: { type: 'string' },
    preload: { type: 'string', default: '1000000' },
    requests: { type: 'string', default: '200' },
    rate: { type: 'string', default: '100' },
    // As bench/run.mjs's --settle: the start's catch-up (a month of expiries, the first purge) is not measured.
    settle: { type: 'string', default: '75' },
    'no-build': { type: 'boolean', default: false },
  },
  strict: true,
});
const dialect = flags.db ? 'postgres' : 'sqlite';
const preload = Number(flags.preload);
const requests = Number(flags.requests);
const rate = Number(flags.rate);
const log = (line) => process.stdout.write(`latency: ${line}\n`);


function percentiles(ms) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q) => Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))] * 10) / 10;
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
}

async function measure(client, pages) {
  const times = Object.fromEntries(pages.map((p) => [p.name, []]));
  for (let i = 0; i < requests; i++) {
    for (const page of pages) times[page.name].push(await page.run(client));
  }
  return Object.fromEntries(Object.entries(times).map(([name, ms]) => [name, percentiles(ms)]));
}

/** Signs in, warms up, then times every page under the background orders. */
async function timePages(server, location) {
  log(`the server settles for ${flags.settle} s (--settle)`);
  await sleep(Number(flags.settle) * 1000);
  const client = new Client(server.port);
  const samples = await samplesOf(location);
  await signIn(client, 'console', 'scale-0001-api', samples.apiPassword);
  await signIn(client, 'account', samples.customerLogin, samples.customerPassword);
  const pages = pagesOf(samples);
  log(`warming up (every page ${Math.min(20, requests)} times), then ${requests} of each under ${rate} orders/s`);
  for (let i = 0; i < Math.min(20, requests); i++) for (const p of pages) await p.run(client);
  const rssBefore = rssMiB(server.child.pid);
  const firstOrder = await newestOrder(location);
  const started = Date.now();
  const load = driveAtRate(server.port, 3600, rate);
  const results = await measure(client, pages);
  const seconds = (Date.now() - started) / 1000;
  load.child.kill('SIGTERM');
  await load.done;
  return {
    seconds,
    // Orders placed while the pages were timed (order numbers), per second.
    backgroundOrdersPerSecond: Math.round(((await newestOrder(location)) - firstOrder) / seconds),
    serverRssMiB: { before: rssBefore, after: rssMiB(server.child.pid) },
    pages: results,
  };
}

async function main() {
  if (!flags['no-build']) spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  const loadBefore = loadAverage();
  const timed = await withPreloadedServer({ dialect, adminUrl: flags.db, orders: preload, name: 'latency', log }, timePages);
  const result = {
    at: new Date().toISOString(),
    dialect,
    preloadedOrders: preload,
    requestsPerPage: requests,
    backgroundRate: rate,
    ...timed,
    seconds: Math.round(timed.seconds),
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadAverage(),
  };
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', `latency-${dialect}.json`), JSON.stringify(result, null, 2) + '\n');
  log(`${dialect}, ${preload} orders stored, ${requests} requests a page in ${result.seconds} s, load ${loadBefore.join(' ')} → ${result.loadAverageAfter.join(' ')}, background ${result.backgroundOrdersPerSecond} orders/s, RSS ${result.serverRssMiB.before} → ${result.serverRssMiB.after} MiB`);
  for (const [name, r] of Object.entries(result.pages)) log(`  ${name.padEnd(28)} p50 ${String(r.p50).padStart(6)}  p95 ${String(r.p95).padStart(6)}  p99 ${String(r.p99).padStart(6)}  max ${String(r.max).padStart(7)} ms${r.p99 > 50 ? '   (over 50 ms)' : ''}`);
}

main().catch((error) => {
  console.error(`latency: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
