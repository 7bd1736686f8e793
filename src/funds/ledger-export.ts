// A reseller's whole ledger, oldest first, each entry with the balance after it, read in small
// batches so that an export of any length holds one batch in memory (the console's CSV).
//
// The balance is the sum of the account's entries, so the running balance starts at zero with
// the first entry. The export ends at the newest entry that exists when it starts; every entry
// up to it must be committed, or a batch could pass over one that commits later. On SQLite
// writes commit one at a time in id order. On PostgreSQL every movement of an account's funds
// updates the account's row before it writes its entries (funds.service.ts, `post`), so once a
// share lock on that row is granted, no uncommitted entry of the account remains.
import type { Db, Store } from '../db/store.js';
import { entriesBatchQuery, fundsOfQuery, lastEntryQuery, ledgerLine, type LedgerLine } from './funds.repository.js';

export interface ExportLine extends LedgerLine {
  /** The account's balance just after this entry. */
  readonly balanceCents: number;
}

const BATCH = 500;
/** The first batch is smaller, so that the download starts sooner. */
const FIRST_BATCH = 100;

/** The newest entry the export will end at (0: the account has none). */
async function exportEnd(store: Store, accountId: number): Promise<number> {
  const read = async (db: Db) => (await lastEntryQuery(db, accountId).executeTakeFirst())?.id ?? 0;
  if (store.dialect !== 'postgres') return read(store.db);
  return store.db.transaction().execute(async (tx) => {
    await tx.selectFrom('funds_accounts').select('id').where('id', '=', accountId).forShare().execute();
    return read(tx);
  });
}

export async function* ledgerExport(store: Store, resellerId: number, batch = BATCH): AsyncGenerator<ExportLine> {
  const funds = await fundsOfQuery(store.db, resellerId).executeTakeFirst();
  const accountId = funds?.account_id;
  if (accountId === null || accountId === undefined) return;
  const lastId = await exportEnd(store, accountId);
  let after = 0;
  let balance = 0;
  for (let size = Math.min(batch, FIRST_BATCH); after < lastId; size = batch) {
    const rows = await entriesBatchQuery(store.db, accountId, after, lastId, size).execute();
    if (rows.length === 0) return;
    for (const r of rows) {
      balance += r.amount_cents;
      yield { ...ledgerLine(r), balanceCents: balance };
    }
    after = rows[rows.length - 1]!.id;
  }
}
