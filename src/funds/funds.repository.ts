// Every query about reseller funds: accounts, ledger transactions and their entries. Entries
// are only ever inserted (the database refuses UPDATE and DELETE on them); a reseller account's
// cached balance moves in the same transaction as the entries that explain it.
import { sql } from 'kysely';
import { assert } from '../assert.js';
import type { Db } from '../db/store.js';
import type { LedgerKind } from './funds.table.js';

export type SystemAccount = 'vendor:revenue' | 'vendor:payments' | 'vendor:adjustments';

/** The reseller's funds account id, created (balance 0) the first time it is needed. */
export async function ensureResellerAccount(tx: Db, resellerId: number, at: string): Promise<number> {
  const code = `reseller:${resellerId}`;
  // Read first: on PostgreSQL an insert that meets the existing row waits for whoever holds
  // that row's lock — every other authorization of the reseller, in the middle of its debit.
  const found = await tx.selectFrom('funds_accounts').select('id').where('code', '=', code).executeTakeFirst();
  if (found) return found.id;
  await tx
    .insertInto('funds_accounts')
    .values({ code, reseller_id: resellerId, balance_cents: 0, created_at: at })
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
  const row = await tx.selectFrom('funds_accounts').select('id').where('code', '=', code).executeTakeFirstOrThrow();
  return row.id;
}

export async function systemAccountId(tx: Db, code: SystemAccount): Promise<number> {
  const row = await tx.selectFrom('funds_accounts').select('id').where('code', '=', code).executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Moves the reseller's cached balance by `deltaCents`. A negative move happens only if the
 * balance stays at or above minus the reseller's credit limit: the check and the update are one
 * statement, so it holds however many debits race. (PostgreSQL's row lock makes a concurrent
 * update wait and then re-check the condition against the committed balance; SQLite writes
 * one at a time.) Returns the new balance with the credit limit it was held to (so the caller
 * can assert the floor), or undefined when the funds do not cover the move.
 */
export async function moveBalance(
  tx: Db,
  accountId: number,
  resellerId: number,
  deltaCents: number,
): Promise<{ balanceCents: number; creditLimitCents: number } | undefined> {
  let q = tx
    .updateTable('funds_accounts')
    .set((eb) => ({ balance_cents: eb('balance_cents', '+', deltaCents) }))
    .where('id', '=', accountId);
  if (deltaCents < 0) {
    q = q.where(
      sql<boolean>`balance_cents + ${deltaCents} >= -(select credit_limit_cents from resellers where id = ${resellerId})`,
    );
  }
  const row = await q
    .returning(['balance_cents', sql<number>`(select credit_limit_cents from resellers where id = ${resellerId})`.as('credit_limit_cents')])
    .executeTakeFirst();
  return row && { balanceCents: row.balance_cents, creditLimitCents: Number(row.credit_limit_cents) };
}

export interface NewLedgerTransaction {
  kind: LedgerKind;
  resellerId: number;
  orderId: number | null;
  amountCents: number;
  memo: string | null;
  requestId: string;
  at: string;
  /** Signed amounts per account; they must sum to zero. */
  entries: ReadonlyArray<{ accountId: number; amountCents: number }>;
}

/**
 * Writes the transaction now and resolves with the writer of its entries, which the caller runs
 * once the balance has moved (funds.service.ts, `post`): under the account's row lock, so that
 * entry ids follow the order in which the balance moved, the order a statement's running
 * balance reads them in. (Written before the move, two movements racing on PostgreSQL could
 * take their ids in one order and the lock in the other: a running balance below the floor the
 * balance itself never crossed. Found by the sixth outside attack, decision 16.)
 */
export async function insertLedgerTransaction(tx: Db, t: NewLedgerTransaction): Promise<() => Promise<void>> {
  const sum = t.entries.reduce((s, e) => s + e.amountCents, 0);
  assert(t.entries.length >= 2, `a ledger transaction has two entries or more (${t.kind}: ${t.entries.length})`);
  assert(sum === 0, `the entries of a ledger transaction sum to zero (${t.kind}: ${sum})`);
  assert(
    t.entries.every((e) => Number.isSafeInteger(e.amountCents) && e.amountCents !== 0),
    `a ledger entry moves a whole, non-zero number of cents (${t.kind}: ${t.entries.map((e) => e.amountCents).join(', ')})`,
  );
  const { id } = await tx
    .insertInto('ledger_transactions')
    .values({
      kind: t.kind,
      reseller_id: t.resellerId,
      order_id: t.orderId,
      debit_order_id: t.kind === 'authorization' ? t.orderId : null,
      refund_order_id: t.kind === 'refund' ? t.orderId : null,
      amount_cents: t.amountCents,
      memo: t.memo,
      request_id: t.requestId,
      at: t.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return async () => {
    await tx
      .insertInto('ledger_entries')
      .values(t.entries.map((e) => ({ transaction_id: id, account_id: e.accountId, amount_cents: e.amountCents, at: t.at })))
      .execute();
  };
}

export interface FundsRow {
  accountId: number | null;
  balanceCents: number;
  creditLimitCents: number;
  currency: string;
}

/** The reseller's funds account (none until it is first needed, so a left join) with the reseller's credit limit and currency. */
const FUNDS_COLUMNS = ['funds_accounts.id as account_id', 'funds_accounts.balance_cents', 'resellers.credit_limit_cents', 'resellers.currency'] as const;

export function fundsOfQuery(db: Db, resellerId: number) {
  return db
    .selectFrom('resellers')
    .leftJoin('funds_accounts', 'funds_accounts.reseller_id', 'resellers.id')
    .select(FUNDS_COLUMNS)
    .where('resellers.id', '=', resellerId);
}

export async function fundsOf(db: Db, resellerId: number): Promise<FundsRow | undefined> {
  const row = await fundsOfQuery(db, resellerId).executeTakeFirst();
  if (!row) return undefined;
  return {
    accountId: row.account_id,
    balanceCents: row.balance_cents ?? 0,
    creditLimitCents: row.credit_limit_cents,
    currency: row.currency,
  };
}

export interface LedgerLine {
  entryId: number;
  transactionId: number;
  at: string;
  kind: LedgerKind;
  orderNumber: number | null;
  amountCents: number;
  memo: string | null;
}

const LINE_COLUMNS = [
  'ledger_entries.id',
  'ledger_entries.transaction_id',
  'ledger_entries.at',
  'ledger_transactions.kind',
  'ledger_transactions.order_id',
  'ledger_entries.amount_cents',
  'ledger_transactions.memo',
] as const;

/** The base of the account's ledger lines, each entry with its transaction; the readers add the range and order. */
function linesOfAccountQuery(db: Db, accountId: number) {
  return db
    .selectFrom('ledger_entries')
    .innerJoin('ledger_transactions', 'ledger_transactions.id', 'ledger_entries.transaction_id')
    .select(LINE_COLUMNS)
    .where('ledger_entries.account_id', '=', accountId);
}

/** The account's newest entries, newest first (`ledger_entries_account (account_id, id)`). */
export function newestEntriesQuery(db: Db, accountId: number, limit: number) {
  return linesOfAccountQuery(db, accountId).orderBy('ledger_entries.id', 'desc').limit(limit);
}

/** The account's entries after `afterId` up to `lastId`, oldest first, `limit` of them: one batch of an export. */
export function entriesBatchQuery(db: Db, accountId: number, afterId: number, lastId: number, limit: number) {
  return linesOfAccountQuery(db, accountId)
    .where('ledger_entries.id', '>', afterId)
    .where('ledger_entries.id', '<=', lastId)
    .orderBy('ledger_entries.id')
    .limit(limit);
}

/** The newest entry of the account (0 when it has none). */
export function lastEntryQuery(db: Db, accountId: number) {
  return db.selectFrom('ledger_entries').select('id').where('account_id', '=', accountId).orderBy('id', 'desc').limit(1);
}

type LineRow = { id: number; transaction_id: number; at: string; kind: LedgerKind; order_id: number | null; amount_cents: number; memo: string | null };

export function ledgerLine(r: LineRow): LedgerLine {
  return { entryId: r.id, transactionId: r.transaction_id, at: r.at, kind: r.kind, orderNumber: r.order_id, amountCents: r.amount_cents, memo: r.memo };
}

export async function newestEntries(db: Db, accountId: number, limit: number): Promise<LedgerLine[]> {
  return (await newestEntriesQuery(db, accountId, limit).execute()).map(ledgerLine);
}

/** Ledger transactions after `afterId`, oldest first, `limit` of them (the primary key's range). */
export function transactionsAfterQuery(db: Db, afterId: number, limit: number) {
  return db.selectFrom('ledger_transactions').select(['id', 'kind', 'amount_cents', 'at']).where('id', '>', afterId).orderBy('id').limit(limit);
}

/** The authorizations after `afterId`: the newest few, not yet settled into a running total. */
export function authorizedAfterQuery(db: Db, afterId: number) {
  return db
    .selectFrom('ledger_transactions')
    .select((eb) => eb.fn.sum<number | string | null>('amount_cents').as('s'))
    .where('id', '>', afterId)
    .where('kind', '=', 'authorization');
}
