// The rules of reseller money (docs/lifecycle.md, "Money"). Every movement is one ledger
// transaction whose entries sum to zero: the reseller's account on one side, one of the
// vendor's accounts on the other. A debit never takes a balance below minus the reseller's
// credit limit; the check is part of the update that moves the balance (funds.repository.ts).
import { assert, present } from '../assert.js';
import { isoNow, type Clock } from '../clock.js';
import type { Db, Store } from '../db/store.js';
import { resellerIdByAp } from '../resellers/resellers.repository.js';
import {
  ensureResellerAccount,
  fundsOf,
  insertLedgerTransaction,
  moveBalance,
  newestEntries,
  systemAccountId,
  type FundsRow,
  type SystemAccount,
} from './funds.repository.js';
import type { LedgerKind } from './funds.table.js';

export class FundsInputError extends Error {
  override name = 'FundsInputError';
}

/**
 * A decrease the funds, with the credit limit, do not cover. Thrown inside the movement's
 * transaction, so that the transaction rolls back: the ledger records are written before the
 * balance moves (see post), and they must not outlive a refused move.
 */
export class NotCovered extends Error {
  override name = 'NotCovered';
  constructor() {
    super('the funds, with the credit limit, do not cover the movement');
  }
}

/** Largest single movement (a limit of ours: ten million in the currency). */
export const MAX_AMOUNT_CENTS = 1_000_000_000;

export interface Movement {
  resellerId: number;
  orderId: number | null;
  amountCents: number;
  memo?: string | null;
  requestId: string;
  at: string;
}

/**
 * The authorization debit of an order: reseller −amount, vendor revenue +amount. Throws
 * NotCovered when the funds, with the credit limit, do not cover it. A second debit of the same
 * order fails on the unique `debit_order_id` constraint. Resolves with the balance it left.
 */
export async function debitForOrder(tx: Db, m: Movement): Promise<{ balanceCents: number }> {
  return post(tx, 'authorization', 'vendor:revenue', m, -m.amountCents, { orderId: m.orderId, amountCents: m.amountCents });
}

/** The reverse of an order's debit: reseller +amount, vendor revenue −amount. */
export async function refundForOrder(tx: Db, m: Movement): Promise<void> {
  await post(tx, 'refund', 'vendor:revenue', m, m.amountCents, { orderId: m.orderId, amountCents: m.amountCents });
}

/** Money the reseller paid in: reseller +amount, vendor payments −amount. */
export async function topUp(tx: Db, m: Movement): Promise<void> {
  await post(tx, 'top_up', 'vendor:payments', m, m.amountCents, { orderId: m.orderId, amountCents: m.amountCents });
}

/**
 * An operator's correction, either sign. A negative adjustment obeys the same floor as a debit
 * (the operator raises the credit limit first if the reseller is to go further down).
 */
export async function adjust(tx: Db, m: Movement & { signedCents: number }): Promise<void> {
  await post(tx, 'adjustment', 'vendor:adjustments', m, m.signedCents, { orderId: null, amountCents: Math.abs(m.signedCents) });
}

/**
 * Every movement: one ledger transaction records it, the reseller's entry and the vendor
 * account's opposite entry summing to zero, and the reseller's balance moves by `signedCents`
 * (a decrease only as far as the credit limit allows, else NotCovered). An increase always
 * lands: the account row exists (ensureResellerAccount) and only decreases have a floor.
 *
 * Moving the balance locks the reseller's row until the commit, and every other movement of the
 * reseller waits for it (docs/operations.md, the hot rows). So what can come first does: the
 * account and the transaction's record are written before the move, and only the entries (whose
 * ids must follow the order the balance moved in: insertLedgerTransaction) and the commit come
 * after it. The lock is held for two round trips and the commit, however busy the process is.
 */
async function post(
  tx: Db,
  kind: LedgerKind,
  other: SystemAccount,
  m: Movement,
  signedCents: number,
  recorded: { orderId: number | null; amountCents: number },
): Promise<{ balanceCents: number }> {
  const account = await ensureResellerAccount(tx, m.resellerId, m.at);
  const writeEntries = await insertLedgerTransaction(tx, {
    kind,
    resellerId: m.resellerId,
    orderId: recorded.orderId,
    amountCents: recorded.amountCents,
    memo: m.memo ?? null,
    requestId: m.requestId,
    at: m.at,
    entries: [
      { accountId: account, amountCents: signedCents },
      { accountId: await systemAccountId(tx, other), amountCents: -signedCents },
    ],
  });
  const moved = await moveBalance(tx, account, m.resellerId, signedCents);
  if (moved === undefined) throw new NotCovered();
  assert(
    signedCents > 0 || moved.balanceCents >= -moved.creditLimitCents,
    `a debit leaves the balance at or above minus the credit limit (reseller ${m.resellerId}: ${moved.balanceCents} after ${signedCents}, limit ${moved.creditLimitCents})`,
  );
  await writeEntries();
  return { balanceCents: moved.balanceCents };
}

/** The funds of a reseller the caller knows exists (signed in, or just found by its brand). */
export async function fundsOfReseller(db: Db, resellerId: number): Promise<FundsRow> {
  return present(await fundsOf(db, resellerId), `reseller ${resellerId}, known to the caller, exists`);
}

async function resellerOf(db: Db, ap: string): Promise<number> {
  const id = await resellerIdByAp(db, ap);
  if (id === undefined) throw new FundsInputError(`there is no reseller "${ap}"`);
  return id;
}

function checkAmount(cents: number): void {
  if (!Number.isSafeInteger(cents) || cents <= 0 || cents > MAX_AMOUNT_CENTS) {
    throw new FundsInputError('the amount must be more than 0 and at most 10000000.00');
  }
}

/** `placeorder funds credit`: records money the reseller paid in. */
export async function creditFunds(store: Store, clock: Clock, ap: string, cents: number, memo: string | null, requestId: string): Promise<number> {
  checkAmount(cents);
  const resellerId = await resellerOf(store.db, ap);
  const at = isoNow(clock);
  await store.write((tx) => topUp(tx, { resellerId, orderId: null, amountCents: cents, memo, requestId, at }));
  return (await fundsOfReseller(store.db, resellerId)).balanceCents;
}

/** `placeorder funds adjust`: an operator's correction, refused if it breaks the floor. */
export async function adjustFunds(
  store: Store,
  clock: Clock,
  ap: string,
  signedCents: number,
  memo: string,
  requestId: string,
): Promise<number> {
  checkAmount(Math.abs(signedCents));
  const resellerId = await resellerOf(store.db, ap);
  const at = isoNow(clock);
  await store
    .write((tx) => adjust(tx, { resellerId, orderId: null, amountCents: 0, signedCents, memo, requestId, at }))
    .catch((error: unknown) => {
      throw error instanceof NotCovered ? new FundsInputError('the adjustment would take the balance below the credit limit') : error;
    });
  return (await fundsOfReseller(store.db, resellerId)).balanceCents;
}

export interface StatementLine {
  entryId: number;
  at: string;
  kind: LedgerKind;
  orderNumber: number | null;
  amountCents: number;
  /** The account's balance just after this entry. */
  balanceCents: number;
  memo: string | null;
}

export interface Statement {
  ap: string;
  currency: string;
  balanceCents: number;
  creditLimitCents: number;
  /** Oldest first; at most `limit` of the newest entries. */
  entries: StatementLine[];
}

/**
 * The balance and the newest ledger entries with their running balance. Both are read from one
 * snapshot (a repeatable-read transaction on PostgreSQL; a read transaction on SQLite's reader),
 * so an authorization committing meanwhile cannot make the running balances disagree.
 */
export async function statement(source: Db | Store, ap: string, limit: number): Promise<Statement> {
  // A bare handle (or a transaction the caller already runs) is read as it is.
  if (!('write' in source)) return statementIn(source, ap, limit);
  const tx = source.dialect === 'postgres' ? source.db.transaction().setIsolationLevel('repeatable read') : source.db.transaction();
  return tx.execute((db) => statementIn(db, ap, limit));
}

async function statementIn(db: Db, ap: string, limit: number): Promise<Statement> {
  const resellerId = await resellerOf(db, ap);
  const funds = await fundsOfReseller(db, resellerId);
  const lines = funds.accountId === null ? [] : await newestEntries(db, funds.accountId, limit);
  // Walk back from the current balance: each entry's running balance is the one after it.
  let running = funds.balanceCents;
  const entries: StatementLine[] = [];
  for (const l of lines) {
    entries.push({ entryId: l.entryId, at: l.at, kind: l.kind, orderNumber: l.orderNumber, amountCents: l.amountCents, balanceCents: running, memo: l.memo });
    running -= l.amountCents;
  }
  entries.reverse();
  return { ap, currency: funds.currency, balanceCents: funds.balanceCents, creditLimitCents: funds.creditLimitCents, entries };
}
