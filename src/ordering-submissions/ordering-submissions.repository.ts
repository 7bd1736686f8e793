// Every query about ordering-page submissions (one order per form). The order a nonce led to
// is an orders read: src/orders/order-reads.repository.ts, `orderOfNonce`. The ordering page
// (src/web/ordering/) claims the nonces and the retention purge (src/maintenance/) deletes old
// ones, so the table is a concept of its own below both.
import type { Db } from '../db/store.js';

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

/** Claims made before `before`, at most `limit` (`ordering_submissions_created`): one batch of the retention purge. */
export function deleteNoncesQuery(tx: Db, before: string, limit: number) {
  const batch = tx.selectFrom('ordering_submissions').select('nonce').where('created_at', '<', before).orderBy('created_at').limit(limit);
  return tx.deleteFrom('ordering_submissions').where('created_at', '<', before).where('nonce', 'in', batch);
}

export async function deleteNonces(tx: Db, before: string, limit: number): Promise<number> {
  return Number((await deleteNoncesQuery(tx, before, limit).executeTakeFirst()).numDeletedRows);
}

export function countNoncesQuery(db: Db, before: string) {
  return db.selectFrom('ordering_submissions').select((eb) => eb.fn.countAll<number>().as('n')).where('created_at', '<', before);
}
