// Runs the mixed workload's load generator (bench/mixed-drive.mjs), one process per server port
// in parallel, and sums them in the shape bench/run.mjs's `drive` gives for the returning
// workload (plus the counts by kind and errorCode); also the pool's warm-up.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { API_USER, POOL } from './mixed.mjs';
import { ROOT, children } from './servers.mjs';

/** Pool warm-up: this many orders at once, below the hashing pool's queue per client address (16, plus 4 running). */
const WARM_CONNECTIONS = 12;

let runs = 0;

function generator(config) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bench', 'mixed-drive.mjs'), JSON.stringify(config)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    children.add(child);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('exit', (code) => {
      children.delete(child);
      if (code !== 0) reject(new Error(`mixed load generator exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').pop()));
    });
  });
}

/** The generator's settings; `outFiles` collects where each run wrote its order numbers. */
function configOf({ port, mode, connections, seconds, dir, outFiles }) {
  const outFile = mode === 'echo' ? undefined : join(dir, `mixed-answers-${++runs}.json`);
  if (outFile) outFiles.push(outFile);
  return { mode, port, connections, seconds, ap: 'benchbrand', pool: POOL, api: API_USER, seed: runs, outFile };
}

/** Proves every pool customer's password once on the server at `port` (its credential cache). */
export async function warmPool(port, { dir, outFiles, log }) {
  const started = Date.now();
  const r = await generator(configOf({ port, mode: 'warm', connections: WARM_CONNECTIONS, seconds: 0, dir, outFiles }));
  log(`mixed: pool warm-up on port ${port}: ${r.ordersPlaced} orders in ${r.seconds} s${r.unexpected + r.transportErrors + r.timeouts > 0 ? `, ${r.unexpected} unexpected answers ${JSON.stringify(r.byKind)}` : ''}`);
  return { seconds: Math.round((Date.now() - started) / 100) / 10, orders: r.ordersPlaced, byKind: r.byKind };
}

/** Adds two { kind: { code: n } } tables. */
function mergeKinds(parts) {
  const all = {};
  for (const p of parts) {
    for (const [kind, byCode] of Object.entries(p.byKind)) {
      all[kind] ??= {};
      for (const [code, n] of Object.entries(byCode)) all[kind][code] = (all[kind][code] ?? 0) + n;
    }
  }
  return all;
}

const round1 = (n) => Math.round(n * 10) / 10;

/** One mixed (or echo) run on every port at once, summed. */
export async function driveMixed(ports, seconds, { echo, connections, dir, outFiles }) {
  const mode = echo ? 'echo' : 'mixed';
  const parts = await Promise.all(ports.map((port) => generator(configOf({ port, mode, connections, seconds, dir, outFiles }))));
  const placed = parts.reduce((s, p) => s + p.ordersPlaced, 0);
  const answered = parts.reduce((s, p) => s + p.answered, 0);
  const elapsed = Math.max(...parts.map((p) => p.seconds));
  return {
    processes: ports.length,
    connectionsPerProcess: connections,
    seconds,
    // Orders placed per second (success answers of !PlaceOrder); requests of every kind beside it.
    requestsPerSecond: Math.round(placed / elapsed),
    allRequestsPerSecond: Math.round(answered / elapsed),
    answered,
    okAnswers: placed,
    ordersPlaced: placed,
    authorized: parts.reduce((s, p) => s + p.authorized, 0),
    failedAnswers: echo ? 0 : parts.reduce((s, p) => s + p.unexpected + p.transportErrors + p.timeouts, 0),
    lostAnswers: parts.reduce((s, p) => s + p.transportErrors + p.timeouts, 0),
    latencyMs: {
      p50: round1(parts.reduce((s, p) => s + p.latencyMs.p50, 0) / parts.length),
      p99: Math.max(...parts.map((p) => p.latencyMs.p99)),
      max: Math.max(...parts.map((p) => p.latencyMs.max)),
    },
    authorizeLatencyMs: echo ? undefined : { p50: round1(parts.reduce((s, p) => s + p.authorizeLatencyMs.p50, 0) / parts.length), p99: Math.max(...parts.map((p) => p.authorizeLatencyMs.p99)) },
    byKind: mergeKinds(parts),
    perProcess: parts,
  };
}
