// Shared steps of the lifecycle tests: place an order over HTTP, call a reseller endpoint as
// the demo brand's API user, top up a reseller's funds, check the ledger around each test.
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach } from 'vitest';
import { DEMO_PASSWORD } from '../../src/seed/demo.js';
import { creditFunds } from '../../src/funds/funds.service.js';
import { DEFAULTS, type Config } from '../../src/config.js';
import type { Dialect } from '../../src/db/store.js';
import { checkLedger, snapshotLedger, type LedgerSnapshot } from '../funds/ledger-invariant.js';
import { post, testApp, type TestApp } from '../helpers/app.js';

/**
 * The test app with the per-process rate limits off: these tests move the manual clock back
 * and forth (expiry, refund period), which a token bucket reads as time running backwards.
 */
export function lifecycleApp(dialect: Dialect, overrides: Partial<Config> = {}): Promise<TestApp> {
  const off = { perSecond: 0, burst: 1 };
  return testApp(dialect, { hardening: { ...DEFAULTS.hardening, rateByAddress: off, rateByReseller: off }, ...overrides });
}

export const BRAND = 'resellerbrand';
export const API_LOGIN = 'resellerbrand-api';
/** One-year Web DNS Pro: 48.99. */
export const DNS_PRO_1Y = '9974';
export const DNS_PRO_1Y_CENTS = 4899;

export function creds(login = API_LOGIN, password = DEMO_PASSWORD): Record<string, string> {
  return { loginName: login, loginPassword: password };
}

let guestCounter = 0;

/** Places a reseller=Y guest order (each with its own email unless given) and returns its number. */
export async function placeOrder(app: FastifyInstance, extra: Record<string, string> = {}): Promise<number> {
  const res = await post(app, 'PlaceOrder', {
    ap: BRAND,
    reseller: 'Y',
    emailAddress: `guest${++guestCounter}-${Math.random().toString(36).slice(2, 8)}@example.com`,
    name: 'Guest Person',
    '1_PPP': DNS_PRO_1Y,
    ...extra,
  });
  if (res.answer.errorCode !== '0') throw new Error(`PlaceOrder failed: ${res.body}`);
  return Number(res.answer.orderNumber);
}

export async function call(app: FastifyInstance, endpoint: string, params: Record<string, string>, login = creds()) {
  return post(app, endpoint, { ...login, ...params });
}

export async function topUp(t: TestApp, cents: number, ap = BRAND): Promise<number> {
  return creditFunds(t.store, t.clock, ap, cents, 'test top-up', 'test');
}

export async function balanceOf(t: TestApp, ap = BRAND): Promise<number> {
  const row = await t.store.db
    .selectFrom('funds_accounts')
    .innerJoin('resellers', 'resellers.id', 'funds_accounts.reseller_id')
    .select('funds_accounts.balance_cents')
    .where('resellers.ap', '=', ap)
    .executeTakeFirst();
  return row?.balance_cents ?? 0;
}

export async function statusOf(t: TestApp, orderNumber: number): Promise<string> {
  const row = await t.store.db.selectFrom('orders').select('status').where('id', '=', orderNumber).executeTakeFirstOrThrow();
  return row.status;
}

/**
 * Registers, in the calling describe, that every test starts at the test app's fixed date (some
 * tests move the clock far) and that after it the ledger invariant holds and no entry seen
 * before it changed. Returns the snapshot taken before the running test.
 */
export function checkLedgerAroundEachTest(app: () => TestApp): () => LedgerSnapshot {
  let snapshot: LedgerSnapshot | undefined;
  beforeEach(async () => {
    app().clock.set('2026-03-01T12:00:00Z');
    snapshot = await snapshotLedger(app().store.db);
  });
  afterEach(async () => {
    await checkLedger(app().store.db, snapshot);
  });
  return () => snapshot!;
}
