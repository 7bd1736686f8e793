// The funds debited by authorizations, all processes, for /metrics: a running total kept by
// this process over the append-only ledger, so that a scrape reads the newest transactions
// only. Summing the whole ledger on every scrape read every transaction (at a million orders,
// three quarters of a million rows every fifteen seconds, on SQLite on the event loop).
//
// Transactions are added to the settled total in id order, up to the first one younger than
// SETTLE_MS: on PostgreSQL a transaction with a smaller id may commit after one with a larger,
// but never that much later (its `at` is taken when its unit starts, and a unit is a few
// statements long). Everything after the settled part is summed again on each scrape.
import type { Clock } from '../clock.js';
import type { Store } from '../db/store.js';
import { authorizedAfterQuery, transactionsAfterQuery } from './funds.repository.js';

const SETTLE_MS = 60_000;
/** Transactions read per query while catching up (the first scrape after a start). */
const CHUNK = 5000;

export class DebitedTotal {
  private settledId = 0;
  private settledCents = 0;
  private catchingUp: Promise<void> | undefined;

  constructor(private readonly deps: { store: Store; clock: Clock }) {}

  async cents(): Promise<number> {
    // Concurrent scrapes share one catch-up.
    this.catchingUp ??= this.settle().finally(() => (this.catchingUp = undefined));
    await this.catchingUp;
    const recent = await authorizedAfterQuery(this.deps.store.db, this.settledId).executeTakeFirst();
    return this.settledCents + Number(recent?.s ?? 0);
  }

  private async settle(): Promise<void> {
    const bound = new Date(this.deps.clock.now().getTime() - SETTLE_MS).toISOString();
    for (;;) {
      const rows = await transactionsAfterQuery(this.deps.store.db, this.settledId, CHUNK).execute();
      for (const r of rows) {
        if (r.at >= bound) return;
        if (r.kind === 'authorization') this.settledCents += r.amount_cents;
        this.settledId = r.id;
      }
      if (rows.length < CHUNK) return;
      // Let requests run between chunks (SQLite reads on the event loop).
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
