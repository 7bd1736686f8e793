// Every query about ordering-page submissions (one order per form). The order a nonce led to
// is an orders read: src/orders/order-reads.repository.ts, `orderOfNonce`. The ordering page
// (src/web/ordering/) claims the nonces and the retention purge (src/maintenance/) deletes old
// ones, so the table is a concept of its own below both.
import type { Db } from '../db/store.js';
import { timePurge } from '../db/time-purge.js';

/** Claims a form's nonce; false when it was claimed before. Old claims go with the retention purge (src/maintenance/). */
export async function claimNonce(tx: Db, nonce: string, at: string): Promise<boolean> {
  const r = await tx
    .insertInto('ordering_submissions')
    .values({ nonce, order_id: null, created_at: at })
    .onConflict((oc) => oc.column('nonce').doNothing())
    .returning('nonce')
    .executeTakeFirst();
  return r !== undefined;
}

export async function recordOrder(tx: Db, nonce: string, orderId: number): Promise<void> {
  await tx.updateTable('ordering_submissions').set({ order_id: orderId }).where('nonce', '=', nonce).execute();
}

export async function releaseNonce(tx: Db, nonce: string): Promise<void> {
  await tx.deleteFrom('ordering_submissions').where('nonce', '=', nonce).where('order_id', 'is', null).execute();
}

/** Claims made before a cutoff (`ordering_submissions_created`): the retention purge's batches. */
export const noncePurge = timePurge('ordering_submissions', 'nonce', 'created_at');
