// The ledger invariant, checked after every lifecycle test: every transaction's entries sum to
// zero, every reseller account's cached balance is the sum of its entries and is not below
// minus its credit limit, nor is its running balance in entry order, every authorization debit belongs to an order that is active (or was
// refunded by a matching refund), and no entry seen before has changed or disappeared.
import { expect } from 'vitest';
import type { Db } from '../../src/db/store.js';

export interface LedgerSnapshot {
  readonly entries: ReadonlyMap<number, string>;
  readonly transactions: ReadonlyMap<number, string>;
}

export async function snapshotLedger(db: Db): Promise<LedgerSnapshot> {
  const entries = await db.selectFrom('ledger_entries').selectAll().execute();
  const transactions = await db.selectFrom('ledger_transactions').selectAll().execute();
  return {
    entries: new Map(entries.map((e) => [e.id, JSON.stringify(e)])),
    transactions: new Map(transactions.map((t) => [t.id, JSON.stringify(t)])),
  };
}

export async function checkLedger(db: Db, before?: LedgerSnapshot): Promise<LedgerSnapshot> {
  const now = await snapshotLedger(db);
  if (before) {
    for (const [id, row] of before.entries) expect(now.entries.get(id), `ledger entry ${id} changed`).toBe(row);
    for (const [id, row] of before.transactions) expect(now.transactions.get(id), `ledger transaction ${id} changed`).toBe(row);
  }
  const unbalanced = await db
    .selectFrom('ledger_entries')
    .select(['transaction_id', (eb) => eb.fn.sum<number>('amount_cents').as('sum')])
    .groupBy('transaction_id')
    .execute();
  for (const t of unbalanced) expect(Number(t.sum), `transaction ${t.transaction_id} does not sum to zero`).toBe(0);
  const accounts = await db
    .selectFrom('funds_accounts')
    .leftJoin('resellers', 'resellers.id', 'funds_accounts.reseller_id')
    .select(['funds_accounts.id', 'funds_accounts.reseller_id', 'funds_accounts.balance_cents', 'resellers.credit_limit_cents'])
    .execute();
  for (const a of accounts) {
    if (a.reseller_id === null) continue;
    const sum = await db
      .selectFrom('ledger_entries')
      .select((eb) => eb.fn.sum<number>('amount_cents').as('sum'))
      .where('account_id', '=', a.id)
      .executeTakeFirst();
    expect(Number(sum?.sum ?? 0), `account ${a.id}: balance is not the sum of its entries`).toBe(a.balance_cents);
    expect(a.balance_cents, `account ${a.id}: below the credit limit`).toBeGreaterThanOrEqual(-(a.credit_limit_cents ?? 0));
    // A statement's running balance reads the entries in id order: it shows what the balance was
    // after each movement only if ids follow the order the balance moved in (no test lowers a
    // credit limit, so no past balance is below today's floor).
    const entries = await db.selectFrom('ledger_entries').select(['id', 'amount_cents']).where('account_id', '=', a.id).orderBy('id').execute();
    let running = 0;
    for (const e of entries) {
      running += e.amount_cents;
      expect(running, `account ${a.id}: the running balance after entry ${e.id} is below the credit limit`).toBeGreaterThanOrEqual(-(a.credit_limit_cents ?? 0));
    }
  }
  const debits = await db
    .selectFrom('ledger_transactions')
    .innerJoin('orders', 'orders.id', 'ledger_transactions.debit_order_id')
    .select(['orders.id', 'orders.status', 'orders.total_cents', 'ledger_transactions.amount_cents'])
    .where('ledger_transactions.kind', '=', 'authorization')
    .execute();
  const refunds = new Set(
    (await db.selectFrom('ledger_transactions').select('refund_order_id').where('kind', '=', 'refund').execute()).map((r) => r.refund_order_id),
  );
  for (const d of debits) {
    expect(d.amount_cents, `order ${d.id}: debit differs from its total`).toBe(d.total_cents);
    if (d.status === 'refunded') expect(refunds.has(d.id), `order ${d.id}: refunded without a refund entry`).toBe(true);
    else expect(d.status, `order ${d.id}: debited but not active`).toBe('active');
  }
  return now;
}
