/* global setTimeout, clearTimeout, fetch, URLSearchParams */
// The processes of a benchmark run: placeorder servers (each its own `placeorder serve` on
// loopback, its log to a file), the echo yardstick, the CLI; all killed if the run dies.
// Shared by bench/run.mjs and bench/latency.mjs.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = join(ROOT, 'bin', 'placeorder.js');

/**
 * The benchmark's order: a returning customer's one-year Web DNS Pro at the brand `benchbrand`
 * (not an SWP product, so the one-per-account rule -73 never applies); the first order, as a
 * new customer, creates the account. Rate limits are off for the servers that take them.
 */
const BENCH_CUSTOMER = { ap: 'benchbrand', reseller: 'Y', loginName: 'bench-customer', loginPassword: 'bench-customer-password', emailAddress: 'bench.customer@example.com', '1_PPP': '9974' };
export const NEW_CUSTOMER_BODY = new URLSearchParams({ ...BENCH_CUSTOMER, isReturningCustomer: 'N', name: 'Bench Customer' }).toString();
export const RETURNING_BODY = new URLSearchParams({ ...BENCH_CUSTOMER, isReturningCustomer: 'Y' }).toString();
export const NO_RATE_LIMITS = { PLACEORDER_RATE_ADDRESS_PER_SECOND: '0', PLACEORDER_RATE_RESELLER_PER_SECOND: '0' };

export const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function runCli(args) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`placeorder ${args[0]} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** Starts a child process; its output goes to a file (as a production log would). */
export function startProcess(args, logPath, env = {}) {
  const out = openSync(logPath, 'a');
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', out, out], env: { ...process.env, ...env } });
  closeSync(out);
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export async function stopProcess(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

export async function post(port, body) {
  const res = await fetch(`http://127.0.0.1:${port}/products/!PlaceOrder`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  return res.text();
}

export async function waitReady(port, child, what) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited during start (code ${child.exitCode})`);
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`${what} did not start within 30 s`);
}

/**
 * `placeorder serve --allow-http` on `location`, its log in `dir`. `o.env` is added to its
 * environment; `o.nodeArgs` go before the CLI (a profiler's).
 */
export async function startPlaceorder(location, dir, index, o = {}) {
  const port = await freePort();
  const child = startProcess(
    [...(o.nodeArgs ?? []), CLI, 'serve', '--allow-http', '--db', location, '--port', String(port), '--host', '127.0.0.1', '--log-level', o.logLevel ?? 'info'],
    join(dir, `server-${index}.log`),
    o.env ?? {},
  );
  await waitReady(port, child, `placeorder serve #${index}`);
  return { port, child };
}

export async function startEcho(dir, index) {
  const port = await freePort();
  const child = startProcess([join(ROOT, 'bench', 'echo-server.mjs'), String(port)], join(dir, `echo-${index}.log`));
  await waitReady(port, child, `echo #${index}`);
  return { port, child };
}


/** A placeorder serving `location`, with the benchmark's brand and customer ready (its first two orders). */
export async function benchServer(location, dir, index, { first = NEW_CUSTOMER_BODY, returning = RETURNING_BODY, env = NO_RATE_LIMITS, ...o } = {}) {
  runCli(['reseller', 'add', '--ap', 'benchbrand', '--login', `bench-api-${index}`, '--password', 'bench-api-password', '--validated', '--db', location]);
  const server = await startPlaceorder(location, dir, index, { ...o, env });
  // The first order creates the customer; every order after it is a returning customer's.
  const made = await post(server.port, first);
  if (!made.startsWith('errorCode=0&')) throw new Error(`the first (new-customer) order failed: ${made}`);
  const second = await post(server.port, returning);
  if (!second.startsWith('errorCode=0&')) throw new Error(`a returning-customer order failed: ${second}`);
  return server;
}

/** bench/drive.mjs placing returning-customer orders at a fixed rate for `seconds` (stopped by killing `child`). */
export function driveAtRate(port, seconds, rate, connections = 10) {
  const child = spawn(process.execPath, [join(ROOT, 'bench', 'drive.mjs'), `http://127.0.0.1:${port}/products/!PlaceOrder`, String(connections), String(seconds), RETURNING_BODY, String(rate)], {
    cwd: ROOT,
    stdio: 'ignore',
  });
  children.add(child);
  const done = new Promise((resolve) => child.once('exit', resolve));
  return { child, done };
}

/**
 * The sum of a counter over its labels in a server's /metrics (loopback may read it), or
 * undefined when the server does not expose it.
 */
export async function metricTotal(port, name) {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  const text = await res.text();
  let total;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== ' ' && line[name.length] !== '{')) continue;
    total = (total ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
