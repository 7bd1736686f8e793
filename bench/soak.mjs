/* global fetch */
// `node bench/soak.mjs [--db postgres://…] [--preload N] [--minutes M] [--rate R] [--no-build]`
//
// Is the memory of `placeorder serve` flat on a database with N orders (default 1,000,000; the
// kept seed of bench/preload.mjs)? The server takes R orders per second (default 500) for M
// minutes (default 12: its retention purge runs a minute after the start and every ten
// minutes, its expiry scan every minute); every 30 s its resident memory, its V8 heap (from
// /metrics) and the orders placed are recorded. Writes bench/results/soak-<dialect>.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadAverage, rssMiB } from './machine.mjs';
import { withPreloadedServer } from './preload.mjs';
import { newestOrder } from './read.mjs';
import { ROOT, driveAtRate, sleep } from './servers.mjs';

const { values: flags } = parseArgs({
  options: {
    db: { type: 'string' },
    preload: { type: 'string', default: '1000000' },
    minutes: { type: 'string', default: '12' },
    rate: { type: 'string', default: '500' },
    'no-build': { type: 'boolean', default: false },
  },
  strict: true,
});
const dialect = flags.db ? 'postgres' : 'sqlite';
const log = (line) => process.stdout.write(`soak: ${line}\n`);

async function heapMiB(port) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const m = /^nodejs_heap_used_bytes ([0-9.e+]+)$/m.exec(text);
  return m ? Math.round(Number(m[1]) / 1048576) : Number.NaN;
}

/** The samples of one soak: memory and orders every 30 s under the fixed-rate load. */
async function soak(server, location) {
  const seconds = Number(flags.minutes) * 60;
  const load = driveAtRate(server.port, seconds, flags.rate, 50);
  const samples = [];
  const first = await newestOrder(location);
  const started = Date.now();
  try {
    for (let t = 0; t <= seconds; t += 30) {
      await sleep(Math.max(0, started + t * 1000 - Date.now()));
      const sample = { second: t, rssMiB: rssMiB(server.child.pid), heapMiB: await heapMiB(server.port), ordersPlaced: (await newestOrder(location)) - first, load: loadAverage()[0] };
      samples.push(sample);
      log(`${String(t).padStart(4)} s: RSS ${sample.rssMiB} MiB, heap ${sample.heapMiB} MiB, ${sample.ordersPlaced} orders placed, load ${sample.load}`);
    }
  } finally {
    load.child.kill('SIGTERM');
  }
  return samples;
}

async function main() {
  if (!flags['no-build']) spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  const samples = await withPreloadedServer({ dialect, adminUrl: flags.db, orders: Number(flags.preload), name: 'soak', log }, soak);
  const result = { dialect, preloadedOrders: Number(flags.preload), rate: Number(flags.rate), minutes: Number(flags.minutes), samples };
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', `soak-${dialect}.json`), JSON.stringify(result, null, 2) + '\n');
}

main().catch((error) => {
  console.error(`soak: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
