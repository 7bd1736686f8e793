// The retention purge's queries of events (src/maintenance/purge.ts): the events walked oldest
// first, and their deliveries and attempts deleted with them.
import type { Db } from '../db/store.js';

/** Events after `afterId`, oldest first: one step of the retention purge's walk (src/maintenance/purge.ts). */
export function eventsAfterQuery(db: Db, afterId: number, limit: number) {
  return db.selectFrom('order_events').select(['id', 'created_at as at']).where('id', '>', afterId).orderBy('id').limit(limit);
}

/** The statements that delete events with their deliveries and attempts, children first. */
export function deleteEventsQueries(tx: Db, eventRowIds: readonly number[]) {
  const ids = [...eventRowIds];
  const deliveries = tx.selectFrom('webhook_deliveries').select('id').where('event_row_id', 'in', ids);
  return {
    attempts: tx.deleteFrom('webhook_attempts').where('delivery_id', 'in', deliveries),
    deliveries: tx.deleteFrom('webhook_deliveries').where('event_row_id', 'in', ids),
    events: tx.deleteFrom('order_events').where('id', 'in', ids),
  };
}

/** What deleteEvents would delete besides the events (`placeorder purge --dry-run`). */
export async function countEventChildren(db: Db, eventRowIds: readonly number[]): Promise<{ webhook_deliveries: number; webhook_attempts: number }> {
  const ids = [...eventRowIds];
  const deliveries = db.selectFrom('webhook_deliveries').select('id').where('event_row_id', 'in', ids);
  const d = await db.selectFrom(deliveries.as('x')).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const a = await db
    .selectFrom('webhook_attempts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('delivery_id', 'in', deliveries)
    .executeTakeFirstOrThrow();
  return { webhook_deliveries: Number(d.n), webhook_attempts: Number(a.n) };
}

export async function deleteEvents(tx: Db, eventRowIds: readonly number[]): Promise<{ events: number; deliveries: number; attempts: number }> {
  const q = deleteEventsQueries(tx, eventRowIds);
  const attempts = await q.attempts.executeTakeFirst();
  const deliveries = await q.deliveries.executeTakeFirst();
  const events = await q.events.executeTakeFirst();
  return { events: Number(events.numDeletedRows), deliveries: Number(deliveries.numDeletedRows), attempts: Number(attempts.numDeletedRows) };
}
