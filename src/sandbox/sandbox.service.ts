// Sandbox resellers (resellers.sandbox = 1, `placeorder reseller add … --sandbox`): errors on
// demand (forced-errors.ts), a test clock of their own, no money moved, and a reset.
import { isoDate, isoNow, type Clock } from '../clock.js';
import type { Db, Store } from '../db/store.js';
import { isForeignKeyViolation } from '../db/errors.js';
import { Errors, fail, type PlaceOrderError } from '../errors.js';
import { orderEmail } from '../orders/order-reads.repository.js';
import { forcedBy, type ForcedError } from './forced-errors.js';
import {
  clockOffsetSeconds,
  deleteSandboxData,
  isSandboxReseller,
  sandboxResellerByAp,
  setClockOffset,
  type ResetCounts,
} from './sandbox.repository.js';

export class SandboxError extends Error {
  override name = 'SandboxError';
}

/** Longest a sandbox clock may run ahead: ten years covers every term and renewal. */
export const MAX_OFFSET_SECONDS = 10 * 366 * 86_400;

/** Real time plus the reseller's offset. Everything of that reseller's requests reads it. */
export class OffsetClock implements Clock {
  constructor(
    private readonly base: Clock,
    readonly offsetSeconds: number,
  ) {}
  now(): Date {
    return new Date(this.base.now().getTime() + this.offsetSeconds * 1000);
  }
}

/** The clock a reseller's requests run on: the base clock, moved for a sandbox reseller. */
export async function clockFor(db: Db, base: Clock, reseller: { id: number; sandbox: boolean }): Promise<Clock> {
  if (!reseller.sandbox) return base;
  const offset = await clockOffsetSeconds(db, reseller.id);
  return offset === 0 ? base : new OffsetClock(base, offset);
}

function forcedFailure(forced: ForcedError, clock: Clock): PlaceOrderError {
  // -56 names the expiry date of the licence being renewed: 60 days ahead, outside the window.
  const date = isoDate(new Date(clock.now().getTime() + 60 * 86_400_000));
  return fail(forced.def, forced.item, date);
}

/**
 * A sandbox reseller's !PlaceOrder that passed the ladder and whose emailAddress is
 * `force-<N>@sandbox.placeorder.test` is answered with -N instead of being placed.
 */
export function forcedPlaceOrderError(
  order: { reseller: { sandbox: boolean }; emailAddress: string },
  clock: Clock,
): PlaceOrderError | undefined {
  if (!order.reseller.sandbox) return undefined;
  const forced = forcedBy(order.emailAddress, 'force');
  return forced && forcedFailure(forced, clock);
}

/**
 * Whether the reseller's authorizations and refunds move money. A sandbox reseller's do not:
 * its orders go through every state, but no ledger entry is written.
 */
export async function movesMoney(db: Db, resellerId: number): Promise<boolean> {
  return !(await isSandboxReseller(db, resellerId));
}

/** `40d`, `12h`, `90m`, `2w`, `30s` → seconds. */
export function parseDuration(text: string): number {
  const m = /^([0-9]{1,6})([smhdw])$/.exec(text.trim());
  if (!m) throw new SandboxError(`"${text}" is not a duration like 40d, 12h, 90m, 2w or 30s`);
  const unit = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[m[2] as 's' | 'm' | 'h' | 'd' | 'w'];
  return Number(m[1]) * unit;
}

async function sandboxReseller(db: Db, ap: string): Promise<number> {
  const r = await sandboxResellerByAp(db, ap);
  if (!r) throw new SandboxError(`there is no reseller "${ap}"`);
  if (!r.sandbox) throw new SandboxError(`"${ap}" is not a sandbox reseller: its clock and data are real`);
  return r.id;
}

export interface ClockState {
  readonly offsetSeconds: number;
  /** What the reseller's clock reads now (ISO-8601 UTC). */
  readonly now: string;
}

/** `placeorder clock advance --ap BRAND 40d`: moves a sandbox reseller's clock forward. */
export async function advanceClock(store: Store, base: Clock, ap: string, seconds: number): Promise<ClockState> {
  return advanceClockById(store, base, await sandboxReseller(store.db, ap), seconds);
}

/** The same by reseller id (the caller has checked that it is a sandbox reseller). */
export async function advanceClockById(store: Store, base: Clock, resellerId: number, seconds: number): Promise<ClockState> {
  if (!Number.isSafeInteger(seconds) || seconds <= 0) throw new SandboxError('the clock only moves forward, by at least one second');
  const offset = await store.write(async (tx) => {
    const next = (await clockOffsetSeconds(tx, resellerId)) + seconds;
    if (next > MAX_OFFSET_SECONDS) throw new SandboxError(`a sandbox clock may run at most ${MAX_OFFSET_SECONDS / 86_400} days ahead`);
    await setClockOffset(tx, resellerId, next, isoNow(base));
    return next;
  });
  return { offsetSeconds: offset, now: new OffsetClock(base, offset).now().toISOString() };
}

export async function clockState(store: Store, base: Clock, ap: string): Promise<ClockState> {
  return clockStateById(store, base, await sandboxReseller(store.db, ap));
}

export async function clockStateById(store: Store, base: Clock, resellerId: number): Promise<ClockState> {
  const offset = await clockOffsetSeconds(store.db, resellerId);
  return { offsetSeconds: offset, now: new OffsetClock(base, offset).now().toISOString() };
}

export async function resetClock(store: Store, base: Clock, ap: string): Promise<ClockState> {
  return resetClockById(store, base, await sandboxReseller(store.db, ap));
}

export async function resetClockById(store: Store, base: Clock, resellerId: number): Promise<ClockState> {
  await store.write((tx) => setClockOffset(tx, resellerId, 0, isoNow(base)));
  return { offsetSeconds: 0, now: isoNow(base) };
}

/**
 * Wipes a sandbox reseller's orders, licences, events and deliveries and sets its clock back
 * to real time. Its API users, webhook endpoints and settings stay.
 */
export async function resetSandbox(store: Store, ap: string): Promise<ResetCounts> {
  const id = await sandboxReseller(store.db, ap);
  return wipe(store, id);
}

/** The same, for the reseller itself (console or !SandboxReset): by id, sandbox only. */
export async function resetSandboxById(store: Store, resellerId: number): Promise<ResetCounts> {
  if (!(await isSandboxReseller(store.db, resellerId))) throw fail(Errors.PERMISSION_DENIED, 'sandbox');
  return wipe(store, resellerId);
}

/**
 * An order of the sandbox committed while the reset ran (PostgreSQL, read committed) makes a
 * delete fail on a foreign key; the reset then runs again, and takes that order too (found by
 * the fuzzer, issue 13). Bounded: a sandbox being ordered from without pause stays as it is.
 */
async function wipe(store: Store, resellerId: number): Promise<ResetCounts> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.write((tx) => deleteSandboxData(tx, resellerId));
    } catch (error) {
      if (!isForeignKeyViolation(error) || attempt >= 5) throw error;
    }
  }
}

/**
 * What a reseller endpoint call of this reseller runs with: its clock, and the error forced by
 * the order's `later-<N>@sandbox.placeorder.test` address, if any. Live resellers: the base clock.
 */
export async function sandboxForResellerCall(
  db: Db,
  base: Clock,
  resellerId: number,
  orderNumber: number,
): Promise<{ clock: Clock; forced: PlaceOrderError | undefined }> {
  if (!(await isSandboxReseller(db, resellerId))) return { clock: base, forced: undefined };
  const clock = await clockFor(db, base, { id: resellerId, sandbox: true });
  const email = await orderEmail(db, orderNumber, resellerId);
  const forced = email === undefined ? undefined : forcedBy(email, 'later');
  return { clock, forced: forced && forcedFailure(forced, clock) };
}
