#!/usr/bin/env node
// `node scripts/brute-force.mjs [--seconds 90 --attackers 200 --lock-minutes 1 --no-rate-limits --db PATH_OR_URL]`:
// online password guessing against a real server process at production argon2id cost (issue
// 13, findings 4 and 6). Attackers on 127.0.0.2 guess one customer's password through
// !PlaceOrder and one API user's through !GetOrderStatus, as fast as their connections allow,
// and also try fresh login names (each costs the server a hash). Honest clients on 127.0.0.3
// place new-customer and returning-customer orders at a steady pace meanwhile. It prints how
// many guesses the server actually checked per hour (from /metrics), what a lock costs the
// victim, and how long the honest clients waited, beside a baseline without the attack.
// Results: docs/reliability.md ("Password guessing").
import { mkdtempSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { URLSearchParams } from 'node:url';
import { startServer } from './lib/server.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string' },
    attackers: { type: 'string' },
    'lock-minutes': { type: 'string' },
    'no-rate-limits': { type: 'boolean' },
    db: { type: 'string' },
  },
});
const seconds = Number(values.seconds ?? 90);
const attackers = Number(values.attackers ?? 200);
const lockMinutes = Number(values['lock-minutes'] ?? 1);
// The server's own rate limits (100/s per address) are on unless asked otherwise: off, the
// attackers' cheap refusals alone load the machine.
const rateLimits = values['no-rate-limits'] ? { PLACEORDER_RATE_ADDRESS_PER_SECOND: '0', PLACEORDER_RATE_RESELLER_PER_SECOND: '0' } : {};
const THRESHOLD = 5;

function post(agent, base, endpoint, params, localAddress) {
  const url = new URL(`${base}/products/!${endpoint}`);
  const body = new URLSearchParams(params).toString();
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, localAddress, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      (res) => {
        let data = '';
        res.on('data', (d) => (data += d));
        res.on('end', () => resolve({ code: /^errorCode=(-?\d+)/.exec(data)?.[1] ?? 'none', ms: performance.now() - started }));
      },
    );
    req.on('error', (e) => resolve({ code: `transport:${e.code}`, ms: performance.now() - started }));
    req.end(body);
  });
}

async function proofs(base) {
  const text = await (await globalThis.fetch(`${base}/metrics`)).text();
  const out = {};
  for (const m of text.matchAll(/^placeorder_password_proofs_total\{realm="([^"]+)",outcome="([^"]+)"\} (\d+)$/gm)) out[`${m[1]}/${m[2]}`] = Number(m[3]);
  return out;
}

const percentile = (xs, p) => (xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]);
const order = (extra) => ({ ap: 'resellerbrand', reseller: 'Y', name: 'Brute Force', '1_PPP': '9974', ...extra });

/** Honest clients: one order every 200 ms, alternately a new customer and a returning one. */
async function honest(agent, base, until, tag) {
  const seen = [];
  let i = 0;
  while (performance.now() < until) {
    const params =
      i % 2 === 0
        ? order({ loginName: `${tag}-new-${i}`, loginPassword: 'honest-password', emailAddress: `${tag}${i}@example.com` })
        : order({ loginName: 'honest-returning', loginPassword: 'honest-password', isReturningCustomer: 'Y', emailAddress: 'honest@example.com' });
    seen.push({ ...(await post(agent, base, 'PlaceOrder', params, '127.0.0.3')), kind: i % 2 === 0 ? 'new' : 'returning' });
    i++;
    await sleep(200);
  }
  return seen;
}

function summary(seen) {
  const ms = seen.map((s) => s.ms);
  const codes = {};
  for (const s of seen) codes[s.code] = (codes[s.code] ?? 0) + 1;
  return { requests: seen.length, codes, p50Ms: Math.round(percentile(ms, 0.5)), p99Ms: Math.round(percentile(ms, 0.99)), maxMs: Math.round(Math.max(...ms)) };
}

const db = values.db ?? join(mkdtempSync(join(tmpdir(), 'placeorder-brute-')), 'brute.db');
const server = startServer({
  db,
  args: ['--demo', '--allow-http'],
  env: { ...rateLimits, PLACEORDER_LOGIN_LOCKOUT_MINUTES: String(lockMinutes) },
});
const base = await server.ready();
const agent = new Agent({ keepAlive: true, maxSockets: attackers + 10 });
try {
  await post(agent, base, 'PlaceOrder', order({ loginName: 'victim', loginPassword: 'victim-password', emailAddress: 'victim@example.com' }));
  await post(agent, base, 'PlaceOrder', order({ loginName: 'honest-returning', loginPassword: 'honest-password', emailAddress: 'honest@example.com' }));

  const baselineSeen = await honest(agent, base, performance.now() + 15_000, 'baseline');
  const baseline = { all: summary(baselineSeen), new: summary(baselineSeen.filter((s) => s.kind === 'new')), returning: summary(baselineSeen.filter((s) => s.kind === 'returning')) };
  const before = await proofs(base);
  const until = performance.now() + seconds * 1000;
  let n = 0;
  const attacker = async (k) => {
    while (performance.now() < until) {
      const guess = `guess-${n++}`;
      if (k % 4 === 0) await post(agent, base, 'PlaceOrder', order({ loginName: 'victim', loginPassword: guess, isReturningCustomer: 'Y', emailAddress: 'x@example.com' }), '127.0.0.2');
      else if (k % 4 === 1) await post(agent, base, 'GetOrderStatus', { loginName: 'resellerbrand-api', loginPassword: guess, orderNumber: '1' }, '127.0.0.2');
      else await post(agent, base, 'PlaceOrder', order({ loginName: `enum-${n}`, loginPassword: guess, isReturningCustomer: 'Y', emailAddress: 'x@example.com' }), '127.0.0.2');
    }
  };
  // The victim tries its own right password every 5 s: what the lock costs it.
  const victim = async () => {
    const seen = [];
    while (performance.now() < until) {
      seen.push(await post(agent, base, 'PlaceOrder', order({ loginName: 'victim', loginPassword: 'victim-password', isReturningCustomer: 'Y', emailAddress: 'victim@example.com' }), '127.0.0.3'));
      await sleep(5000);
    }
    return seen;
  };
  const [, during, victimSeen] = await Promise.all([Promise.all(Array.from({ length: attackers }, (_, k) => attacker(k))), honest(agent, base, until, 'during'), victim()]);
  const after = await proofs(base);
  const delta = (key) => (after[key] ?? 0) - (before[key] ?? 0);
  const perHour = (key) => Math.round((delta(key) / seconds) * 3600);
  const result = {
    settings: { seconds, attackers, lockMinutes, threshold: THRESHOLD, rateLimits: !values['no-rate-limits'], argon2: 'm=19456 KiB, t=2 (production)' },
    proofs: Object.fromEntries(Object.keys(after).map((k) => [k, delta(k)])),
    victimCustomer: { checkedGuesses: delta('customer/wrong'), checkedPerHourAtThisLock: perHour('customer/wrong') },
    apiUser: { checkedPerHourAtThisLock: perHour('api-user/wrong') },
    // Five guesses a lock period: what the default 15-minute lock allows.
    guessesPerHourAtDefaultLock: THRESHOLD * (60 / 15),
    victimOwnAttempts: summary(victimSeen),
    honestBaseline: baseline,
    honestDuringAttack: summary(during),
    honestNewCustomersDuringAttack: summary(during.filter((s) => s.kind === 'new')),
    honestReturningDuringAttack: summary(during.filter((s) => s.kind === 'returning')),
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  server.child.kill('SIGTERM');
  await server.exited;
}
