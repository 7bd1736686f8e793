// `npm run bench [-- --db postgres://…] [--workload returning|mixed [--pool-hash light|server]] [--duration S] [--connections N] [--warmup S] [--rounds N] [--writer-thread on|off] [--no-build] [--profile] [--preload N [--fresh-preload]]`
//
// Measures returning-customer !PlaceOrder throughput against the yardstick of the same run: a
// bare node:http server that parses the same body and answers a fixed url-encoded line
// (bench/echo-server.mjs). Both are separate processes on loopback, driven by the same load
// generator (autocannon, bench/drive.mjs) with the same body, connections and duration.
//
// SQLite (default): one `placeorder serve --allow-http` on a fresh file (WAL, synchronous=FULL).
// PostgreSQL (`--db postgres://…`): a fresh database is created on that server for the run and
// dropped afterwards; the same is measured with ONE and with TWO server processes (two ports,
// two load generators in parallel, summed), each against the echo with as many processes.
//
// With --workload mixed, the load is a mix instead (bench/mixed-drive.mjs: a pool of 10,000
// returning customers, guests, multi-item and invalid orders, authorizations racing the orders),
// and the database is checked afterwards (bench/mixed.mjs): a violation exits non-zero.
// Both workloads report the store's round trips per order (/metrics) and, on PostgreSQL, its
// processes' CPU per order (/proc).
//
// With --preload N, a second placeorder serves a copy of a database that holds N orders already
// (bench/preload.mjs), measured in the same rounds as the empty one (issue 15), one process each.
//
// Writes bench/results/latest.json (and latest-<dialect>.json; with --preload,
// latest-<dialect>-preload.json instead) and prints a summary. With
// --profile, the first server runs under `node --cpu-prof` and its profile is summarized.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cpuMs, fsyncLatencyMs, loadAverage, machine, machineTicks, mainThreadCpuMs, rssMiB, threadCpuMs, threadShares } from './machine.mjs';
import { MIXED_WORKLOAD, checkMixed, mixedLines, preparePool } from './mixed.mjs';
import { driveMixed, warmPool } from './mixed-load.mjs';
import { preloadedDatabase } from './preload.mjs';
import { storeLine, storeProbe, storeShares } from './store-cost.mjs';
import { NEW_CUSTOMER_BODY, NO_RATE_LIMITS, RETURNING_BODY, ROOT, benchServer, children, post, runCli, sleep, startEcho, startPlaceorder, stopProcess } from './servers.mjs';

const require = createRequire(import.meta.url);

// Limits: a run is bounded (each phase at most 60 s, at most 500 connections), so the whole
// benchmark never takes much more than two minutes on PostgreSQL.
const USAGE = 'usage: npm run bench [-- --db postgres://…] [--workload returning|mixed [--pool-hash light|server]] [--duration S] [--connections N] [--warmup S] [--rounds N] [--writer-thread on|off] [--no-build] [--profile] [--preload N [--fresh-preload]] [--settle S]\n(the comment at the top of bench/run.mjs and docs/benchmarks.md say what each measures)';
const { values: flags } = parseFlags({
  options: {
    help: { type: 'boolean', default: false },
    db: { type: 'string' },
    duration: { type: 'string', default: '10' },
    // 200 connections by default (the issue asks for at least 50): group commit shares a commit
    // among the orders that wait together, and at 50 a closed loop of clients leaves a quarter
    // of the machine idle between commits (docs/benchmarks.md). `--connections 50` measures that.
    connections: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '2' },
    // Alternate echo and placeorder measurements this many times and keep the median of each:
    // other work on the machine then hits both sides alike.
    rounds: { type: 'string', default: '1' },
    'no-build': { type: 'boolean', default: false },
    'log-level': { type: 'string', default: 'info' },
    // SQLite: orders commit on a writer thread (the default, as `serve` runs) or, with `off`,
    // on the main thread (PLACEORDER_WRITER_THREAD=false), for comparison.
    'writer-thread': { type: 'string', default: 'on' },
    // Profiles the (first) server process with `node --cpu-prof` and prints where its time went.
    profile: { type: 'boolean', default: false },
    // A second placeorder on a database that already holds this many orders, measured in the
    // same rounds as the empty one (bench/preload.mjs). 0: none, as before.
    preload: { type: 'string', default: '0' },
    'fresh-preload': { type: 'boolean', default: false },
    // Seconds the preloaded server runs before the rounds: a server started on a database that
    // waited hours catches up first (a month of licence expiries scanned, its first retention
    // purge a minute after the start), which is a start's cost, not a steady state's.
    settle: { type: 'string', default: '75' },
    // `returning`: one returning customer's order, the same body every time (as before).
    // `mixed`: the real mix of bench/mixed-drive.mjs, checked against the database afterwards.
    workload: { type: 'string', default: 'returning' },
    // The mixed pool's password hash: `light` (a cheap argon2id: the warm-up takes seconds) or
    // `server` (the server's own cost: the warm-up takes minutes). bench/mixed.mjs.
    'pool-hash': { type: 'string', default: 'light' },
  },
  strict: true,
});
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
const seconds = boundedInt('duration', flags.duration, 1, 60);
const connections = boundedInt('connections', flags.connections, 1, 500);
const warmupSeconds = boundedInt('warmup', flags.warmup, 0, 30);
const rounds = boundedInt('rounds', flags.rounds, 1, 5);
const preload = boundedInt('preload', flags.preload, 0, 10_000_000);
const settleSeconds = boundedInt('settle', flags.settle, 0, 600);
const dialect = flags.db && /^postgres(ql)?:\/\//i.test(flags.db) ? 'postgres' : 'sqlite';
const workload = flags.workload;
if (!['returning', 'mixed'].includes(workload) || !['light', 'server'].includes(flags['pool-hash'])) {
  console.error(`bench: --workload must be returning or mixed, --pool-hash light or server`);
  process.exit(2);
}
if (workload === 'mixed' && preload > 0) {
  console.error('bench: --preload measures the returning workload only');
  process.exit(2);
}
/** The mixed workload's files: where each generator run wrote the order numbers it was answered. */
const mixedRun = { dir: '', outFiles: [], log };
/** The database of the run, for PostgreSQL's CPU by database. */
let runDatabase = '';

// The per-address and per-reseller rate limits (docs/reliability.md) would answer -42 to a load
// generator on one address for one brand: they are turned off (0) for the measurement.
if (!['on', 'off'].includes(flags['writer-thread'])) {
  console.error(`bench: --writer-thread must be on or off, got "${flags['writer-thread']}"`);
  process.exit(2);
}
const SERVER_ENV = { ...NO_RATE_LIMITS, PLACEORDER_WRITER_THREAD: flags['writer-thread'] === 'on' ? 'true' : 'false' };

// Outside the repository: profiles are large and belong to one machine and run.
const PROFILE_DIR = join(os.tmpdir(), 'placeorder-bench-profiles');

/** How this run starts a server: its environment, log level, the first server's profiler; its first orders. */
function serverOptions(index) {
  const nodeArgs = flags.profile && index === 1 ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  return { env: SERVER_ENV, logLevel: flags['log-level'], nodeArgs, first: NEW_CUSTOMER_BODY, returning: RETURNING_BODY };
}

/** parseArgs, but a flag it does not know is a line and the usage (exit 2), not a stack trace. */
function parseFlags(config) {
  try {
    return parseArgs(config);
  } catch (error) {
    console.error(`bench: ${error.message}\n${USAGE}`);
    process.exit(2);
  }
}

function boundedInt(name, text, min, max) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`bench: --${name} must be a whole number from ${min} to ${max}, got "${text}"`);
    process.exit(2);
  }
  return n;
}

function log(line) {
  process.stdout.write(`bench: ${line}\n`);
}

function build() {
  if (flags['no-build']) return;
  log('npm run build');
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) {
    if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('the build failed and there is no dist/');
    log('WARNING: the build reported errors; running the existing dist/');
  }
}

/** A fresh database: a SQLite file in a temporary folder, or a new PostgreSQL database. */
async function freshDatabase() {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(os.tmpdir(), 'placeorder-bench-'));
    return { location: join(dir, 'bench.db'), dir, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const pg = require('pg');
  const name = `po_bench_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: flags.db });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(flags.db);
  url.pathname = `/${name}`;
  const dir = mkdtempSync(join(os.tmpdir(), 'placeorder-bench-'));
  return {
    location: url.toString(),
    dir,
    async drop() {
      const c = new pg.Client({ connectionString: flags.db });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs one load generator per port in parallel (each its own process) and sums them. */
async function drive(ports, durationSeconds, { echo = false } = {}) {
  if (workload === 'mixed') return driveMixed(ports, durationSeconds, { echo, connections, ...mixedRun });
  const runs = ports.map(
    (port) =>
      new Promise((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            join(ROOT, 'bench', 'drive.mjs'),
            `http://127.0.0.1:${port}/products/!PlaceOrder`,
            String(connections),
            String(durationSeconds),
            RETURNING_BODY,
          ],
          { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
        );
        children.add(child);
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.once('exit', (code) => {
          children.delete(child);
          if (code !== 0) reject(new Error(`load generator exited with ${code}`));
          else resolve(JSON.parse(out.trim().split('\n').pop()));
        });
      }),
  );
  const parts = await Promise.all(runs);
  const ok = parts.reduce((s, p) => s + p.ok2xx - p.mismatches, 0);
  return {
    processes: ports.length,
    connectionsPerProcess: connections,
    seconds: durationSeconds,
    // Throughput counts only answers that were `errorCode=0&…` (placed orders, or the echo's line).
    requestsPerSecond: Math.round(ok / durationSeconds),
    answered: parts.reduce((s, p) => s + p.requestsTotal, 0),
    okAnswers: ok,
    failedAnswers: parts.reduce((s, p) => s + p.non2xx + p.mismatches + p.errors + p.timeouts, 0),
    // With two generators the figures are per generator; p50 is their mean, p99 their worst.
    latencyMs: {
      p50: round1(parts.reduce((s, p) => s + p.latencyMs.p50, 0) / parts.length),
      p99: Math.max(...parts.map((p) => p.latencyMs.p99)),
      max: Math.max(...parts.map((p) => p.latencyMs.max)),
    },
    perProcess: parts,
  };
}

const round1 = (n) => Math.round(n * 10) / 10;

async function measure(label, targets, { echo = false } = {}) {
  const ports = targets.map((t) => t.port);
  if (warmupSeconds > 0) await drive(ports, warmupSeconds, { echo });
  // PostgreSQL's CPU counts the backends of the measured server's database (the preloaded one's own).
  const database = targets[0].database ?? runDatabase;
  const beforeStore = echo ? undefined : await storeProbe(ports, dialect, database);
  const before = targets.map((t) => cpuMs(t.child.pid));
  const beforeMain = targets.map((t) => mainThreadCpuMs(t.child.pid));
  const beforeThreads = threadCpuMs(targets[0].child.pid);
  const beforeMachine = machineTicks();
  const rssBefore = rssMiB(targets[0].child.pid);
  const result = await drive(ports, seconds, { echo });
  if (!echo) storeShares(result, beforeStore, await storeProbe(ports, dialect, database));
  result.serverRssMiB = { before: rssBefore, after: rssMiB(targets[0].child.pid) };
  const afterMachine = machineTicks();
  const afterThreads = threadCpuMs(targets[0].child.pid);
  const used = targets.reduce((sum, t, i) => sum + cpuMs(t.child.pid) - before[i], 0);
  const usedMain = targets.reduce((sum, t, i) => sum + mainThreadCpuMs(t.child.pid) - beforeMain[i], 0);
  result.serverCpuMs = used;
  result.serverCpuMicrosPerRequest = Math.round((used * 1000) / Math.max(1, result.answered));
  // Per order placed: with the mixed workload, authorizations and invalid requests are answered too.
  result.serverCpuMicrosPerOrder = Math.round((used * 1000) / Math.max(1, result.okAnswers));
  // The main thread parses every request; with SQLite's writer thread the order's transaction
  // runs elsewhere, so this share is what bounds one process on a machine with spare cores.
  result.serverMainThreadCpuMicrosPerRequest = Math.round((usedMain * 1000) / Math.max(1, result.answered));
  // The first process's threads, busiest first: the main thread, then (SQLite) the writer thread,
  // the checkpointer, libuv's pool (log writes) and V8's helpers. The clock tick is 10 ms.
  result.serverThreadsCpuMicrosPerRequest = threadShares(beforeThreads, afterThreads, result.answered / targets.length);
  result.loadGeneratorCpuMicrosPerRequest = Math.round((result.perProcess.reduce((s, p) => s + p.cpuMs, 0) * 1000) / Math.max(1, result.answered));
  // How busy the whole machine was (every core, every process): below 100 % the run was not
  // short of CPU, and what bounds throughput is latency (the commit cycle), not work.
  result.machineBusyPercent = Math.round(
    ((afterMachine.busy - beforeMachine.busy) * 100) / Math.max(1, afterMachine.total - beforeMachine.total),
  );
  log(
    `${label}: ${result.requestsPerSecond} req/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, ` +
      `server CPU ${result.serverCpuMicrosPerRequest} µs/request (main thread ${result.serverMainThreadCpuMicrosPerRequest}; ` +
      `by thread ${result.serverThreadsCpuMicrosPerRequest.join('/')}), load generator ${result.loadGeneratorCpuMicrosPerRequest} µs/request, ` +
      `machine ${result.machineBusyPercent} % busy` +
      (result.failedAnswers > 0 ? `, ${result.failedAnswers} FAILED answers` : ''),
  );
  if (!echo) log(`  ${storeLine(result)}`);
  return result;
}

async function countOrders(location) {
  if (dialect === 'sqlite') {
    const Database = require('better-sqlite3');
    const db = new Database(location, { readonly: true });
    try {
      return db.prepare('select count(*) as n from orders').get().n;
    } finally {
      db.close();
    }
  }
  const pg = require('pg');
  const c = new pg.Client({ connectionString: location });
  await c.connect();
  try {
    return Number((await c.query('select count(*) as n from orders')).rows[0].n);
  } finally {
    await c.end();
  }
}

async function sqliteSynchronous(location) {
  if (dialect !== 'sqlite') return undefined;
  // What the server sets on its own connections is asserted at its start; recorded here is the
  // journal mode the file ended in (WAL persists in the file).
  const Database = require('better-sqlite3');
  const db = new Database(location, { readonly: true });
  try {
    return { journalMode: db.pragma('journal_mode', { simple: true }) };
  } finally {
    db.close();
  }
}

/** The measurements: echo and placeorder alternately (and the preloaded placeorder, alternating with the empty one). */
async function measureRounds(db, servers, echoes, preloaded) {
  const all = { echo1: [], placeorder1: [], preloaded: [], echo2: [], placeorder2: [] };
  for (let round = 1; round <= rounds; round++) {
    if (rounds > 1) log(`round ${round} of ${rounds}`);
    all.echo1.push(await measure('bare node:http echo (1 process)', [echoes[0]], { echo: true }));
    const empty = async () => all.placeorder1.push(await measure(`placeorder ${dialect} (1 process)`, [servers[0]]));
    const full = async () => all.preloaded.push(await measure(`placeorder ${dialect}, ${preload} orders stored (1 process)`, [preloaded]));
    // Which of the two goes first alternates, so that neither always follows the echo.
    if (!preloaded) await empty();
    else if (round % 2 === 1) await empty().then(full);
    else await full().then(empty);
  }
  if (dialect === 'postgres' && !preloaded) {
    servers.push(await startPlaceorder(db.location, db.dir, 2, serverOptions(2)));
    const check = await post(servers[1].port, RETURNING_BODY);
    if (!check.startsWith('errorCode=0&')) throw new Error(`second server: a returning-customer order failed: ${check}`);
    // Each process has a credential cache of its own.
    if (workload === 'mixed') await warmPool(servers[1].port, mixedRun);
    echoes.push(await startEcho(db.dir, 2));
    for (let round = 1; round <= rounds; round++) {
      all.echo2.push(await measure('bare node:http echo (2 processes)', echoes, { echo: true }));
      all.placeorder2.push(await measure(`placeorder ${dialect} (2 processes)`, servers));
    }
  }
  return all;
}

async function main() {
  const startedAt = new Date().toISOString();
  const loadBefore = loadAverage();
  log(`dialect ${dialect}, workload ${workload}, ${connections} connections, ${seconds} s per measurement (+${warmupSeconds} s warm-up), load average ${loadBefore.join(' ')}`);
  build();
  const db = await freshDatabase();
  mixedRun.dir = db.dir;
  runDatabase = dialect === 'postgres' ? new URL(db.location).pathname.slice(1) : '';
  const fsyncMs = fsyncLatencyMs(db.dir);
  log(`write+fsync of 4 KiB in ${db.dir}: p50 ${fsyncMs.p50} ms, p90 ${fsyncMs.p90} ms`);
  const servers = [];
  const echoes = [];
  let pre;
  try {
    servers.push(await benchServer(db.location, db.dir, 1, serverOptions(1)));
    let poolWarmUp;
    if (workload === 'mixed') {
      await preparePool({ root: ROOT, dialect, location: db.location, hashCost: flags['pool-hash'], runCli, log });
      poolWarmUp = await warmPool(servers[0].port, mixedRun);
    }
    if (preload > 0) {
      pre = await preloadedDatabase({ root: ROOT, dialect, adminUrl: flags.db, orders: preload, fresh: flags['fresh-preload'], dir: db.dir, log, runCli });
      pre.server = await benchServer(pre.location, db.dir, 'preloaded', serverOptions('preloaded'));
      if (dialect === 'postgres') pre.server.database = new URL(pre.location).pathname.slice(1);
      log(`the preloaded server settles for ${settleSeconds} s (--settle)`);
      await sleep(settleSeconds * 1000);
    }
    echoes.push(await startEcho(db.dir, 1));
    const all = await measureRounds(db, servers, echoes, pre?.server);
    const runs = Object.fromEntries(Object.entries(all).filter(([, v]) => v.length > 0).map(([k, v]) => [k, median(v)]));
    for (const s of [...servers, ...(pre ? [pre.server] : [])]) await stopProcess(s.child);
    for (const e of echoes) await stopProcess(e.child);

    if (flags.profile) printProfile();
    const result = {
      startedAt,
      finishedAt: new Date().toISOString(),
      command: commandLine(),
      dialect,
      durability: dialect === 'sqlite' ? { synchronous: 'FULL', ...(await sqliteSynchronous(db.location)) } : { synchronous_commit: 'on' },
      logLevel: flags['log-level'],
      serverEnvironment: SERVER_ENV,
      connectionsPerProcess: connections,
      secondsPerMeasurement: seconds,
      warmupSeconds,
      workload: workload === 'mixed' ? MIXED_WORKLOAD : 'returning-customer !PlaceOrder POST, 1_PPP=9974 (Web DNS Pro 1 year), reseller=Y',
      ...(workload === 'mixed' ? { poolWarmUp } : {}),
      machine: { ...machine(), fsyncMs },
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadAverage(),
      // Every success answer (warm-ups and set-up orders included) is a stored order, so the
      // stored count must be at least the success answers of the measured runs.
      ordersStored: await countOrders(db.location),
      okAnswersMeasured: [...all.placeorder1, ...all.placeorder2].reduce((s, r) => s + r.okAnswers, 0),
      ...(pre ? { preloadedOrders: preload, ordersStoredPreloaded: await countOrders(pre.location), okAnswersPreloaded: all.preloaded.reduce((s, r) => s + r.okAnswers, 0) } : {}),
      rounds,
      // Every round's figures; `runs` holds the median round of each.
      allRounds: Object.fromEntries(Object.entries(all).filter(([, v]) => v.length > 0).map(([k, v]) => [k, v.map((r) => r.requestsPerSecond)])),
      ratio1: round3(runs.placeorder1.requestsPerSecond / runs.echo1.requestsPerSecond),
      // The same comparison by server CPU time per request (echo ÷ placeorder): less sensitive
      // to other load on the machine than throughput.
      cpuRatio1: round3(runs.echo1.serverCpuMicrosPerRequest / runs.placeorder1.serverCpuMicrosPerRequest),
      ...(runs.placeorder2 ? { ratio2: round3(runs.placeorder2.requestsPerSecond / runs.echo2.requestsPerSecond) } : {}),
      // Orders per second with the preload stored, over the empty database's, same rounds (issue 15: ≥ 0.90).
      ...(runs.preloaded ? { preloadedToEmpty: round3(runs.preloaded.requestsPerSecond / runs.placeorder1.requestsPerSecond) } : {}),
      // The ratio the issues set for this run: 0.3 for SQLite's returning orders at 200
      // connections (the first benchmark issue), 0.12 for PostgreSQL's (issue 14); none for the mix.
      target: workload === 'mixed' ? null : dialect === 'postgres' ? 0.12 : 0.3,
      runs,
    };
    if (workload === 'mixed') {
      result.checks = await checkMixed({ dialect, location: db.location, files: mixedRun.outFiles, lostAuthorizations: [...all.placeorder1, ...all.placeorder2].reduce((s, r) => s + r.lostAnswers, 0) });
    }
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    const text = JSON.stringify(result, null, 2) + '\n';
    result.file = resultFile();
    writeFileSync(join(ROOT, 'bench', 'results', result.file), text);
    if (preload === 0 && workload === 'returning') writeFileSync(join(ROOT, 'bench', 'results', `latest-${dialect}.json`), text);
    printSummary(result);
    if (result.checks?.violations.length > 0) {
      log(`CHECK FAILED: the database disagrees with the answers:\n${result.checks.violations.map((v) => `  - ${v}`).join('\n')}`);
      process.exitCode = 1;
    }
    const short = result.ordersStored < result.okAnswersMeasured || (pre && result.ordersStoredPreloaded - preload < result.okAnswersPreloaded);
    if (short) {
      log(`WARNING: fewer orders stored than success answers`);
      process.exitCode = 1;
    }
  } finally {
    for (const s of [...servers, ...(pre?.server ? [pre.server] : [])]) await stopProcess(s.child);
    for (const e of echoes) await stopProcess(e.child);
    await pre?.drop();
    await db.drop();
  }
}

const round3 = (n) => Math.round(n * 1000) / 1000;

function commandLine() {
  const options = [
    dialect === 'postgres' ? '--db postgres://…' : '',
    preload > 0 ? `--preload ${preload}` : '',
    workload === 'mixed' ? `--workload mixed --pool-hash ${flags['pool-hash']}` : '',
  ].filter((o) => o !== '');
  return `npm run bench${options.length > 0 ? ` -- ${options.join(' ')}` : ''}`;
}

/** bench/results/: latest.json as before for the returning workload; the mixed one by dialect. */
function resultFile() {
  if (preload > 0) return `latest-${dialect}-preload.json`;
  return workload === 'mixed' ? `latest-${dialect}-mixed.json` : 'latest.json';
}

/** The run with the median throughput (the lower middle one for an even count). */
function median(list) {
  const sorted = [...list].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/**
 * The profiles the (first) server wrote on SIGTERM, one per thread — the main thread (thread 0),
 * the SQLite writer thread and the checkpointer — each summarized by bench/profile-summary.mjs.
 * Node names them CPU.<date>.<time>.<pid>.<thread>.<sequence>.cpuprofile.
 */
function printProfile() {
  if (!existsSync(PROFILE_DIR)) return log('no CPU profile was written');
  const files = readdirSync(PROFILE_DIR)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(PROFILE_DIR, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  const pid = files[0]?.split('.').at(-4);
  if (!pid) return log('no CPU profile was written');
  for (const file of files.filter((f) => f.split('.').at(-4) === pid).sort()) {
    log(`CPU profile of placeorder serve #1, thread ${file.split('.').at(-3)} (start-up, warm-ups and all runs): ${file}`);
    spawnSync(process.execPath, [join(ROOT, 'bench', 'profile-summary.mjs'), file, '15'], { stdio: 'inherit' });
  }
}

function printSummary(r) {
  const row = (name, run) =>
    `  ${name.padEnd(34)} ${String(run.requestsPerSecond).padStart(8)} req/s   p50 ${String(run.latencyMs.p50).padStart(6)} ms   p99 ${String(run.latencyMs.p99).padStart(6)} ms   CPU ${String(run.serverCpuMicrosPerRequest).padStart(5)} µs/req (main thread ${run.serverMainThreadCpuMicrosPerRequest})`;
  const lines = [
    '',
    `placeorder benchmark — ${r.dialect}, ${r.machine.cores} cores (${r.machine.cpuModel}), load ${r.loadAverageBefore.join(' ')} → ${r.loadAverageAfter.join(' ')}, fsync p50 ${r.machine.fsyncMs.p50} ms`,
    row('bare node:http echo (1 process)', r.runs.echo1),
    row(`placeorder (1 process)`, r.runs.placeorder1),
    `  ratio placeorder/echo (1 process): ${r.ratio1}${r.target === null ? '' : `  (target ≥ ${r.target})`}; by CPU per request: ${r.cpuRatio1}`,
  ];
  if (r.runs.placeorder2) {
    lines.push(row('bare node:http echo (2 processes)', r.runs.echo2));
    lines.push(row('placeorder (2 processes)', r.runs.placeorder2));
    lines.push(`  ratio placeorder/echo (2 processes): ${r.ratio2}`);
  }
  if (r.runs.preloaded) {
    lines.push(row(`placeorder, ${r.preloadedOrders} orders stored`, r.runs.preloaded));
    lines.push(`  preloaded/empty (same rounds): ${r.preloadedToEmpty}  (issue 15: at least 0.90); server RSS ${r.runs.preloaded.serverRssMiB.before} → ${r.runs.preloaded.serverRssMiB.after} MiB`);
  }
  if (r.rounds > 1) lines.push(`  medians of ${r.rounds} rounds; every round (req/s): ${JSON.stringify(r.allRounds)}`);
  lines.push(`  orders stored: ${r.ordersStored} (success answers in the measured runs: ${r.okAnswersMeasured})`);
  lines.push(`  store (1 process): ${storeLine(r.runs.placeorder1)}`);
  if (r.runs.placeorder2) lines.push(`  store (2 processes): ${storeLine(r.runs.placeorder2)}`);
  if (r.checks) lines.push(...mixedLines(r));
  lines.push(`  written to bench/results/${r.file}`, '');
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
