// How long a movement of money holds the reseller's balance row (decision 16): on PostgreSQL the
// conditional update of `funds_accounts` locks the row until the commit, so it comes after
// everything else the movement writes except its ledger entries, whose ids must follow the order
// the balance moved in (a statement's running balance reads them in id order; written before the
// lock, two racing movements could take ids in one order and the lock in the other: outside
// attack, issue 14). The statements each authorization and refund sends are recorded in order.
// PostgreSQL only: SQLite commits one transaction at a time, so nothing waits on a row there.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/dialects.js';
import type { TestApp } from '../helpers/app.js';
import { call, lifecycleApp, placeOrder, topUp } from '../reseller-api/support.js';

/** The statements sent by every pg client of this process while `run` runs, in order. */
async function statementsOf(run: () => Promise<unknown>): Promise<string[]> {
  const sent: string[] = [];
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const q = args[0] as string | { text?: string };
    sent.push((typeof q === 'string' ? q : (q.text ?? '')).replace(/\s+/g, ' ').slice(0, 60));
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    await run();
  } finally {
    pg.Client.prototype.query = original;
  }
  return sent;
}

for (const dialect of DIALECTS.filter((d) => d === 'postgres')) {
  describe(`the balance row is held for the entries and the commit only (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await lifecycleApp(dialect);
      await topUp(t, 100_000);
    });
    afterAll(() => t.close());

    /** What follows the balance's update up to the end of its transaction. */
    const afterTheLock = (sent: readonly string[]) => {
      const at = sent.findIndex((s) => s.startsWith('update "funds_accounts"'));
      expect(at, sent.join('\n')).toBeGreaterThan(0);
      const end = sent.findIndex((s, i) => i > at && /^(commit|rollback)/i.test(s));
      return sent.slice(at + 1, end + 1);
    };

    it('an authorization: only its ledger entries and the commit come after the balance moves', async () => {
      const n = await placeOrder(t.app);
      const sent = await statementsOf(async () => expect((await call(t.app, 'AutoAuthorize', { orderNumber: String(n) })).answer.errorCode).toBe('0'));
      expect(afterTheLock(sent)).toEqual([expect.stringMatching(/^insert into "ledger_entries"/), 'commit']);
      // Everything else it writes went before: the order's licences, events and ledger record.
      const before = sent.slice(0, sent.findIndex((s) => s.startsWith('update "funds_accounts"')));
      for (const table of ['licences', 'order_events', 'audit_log', 'ledger_transactions']) {
        expect(before.some((s) => s.startsWith(`insert into "${table}"`)), table).toBe(true);
      }
    });

    it('a refund: the same', async () => {
      const n = await placeOrder(t.app);
      expect((await call(t.app, 'AutoAuthorize', { orderNumber: String(n) })).answer.errorCode).toBe('0');
      const sent = await statementsOf(async () => expect((await call(t.app, 'AutoRefund', { orderNumber: String(n), refundReasonCode: '1' })).answer.errorCode).toBe('0'));
      expect(afterTheLock(sent)).toEqual([expect.stringMatching(/^insert into "ledger_entries"/), 'commit']);
    });
  });
}
