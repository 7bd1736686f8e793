// The mixed workload's load generator, one process per server (bench/run.mjs --workload mixed).
// Usage: node bench/mixed-drive.mjs CONFIG_JSON — prints one JSON line of counts and latencies,
// and writes the order numbers answered (placed; authorized) to CONFIG.outFile for the checks.
//
// Modes:
// - `mixed`: for CONFIG.seconds on CONFIG.connections keep-alive connections, each request drawn
//   in turn: an !AutoAuthorize of a placed order waiting for one (about half of the placed orders
//   are queued for it, so authorizations race the orders), else an order — about 1 in 20 an
//   invalid one (answered with its spec error code), a quarter of the rest guests, three
//   quarters returning customers of the pool; about 1 in 5 orders has several items.
// - `echo`: the same order requests against the echo yardstick, nothing authorized.
// - `warm`: one returning order per pool customer, at a concurrency below the hashing pool's
//   per-address queue: proves every password once, so the measured orders find them remembered.
import { writeFileSync } from 'node:fs';
import { HttpConnection, LatencyHistogram, TimeoutError, watchTimeouts } from './http-loop.mjs';
import { INVALID_KINDS, authorizeBody, guestBody, poolBody } from './mixed-bodies.mjs';

const config = JSON.parse(process.argv[2] ?? 'null');
if (!config || !['mixed', 'echo', 'warm'].includes(config.mode)) {
  process.stderr.write('usage: node bench/mixed-drive.mjs \'{"mode":"mixed|echo|warm","port":…}\'\n');
  process.exit(2);
}

const PLACE = '/products/!PlaceOrder';
const AUTHORIZE = '/products/!AutoAuthorize';
/** kind → errorCode → answers; kind is returning, returning-multi, guest, guest-multi, invalid-…, authorize. */
const counts = new Map();
const latency = { order: new LatencyHistogram(), authorize: new LatencyHistogram() };
const placed = [];
const authorized = [];
const waiting = [];
let waitingHead = 0;
let transportErrors = 0;
let timeouts = 0;
let unexpected = 0;
let guestSerial = 0;
/** Echo mode: answers that began errorCode=0 (the echo answers every order alike). */
let echoOk = 0;

/** mulberry32: a small seeded generator, one per connection, so that runs draw alike. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function count(kind, code) {
  let byCode = counts.get(kind);
  if (!byCode) counts.set(kind, (byCode = new Map()));
  byCode.set(code, (byCode.get(code) ?? 0) + 1);
}

const codeOf = (text) => /^errorCode=(-?[0-9]+)/.exec(text)?.[1] ?? 'none';
const orderNumberOf = (text) => Number(/[&\n]orderNumber=([0-9]+)/.exec(text)?.[1] ?? Number.NaN);

/** The next request of one connection: { kind, path, body, expect }. */
function nextRequest(rnd) {
  if (config.mode === 'mixed' && waitingHead < waiting.length) {
    const order = waiting[waitingHead++];
    if (waitingHead > 4096 && waitingHead * 2 > waiting.length) {
      waiting.splice(0, waitingHead);
      waitingHead = 0;
    }
    return { kind: 'authorize', path: AUTHORIZE, body: authorizeBody(config, order), expect: '0', order };
  }
  const r = rnd();
  const multi = rnd() < 0.2;
  if (r < 0.05) {
    const invalid = INVALID_KINDS[Math.floor(rnd() * INVALID_KINDS.length)];
    return { kind: `invalid ${invalid.expect}`, path: PLACE, body: invalid.body(config), expect: invalid.expect };
  }
  if (r < 0.05 + 0.95 * 0.25) {
    return { kind: multi ? 'guest-multi' : 'guest', path: PLACE, body: guestBody(config, ++guestSerial, multi, rnd), expect: '0' };
  }
  const customer = Math.floor(rnd() * config.pool.size);
  return { kind: multi ? 'returning-multi' : 'returning', path: PLACE, body: poolBody(config, customer, multi), expect: '0' };
}

async function send(connection, request) {
  const started = process.hrtime.bigint();
  let answer;
  try {
    answer = await connection.post(request.path, request.body);
  } catch (error) {
    if (error instanceof TimeoutError) timeouts++;
    else transportErrors++;
    return;
  }
  (request.kind === 'authorize' ? latency.authorize : latency.order).add(Number(process.hrtime.bigint() - started) / 1e6);
  const code = answer.status === 200 ? codeOf(answer.text) : `http ${answer.status}`;
  count(request.kind, code);
  if (config.mode === 'echo') return void (code === '0' && echoOk++);
  if (code !== request.expect) {
    unexpected++;
    if (unexpected <= 5) process.stderr.write(`mixed-drive: ${request.kind} answered ${answer.text.slice(0, 160)}\n`);
    return;
  }
  if (request.kind === 'authorize') return void authorized.push(request.order);
  if (!request.kind.startsWith('invalid')) {
    const order = orderNumberOf(answer.text);
    placed.push(order);
    if (config.mode === 'mixed' && Number.isSafeInteger(order) && (order & 1) === 0) waiting.push(order);
  }
}

async function loop(connection, index, deadline) {
  const rnd = random(config.seed * 7919 + index);
  while (Date.now() < deadline) await send(connection, nextRequest(rnd));
}

/** Every pool customer once, `connections` at a time. */
async function warm(connections) {
  let next = 0;
  await Promise.all(
    connections.map(async (connection) => {
      while (next < config.pool.size) {
        const customer = next++;
        await send(connection, { kind: 'returning', path: PLACE, body: poolBody(config, customer, false), expect: '0' });
      }
    }),
  );
}

const cpuBefore = process.cpuUsage();
const connections = Array.from({ length: config.connections }, () => new HttpConnection(config.port));
const stopWatch = watchTimeouts(connections);
const startedAt = Date.now();
if (config.mode === 'warm') await warm(connections);
else await Promise.all(connections.map((c, i) => loop(c, i, startedAt + config.seconds * 1000)));
const seconds = (Date.now() - startedAt) / 1000;
stopWatch();
for (const c of connections) c.close();
const cpu = process.cpuUsage(cpuBefore);
if (config.outFile) writeFileSync(config.outFile, JSON.stringify({ placed, authorized }));

const byKind = Object.fromEntries([...counts].sort().map(([kind, byCode]) => [kind, Object.fromEntries(byCode)]));
const answered = [...counts.values()].reduce((s, m) => s + [...m.values()].reduce((a, b) => a + b, 0), 0);
process.stdout.write(
  JSON.stringify({
    mode: config.mode,
    port: config.port,
    connections: config.connections,
    seconds: Math.round(seconds * 100) / 100,
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    requestsTotal: answered + transportErrors + timeouts,
    answered,
    // Echo: its answers beginning errorCode=0 (it answers invalid requests alike).
    ordersPlaced: config.mode === 'echo' ? echoOk : placed.length,
    authorized: authorized.length,
    waitingAtEnd: waiting.length - waitingHead,
    unexpected,
    transportErrors,
    timeouts,
    latencyMs: latency.order.summary(),
    authorizeLatencyMs: latency.authorize.summary(),
    byKind,
  }) + '\n',
);
