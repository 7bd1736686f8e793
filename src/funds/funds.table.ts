import type { Generated } from 'kysely';

// The reseller funds ledger (docs/lifecycle.md, "Money"). Entries are append-only (database
// triggers refuse UPDATE and DELETE); a balance is the sum of an account's entries.

export interface FundsAccountsTable {
  id: Generated<number>;
  /** `reseller:<id>` or one of the vendor's system accounts (`vendor:revenue`, …). */
  code: string;
  /** Null for the vendor's system accounts. */
  reseller_id: number | null;
  /** Reseller accounts: the sum of the account's entries, kept in step in the same transaction. */
  balance_cents: number;
  created_at: string;
}

export type LedgerKind = 'top_up' | 'authorization' | 'refund' | 'adjustment';

export interface LedgerTransactionsTable {
  id: Generated<number>;
  kind: LedgerKind;
  reseller_id: number;
  order_id: number | null;
  /** Unique: set only on the authorization debit of an order. */
  debit_order_id: number | null;
  /** Unique: set only on the refund of an order. */
  refund_order_id: number | null;
  /** The amount moved, positive; the entries carry the signs. */
  amount_cents: number;
  memo: string | null;
  request_id: string;
  at: string;
}

export interface LedgerEntriesTable {
  id: Generated<number>;
  transaction_id: number;
  account_id: number;
  /** Signed: positive adds to the account's balance. A transaction's entries sum to zero. */
  amount_cents: number;
  at: string;
}
