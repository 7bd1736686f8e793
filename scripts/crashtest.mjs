#!/usr/bin/env node
// `npm run crashtest [-- --seconds 60 --kills 30 --db PATH_OR_URL --clients 8]`: clients place orders and
// authorize them, each logical request sent with an Idempotency-Key and retried (same key)
// until it is answered, while the server is killed with SIGKILL at random 1–3 s intervals and
// restarted. Afterwards: every order number a client received exists with its data, no order
// or debit is duplicated, every acknowledged authorization is debited exactly once, the ledger
// balances, and PRAGMA integrity_check (SQLite) is ok. Exit code 1 on any violation.
// Results: docs/reliability.md.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { URLSearchParams } from 'node:url';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { BIN, startServer } from './lib/server.mjs';

const BRANDS = [
  { ap: 'resellerbrand', login: 'resellerbrand-api' },
  { ap: 'myresellerbrand', login: 'myresellerbrand-api' },
];
const PASSWORD = 'demo-password';
// Web DNS Pro one year, and two SWP tiers (one live order per SWP product per account: each
// logical order here has its own email address, so none is refused).
const PPPS = ['9974', '9675', '9686'];

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function postUntilAnswered(base, endpoint, params, key, stop) {
  const body = new URLSearchParams(params).toString();
  for (let attempt = 0; ; attempt++) {
    if (stop() && attempt > 600) return undefined;
    try {
      const res = await globalThis.fetch(`${base()}/products/!${endpoint}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': key },
        body,
        signal: globalThis.AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      const answer = Object.fromEntries(new URLSearchParams(text));
      // Still running elsewhere (or its process died: the lease expires) and busy: ask again.
      if (answer.errorCode === '-1002' || answer.errorCode === '-42' || answer.errorCode === '-14') {
        await sleep(100);
        continue;
      }
      return { answer, text, attempts: attempt + 1 };
    } catch {
      await sleep(50); // the server is down: it is being restarted
    }
  }
}

export async function runCrashtest(options = {}) {
  const seconds = options.seconds ?? 60;
  const minKills = options.minKills ?? 30;
  const clients = options.clients ?? 8;
  const log = options.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'placeorder-crash-'));
  const db = options.db ?? join(dir, 'crash.db');
  const port = await freePort();
  const env = {
    PLACEORDER_RATE_ADDRESS_PER_SECOND: '0',
    PLACEORDER_RATE_RESELLER_PER_SECOND: '0',
    // A claim whose process was killed is taken over after this long (default 120 s).
    PLACEORDER_IDEMPOTENCY_LEASE_SECONDS: '2',
  };
  const args = ['--demo', '--allow-http', '--log-level', 'info'];
  let server = startServer({ db, port, args, env });
  let base = await server.ready();
  // Funds for the resellers, so that authorizations debit (the CLI waits for SQLite's lock).
  for (const b of BRANDS) {
    execFileSync(process.execPath, [BIN, 'funds', 'credit', '--ap', b.ap, '--amount', '10000000.00', '--db', db], { stdio: 'ignore' });
  }
  const creditedCents = 1_000_000_000;

  const acknowledged = []; // { orderNumber, email, ap, totalCost }
  const authorized = []; // orderNumber
  const stats = { kills: 0, placeAttempts: 0, placeRetries: 0, refusedOrders: {}, restartMs: [], authorizeAnswers: {} };
  const minEnd = Date.now() + seconds * 1000;
  // The run lasts at least `seconds` and at least `minKills` kills (a restart takes ~2 s).
  let running = true;
  let stopping = false;

  const client = async (c) => {
    for (let n = 0; running; n++) {
      const brand = BRANDS[(c + n) % BRANDS.length];
      const email = `c${c}-${n}-${randomUUID().slice(0, 8)}@crash.test`;
      const params = { ap: brand.ap, reseller: 'Y', emailAddress: email, name: `Crash ${c} ${n}`, '1_PPP': PPPS[n % PPPS.length] };
      if (n % 10 === 3) Object.assign(params, { loginName: `crash-${c}-${n}`, loginPassword: 'crash-password', isReturningCustomer: 'N' });
      stats.placeAttempts++;
      const placed = await postUntilAnswered(() => base, 'PlaceOrder', params, randomUUID(), () => stopping);
      if (!placed) break;
      stats.placeRetries += placed.attempts - 1;
      if (placed.answer.errorCode !== '0') {
        stats.refusedOrders[placed.answer.errorCode] = (stats.refusedOrders[placed.answer.errorCode] ?? 0) + 1;
        continue;
      }
      acknowledged.push({ orderNumber: Number(placed.answer.orderNumber), email, ap: brand.ap, totalCost: placed.answer.totalCost });
      if (n % 2 === 0) {
        const auth = await postUntilAnswered(
          () => base,
          'AutoAuthorize',
          { loginName: brand.login, loginPassword: PASSWORD, orderNumber: placed.answer.orderNumber },
          randomUUID(),
          () => stopping,
        );
        if (!auth) break;
        stats.authorizeAnswers[auth.answer.errorCode] = (stats.authorizeAnswers[auth.answer.errorCode] ?? 0) + 1;
        if (auth.answer.errorCode === '0') authorized.push(Number(placed.answer.orderNumber));
      }
    }
  };

  const killer = async () => {
    while (Date.now() < minEnd || stats.kills < minKills) {
      await sleep(1000 + Math.random() * 2000);
      server.child.kill('SIGKILL');
      await server.exited;
      stats.kills++;
      const t0 = Date.now();
      server = startServer({ db, port, args, env });
      base = await server.ready();
      stats.restartMs.push(Date.now() - t0);
      log(`kill ${stats.kills}: ${acknowledged.length} orders acknowledged, ${authorized.length} authorized`);
    }
    running = false;
  };

  const started = Date.now();
  await Promise.all([killer(), ...Array.from({ length: clients }, (_, c) => client(c))]);
  stopping = true;
  const runSeconds = (Date.now() - started) / 1000;
  server.child.kill('SIGTERM');
  await server.exited;

  const problems = [];
  const { openStore } = await import('../dist/db/store.js');
  const store = await openStore(db);
  const facts = {};
  try {
    const orders = await store.db.selectFrom('orders').select(['id', 'email_address', 'status', 'total_cents', 'reseller_id']).execute();
    const byId = new Map(orders.map((o) => [o.id, o]));
    const perEmail = new Map();
    for (const o of orders) perEmail.set(o.email_address, (perEmail.get(o.email_address) ?? 0) + 1);
    const duplicated = [...perEmail].filter(([, n]) => n > 1);
    if (duplicated.length > 0) problems.push(`${duplicated.length} logical orders placed more than once, e.g. ${duplicated[0][0]}`);
    let lost = 0;
    let wrong = 0;
    for (const a of acknowledged) {
      const o = byId.get(a.orderNumber);
      if (!o) lost++;
      else if (o.email_address !== a.email || (o.total_cents / 100).toFixed(2) !== a.totalCost) wrong++;
    }
    if (lost > 0) problems.push(`${lost} acknowledged orders lost`);
    if (wrong > 0) problems.push(`${wrong} acknowledged orders stored with other data`);
    const debits = await store.db.selectFrom('ledger_transactions').select(['order_id', 'amount_cents', 'kind']).where('kind', '=', 'authorization').execute();
    const debitsPerOrder = new Map();
    for (const d of debits) debitsPerOrder.set(d.order_id, (debitsPerOrder.get(d.order_id) ?? 0) + 1);
    const doubleDebits = [...debitsPerOrder].filter(([, n]) => n > 1).length;
    if (doubleDebits > 0) problems.push(`${doubleDebits} orders debited more than once`);
    let unDebited = 0;
    for (const id of authorized) {
      const o = byId.get(id);
      if (!o || o.status !== 'active' || (o.total_cents > 0 && debitsPerOrder.get(id) !== 1)) unDebited++;
    }
    if (unDebited > 0) problems.push(`${unDebited} acknowledged authorizations not active with exactly one debit`);
    // Every debit belongs to an active order with that order's total.
    let debitMismatch = 0;
    for (const d of debits) {
      const o = byId.get(d.order_id);
      if (!o || o.status !== 'active' || o.total_cents !== d.amount_cents) debitMismatch++;
    }
    if (debitMismatch > 0) problems.push(`${debitMismatch} debits that do not match an active order's total`);
    // Double entry: every transaction sums to zero; each cached balance equals its entries' sum.
    const unbalanced = await store.db
      .selectFrom('ledger_entries')
      .select(['transaction_id', (eb) => eb.fn.sum('amount_cents').as('s')])
      .groupBy('transaction_id')
      .execute();
    const nonZero = unbalanced.filter((r) => Number(r.s) !== 0).length;
    if (nonZero > 0) problems.push(`${nonZero} ledger transactions whose entries do not sum to zero`);
    const accounts = await store.db.selectFrom('funds_accounts').select(['id', 'code', 'balance_cents', 'reseller_id']).execute();
    let balanceDrift = 0;
    let resellerBalances = 0;
    for (const acc of accounts) {
      const row = await store.db
        .selectFrom('ledger_entries')
        .select((eb) => eb.fn.sum('amount_cents').as('s'))
        .where('account_id', '=', acc.id)
        .executeTakeFirst();
      if (acc.reseller_id !== null && Number(row?.s ?? 0) !== acc.balance_cents) balanceDrift++;
      if (acc.reseller_id !== null) resellerBalances += acc.balance_cents;
    }
    if (balanceDrift > 0) problems.push(`${balanceDrift} reseller balances differ from the sum of their entries`);
    const debitedCents = debits.reduce((s, d) => s + d.amount_cents, 0);
    const expectedBalances = creditedCents * BRANDS.length - debitedCents;
    if (resellerBalances !== expectedBalances) problems.push(`reseller balances ${resellerBalances} ≠ credited − debited ${expectedBalances}`);
    if (store.dialect === 'sqlite') {
      const { sql } = await import('kysely');
      const r = await sql`pragma integrity_check`.execute(store.db);
      facts.integrityCheck = r.rows.map((x) => Object.values(x)[0]).join(',');
      if (facts.integrityCheck !== 'ok') problems.push(`integrity_check: ${facts.integrityCheck}`);
    }
    Object.assign(facts, {
      ordersInDatabase: orders.length,
      acknowledgedOrders: acknowledged.length,
      acknowledgedAuthorizations: authorized.length,
      debits: debits.length,
      debitedCents,
      duplicatedOrders: duplicated.length,
      lostOrders: lost,
      doubleDebits,
    });
  } finally {
    await store.close();
  }
  if (!options.db) rmSync(dir, { recursive: true, force: true });
  const restarts = stats.restartMs;
  return {
    seconds: Math.round(runSeconds),
    ...stats,
    restartMs: { count: restarts.length, median: restarts.sort((a, b) => a - b)[Math.floor(restarts.length / 2)] ?? 0, max: Math.max(0, ...restarts) },
    ...facts,
    problems,
    ok: problems.length === 0 && stats.kills >= minKills,
  };
}

async function main() {
  const { values } = parseArgs({
    options: { seconds: { type: 'string' }, kills: { type: 'string' }, db: { type: 'string' }, clients: { type: 'string' } },
  });
  const result = await runCrashtest({
    seconds: values.seconds ? Number(values.seconds) : undefined,
    minKills: values.kills ? Number(values.kills) : undefined,
    db: values.db,
    clients: values.clients ? Number(values.clients) : undefined,
    log: (s) => process.stderr.write(`${s}\n`),
  });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.exitCode = result.ok ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
