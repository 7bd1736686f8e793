// The mixed workload's set-up and checks (bench/run.mjs --workload mixed):
// - a pool of returning customers written straight into the database through the scale seed's
//   sink (src/seed/sink.ts), one password hash for all, before the measurement;
// - funds for the reseller (the real CLI, `placeorder funds credit`), for the authorizations;
// - after the run, from the database: every success answer a stored order, every authorization
//   answered success debited exactly once and for the order's total, every ledger transaction
//   summing to zero, and the reseller's balance equal to its entries and to credit minus debits.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { poolLogin } from './mixed-bodies.mjs';

const require = createRequire(import.meta.url);

export const POOL = Object.freeze({ size: 10_000, prefix: 'mix-customer-', password: 'mix-customer-password' });
export const API_USER = Object.freeze({ login: 'bench-api-1', password: 'bench-api-password' });
/** Credited before the run (the CLI's most at once): about 200,000 authorizations of the mix's $50 average; a run that spends it gets -15. */
export const CREDIT_AMOUNT = '10000000.00';

/**
 * The pool's password hash: `light` (argon2id at 1 MiB, one pass: the warm-up proves 10,000 in
 * seconds) or `server` (the server's own cost, 19 MiB and two passes: about 15 ms of a core per
 * proof, so the warm-up takes a minute or two per process). Once remembered by the credential
 * cache a proof costs the same either way; only the warm-up differs.
 */
async function poolHash(cost) {
  const { hash, Algorithm } = require('@node-rs/argon2');
  const params = cost === 'server' ? { memoryCost: 19_456, timeCost: 2 } : { memoryCost: 1024, timeCost: 1 };
  return hash(POOL.password, { algorithm: Algorithm.Argon2id, parallelism: 1, ...params });
}

/** Writes the pool's customers (ids after the highest one) and credits the reseller. */
export async function preparePool({ root, dialect, location, hashCost, runCli, log }) {
  const started = Date.now();
  const { sqliteSink, postgresSink, Tables } = await import(pathToFileURL(join(root, 'dist', 'seed', 'sink.js')).href);
  const { TABLE_SPECS } = await import(pathToFileURL(join(root, 'dist', 'seed', 'tables.js')).href);
  const passwordHash = await poolHash(hashCost);
  const first = 1 + (await queryRows(dialect, location, 'select coalesce(max(id), 0) as n from customers'))[0].n;
  const sink = dialect === 'postgres' ? await postgresSink(location) : sqliteSink(location);
  try {
    const tables = new Tables(sink, TABLE_SPECS);
    const at = new Date().toISOString();
    for (let k = 0; k < POOL.size; k++) {
      const login = poolLogin(POOL.prefix, k);
      const email = `${login}@example.com`;
      const details = JSON.stringify({ name: `Mix Customer ${k}`, countryName: 'US', emailAddress: email });
      tables.add('customers', { id: first + k, login_name: login, password_hash: passwordHash, email_address: email, details_json: details, created_at: at, updated_at: at });
    }
    await tables.flush(true);
    if (dialect === 'postgres') await sink.exec(`select setval(pg_get_serial_sequence('customers', 'id'), (select max(id) from customers))`);
  } finally {
    await sink.close();
  }
  runCli(['funds', 'credit', '--ap', 'benchbrand', '--amount', CREDIT_AMOUNT, '--memo', 'benchmark: mixed workload', '--db', location]);
  log(`mixed: ${POOL.size} pool customers written (${hashCost} password hash) and ${CREDIT_AMOUNT} credited in ${Date.now() - started} ms`);
}

/** Rows of one query, numbers as numbers (PostgreSQL's bigint arrives as text). */
export async function queryRows(dialect, location, text) {
  const numeric = (row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'string' && /^-?[0-9]+$/.test(v) ? Number(v) : v]));
  if (dialect === 'sqlite') {
    const Database = require('better-sqlite3');
    const db = new Database(location, { readonly: true });
    try {
      return db.prepare(text).all().map(numeric);
    } finally {
      db.close();
    }
  }
  const pg = require('pg');
  const c = new pg.Client({ connectionString: location });
  await c.connect();
  try {
    return (await c.query(text)).rows.map(numeric);
  } finally {
    await c.end();
  }
}

/** Reads the order numbers every generator run wrote. */
export function answeredOrders(files) {
  const placed = [];
  const authorized = [];
  for (const file of files) {
    const f = JSON.parse(readFileSync(file, 'utf8'));
    placed.push(...f.placed);
    authorized.push(...f.authorized);
  }
  return { placed, authorized };
}

/**
 * The checks of a mixed run against the database; `lostAuthorizations` are authorization
 * requests whose answer never came (timeouts, closed connections): their debit may exist.
 * Returns { facts, violations }.
 */
export async function checkMixed({ dialect, location, files, lostAuthorizations }) {
  const { placed, authorized } = answeredOrders(files);
  const q = (text) => queryRows(dialect, location, text);
  const [{ id: resellerId }] = await q(`select id from resellers where ap = 'benchbrand'`);
  const orders = new Map((await q(`select id, status, total_cents from orders where reseller_id = ${resellerId}`)).map((o) => [o.id, o]));
  const debits = await q(`select id, debit_order_id, amount_cents from ledger_transactions where kind = 'authorization' and reseller_id = ${resellerId}`);
  const unbalanced = await q(`select transaction_id, sum(amount_cents) as total from ledger_entries group by transaction_id having sum(amount_cents) <> 0`);
  const [account] = await q(`select id, balance_cents from funds_accounts where reseller_id = ${resellerId}`);
  // The reseller's side of each debit: one entry of minus the order's total, per order.
  const debitEntries = new Map(
    (await q(`select t.debit_order_id as id, count(*) as n, sum(e.amount_cents) as total from ledger_entries e join ledger_transactions t on t.id = e.transaction_id where t.kind = 'authorization' and e.account_id = ${account.id} group by t.debit_order_id`)).map((r) => [r.id, r]),
  );
  const [{ total: entriesTotal }] = await q(`select coalesce(sum(amount_cents), 0) as total from ledger_entries where account_id = ${account.id}`);
  const [{ total: toppedUp }] = await q(`select coalesce(sum(amount_cents), 0) as total from ledger_transactions where kind = 'top_up' and reseller_id = ${resellerId}`);

  const violations = [];
  const report = (what, list) => list.length > 0 && violations.push(`${list.length} ${what}: ${list.slice(0, 5).join(', ')}${list.length > 5 ? ', …' : ''}`);
  report('success answers whose order is not stored', placed.filter((n) => !orders.has(n)));
  const debitsOf = new Map();
  for (const d of debits) debitsOf.set(d.debit_order_id, [...(debitsOf.get(d.debit_order_id) ?? []), d]);
  report('authorizations answered success without exactly one debit', authorized.filter((n) => (debitsOf.get(n)?.length ?? 0) !== 1));
  report(
    "authorized orders without exactly one entry of minus their total on the reseller's account",
    authorized.filter((n) => debitEntries.get(n)?.n !== 1 || debitEntries.get(n)?.total !== -orders.get(n)?.total_cents),
  );
  report('authorized orders not active', authorized.filter((n) => orders.get(n)?.status !== 'active'));
  report('debits of another amount than the order total', debits.filter((d) => d.amount_cents !== orders.get(d.debit_order_id)?.total_cents).map((d) => d.debit_order_id));
  const answeredSet = new Set(authorized);
  const unanswered = debits.filter((d) => !answeredSet.has(d.debit_order_id)).map((d) => d.debit_order_id);
  if (unanswered.length > lostAuthorizations) report('debits without a success answer', unanswered);
  report('ledger transactions whose entries do not sum to zero', unbalanced.map((u) => u.transaction_id));
  const debited = debits.reduce((s, d) => s + d.amount_cents, 0);
  if (account.balance_cents !== entriesTotal) violations.push(`the reseller's balance ${account.balance_cents} is not the sum of its entries ${entriesTotal}`);
  if (account.balance_cents !== toppedUp - debited) violations.push(`the reseller's balance ${account.balance_cents} is not credited ${toppedUp} minus debited ${debited}`);
  const facts = {
    successAnswers: placed.length,
    ordersStoredForReseller: orders.size,
    authorizationsAnsweredSuccess: authorized.length,
    debits: debits.length,
    debitsWithoutAnswer: unanswered.length,
    creditedCents: toppedUp,
    debitedCents: debited,
    balanceCents: account.balance_cents,
    ledgerEntriesTotalCents: entriesTotal,
  };
  return { facts, violations };
}

export const MIXED_WORKLOAD =
  '!PlaceOrder at reseller=Y: about 1 in 20 invalid (-3, -4, -70, -65, -54 in turn), of the rest a quarter guests ' +
  '(an SWP tier for a year, each its own email address) and three quarters returning customers drawn from a pool of 10,000 ' +
  '(Web DNS Pro), about 1 in 5 of both with two or three items; !AutoAuthorize by the reseller\'s API user of the placed ' +
  'orders with an even number (about half), racing the orders on the same connections';

/** The summary lines of a mixed run (bench/run.mjs printSummary). */
export function mixedLines(r) {
  const run = r.runs.placeorder1;
  const kinds = Object.entries(run.byKind).map(([kind, byCode]) => `${kind} ${Object.entries(byCode).map(([code, n]) => `${code}:${n}`).join(' ')}`);
  const c = r.checks.facts;
  return [
    `  mixed (1 process): ${run.allRequestsPerSecond} requests/s of every kind, ${run.authorized} authorized, !AutoAuthorize p50 ${run.authorizeLatencyMs.p50} ms p99 ${run.authorizeLatencyMs.p99} ms`,
    `  answers by kind and errorCode (1 process): ${kinds.join('; ')}`,
    `  pool warm-up: ${r.poolWarmUp.orders} orders in ${r.poolWarmUp.seconds} s`,
    `  checks: ${c.successAnswers} success answers, ${c.ordersStoredForReseller} orders stored; ${c.authorizationsAnsweredSuccess} authorizations answered success, ${c.debits} debits; ` +
      `balance ${c.balanceCents} = entries ${c.ledgerEntriesTotalCents} = credited ${c.creditedCents} − debited ${c.debitedCents}: ` +
      (r.checks.violations.length === 0 ? 'all hold' : `${r.checks.violations.length} VIOLATIONS`),
  ];
}
