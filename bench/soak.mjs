/* global fetch */
// `node bench/soak.mjs [--db postgres://…] [--preload N] [--minutes M] [--rate R] [--no-build]`
//
// Is the memory of `placeorder serve` flat on a database with N orders (default 1,000,000; the
// kept seed of bench/preload.mjs)? The server takes R orders per second (default 500) for M
// minutes (default 12: its retention purge runs a minute after the start and every ten
// minutes, its expiry scan every minute); every 30 s its resident memory, its V8 heap (from
// /metrics) and the orders placed are recorded. Writes bench/results/soak-<dialect>.json.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadAverage, rssMiB } from './machine.mjs';
import { rows } from './latency-pages.mjs';
import { preloadedDatabase } from './preload.mjs';
import { RETURNING_BODY, ROOT, benchServer, children, runCli, sleep, stopProcess } from './servers.mjs';

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

async function main() {
  if (!flags['no-build']) spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  const dir = mkdtempSync(join(os.tmpdir(), 'placeorder-soak-'));
  const pre = await preloadedDatabase({ root: ROOT, dialect, adminUrl: flags.db, orders: Number(flags.preload), fresh: false, dir, log, runCli });
  const server = await benchServer(pre.location, dir, 'soak');
  const seconds = Number(flags.minutes) * 60;
  const load = spawn(process.execPath, [join(ROOT, 'bench', 'drive.mjs'), `http://127.0.0.1:${server.port}/products/!PlaceOrder`, '50', String(seconds), RETURNING_BODY, flags.rate], { cwd: ROOT, stdio: 'ignore' });
  children.add(load);
  const samples = [];
  const newest = async () => Number((await rows(pre.location, 'select max(id) as m from orders'))[0].m);
  const first = await newest();
  const started = Date.now();
  try {
    for (let t = 0; t <= seconds; t += 30) {
      await sleep(Math.max(0, started + t * 1000 - Date.now()));
      const sample = { second: t, rssMiB: rssMiB(server.child.pid), heapMiB: await heapMiB(server.port), ordersPlaced: (await newest()) - first, load: loadAverage()[0] };
      samples.push(sample);
      log(`${String(t).padStart(4)} s: RSS ${sample.rssMiB} MiB, heap ${sample.heapMiB} MiB, ${sample.ordersPlaced} orders placed, load ${sample.load}`);
    }
    const result = { dialect, preloadedOrders: Number(flags.preload), rate: Number(flags.rate), minutes: Number(flags.minutes), samples };
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench', 'results', `soak-${dialect}.json`), JSON.stringify(result, null, 2) + '\n');
  } finally {
    load.kill('SIGTERM');
    await stopProcess(server.child);
    await pre.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`soak: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
