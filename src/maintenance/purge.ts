// The retention purge: every side table loses its rows past retention (src/retention/), a small
// batch at a time. Each batch is its own unit of work through the store (on SQLite a short
// write transaction shared with whatever else commits in that turn, on PostgreSQL a
// transaction of its own), and the purge pauses between batches, so orders never wait for
// more than one batch. The same walk, without deleting, is `placeorder purge --dry-run`.
import type { Config } from '../config.js';
import type { Db, Store } from '../db/store.js';
import { countExpiredQuery, purgeExpired } from '../idempotency/idempotency.repository.js';
import { auditAfterQuery, deleteAuditQuery } from '../orders/orders.repository.js';
import { countStaleThrottleQuery, purgeThrottle } from '../passwords/throttle.repository.js';
import { noncePurge } from '../ordering-submissions/ordering-submissions.repository.js';
import { sessionPurge } from '../sessions/sessions.repository.js';
import { countEventChildren, deleteEvents, eventsAfterQuery } from '../webhooks/event-retention.repository.js';
import { deleteMessages, messagesAfterQuery } from '../notifications/notifications.repository.js';
import { cutoffs, type Cutoffs } from '../retention/retention.js';

/** Rows gone (or, in a dry run, that would go), by table. */
export type PurgeReport = Record<string, number>;

export interface PurgeOptions {
  readonly dryRun?: boolean;
  /** Rows per batch. */
  readonly batch?: number;
  /** Pause between batches, so that other writes take their turn. */
  readonly pauseMs?: number;
  /** Checked between batches: a server that stops does not wait for the rest. */
  readonly stopped?: () => boolean;
}

/** One table's purge: a step deletes one batch and says whether anything is left. */
interface Walk {
  step(tx: Db, limit: number, dryRun: boolean): Promise<{ gone: PurgeReport; done: boolean }>;
}

type IdRows = (db: Db, afterId: number, limit: number) => { execute(): Promise<Array<{ id: number; at: string }>> };

/**
 * Tables written in time order and read by id (audit records, events): walked by the primary
 * key from the oldest row on, without an index on the time that every order would pay for.
 * The walk ends at the first batch with nothing old in it. A row that is newer than its
 * neighbours (a sandbox reseller's clock runs ahead) is passed over and waits for a later run.
 */
function idWalk(after: IdRows, cutoff: string, remove: (tx: Db, ids: number[]) => Promise<PurgeReport>, count: (db: Db, ids: number[]) => Promise<PurgeReport>): Walk {
  let cursor = 0;
  return {
    async step(tx, limit, dryRun) {
      const rows = await after(tx, cursor, limit).execute();
      const old = rows.filter((r) => r.at < cutoff).map((r) => r.id);
      cursor = rows[rows.length - 1]?.id ?? cursor;
      const gone = old.length === 0 ? {} : await (dryRun ? count : remove)(tx, old);
      return { gone, done: rows.length < limit || old.length === 0 };
    },
  };
}

/** Tables with an index on the time that decides (`expires_at`, `created_at`, `updated_at`). */
function indexWalk(table: string, remove: (tx: Db, limit: number) => Promise<number>, count: (db: Db) => Promise<number>): Walk {
  return {
    async step(tx, limit, dryRun) {
      if (dryRun) return { gone: { [table]: await count(tx) }, done: true };
      const n = await remove(tx, limit);
      return { gone: { [table]: n }, done: n < limit };
    },
  };
}

function walks(c: Cutoffs): Array<[string, Walk]> {
  const n = async (q: { executeTakeFirstOrThrow(): Promise<{ n: number | string | bigint }> }) => Number((await q.executeTakeFirstOrThrow()).n);
  return [
    [
      'audit_log',
      idWalk(auditAfterQuery, c.audit, async (tx, ids) => ({ audit_log: Number((await deleteAuditQuery(tx, ids).executeTakeFirst()).numDeletedRows) }), async (_db, ids) => ({ audit_log: ids.length })),
    ],
    [
      'order_events',
      idWalk(
        eventsAfterQuery,
        c.events,
        async (tx, ids) => {
          const r = await deleteEvents(tx, ids);
          return { order_events: r.events, webhook_deliveries: r.deliveries, webhook_attempts: r.attempts };
        },
        async (db, ids) => ({ order_events: ids.length, ...(await countEventChildren(db, ids)) }),
      ),
    ],
    ['idempotency_keys', indexWalk('idempotency_keys', (tx, limit) => purgeExpired(tx, c.idempotency, limit), (db) => n(countExpiredQuery(db, c.idempotency)))],
    ['web_sessions', indexWalk('web_sessions', (tx, limit) => sessionPurge.delete(tx, c.sessions, limit), (db) => n(sessionPurge.countQuery(db, c.sessions)))],
    ['ordering_submissions', indexWalk('ordering_submissions', (tx, limit) => noncePurge.delete(tx, c.submissions, limit), (db) => n(noncePurge.countQuery(db, c.submissions)))],
    ['login_throttle', indexWalk('login_throttle', (tx, limit) => purgeThrottle(tx, c.throttle, limit), (db) => n(countStaleThrottleQuery(db, c.throttle)))],
    [
      'notification_messages',
      idWalk(messagesAfterQuery, c.messages, async (tx, ids) => ({ notification_messages: await deleteMessages(tx, ids) }), async (_db, ids) => ({ notification_messages: ids.length })),
    ],
  ];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Purges (or counts, with `dryRun`) every side table as of `now`; resolves with what went. */
export async function purge(store: Store, now: Date, config: Pick<Config, 'orderingSessionTtlSeconds'>, o: PurgeOptions = {}): Promise<PurgeReport> {
  const batch = o.batch ?? 500;
  const report: PurgeReport = {};
  for (const [, walk] of walks(cutoffs(now, config))) {
    for (let done = false; !done; ) {
      // A dry run reads (and only reads) in bigger steps: nothing waits for it.
      const step = o.dryRun ? await walk.step(store.db, batch * 10, true) : await store.write((tx) => walk.step(tx, batch, false));
      for (const [name, count] of Object.entries(step.gone)) report[name] = (report[name] ?? 0) + count;
      done = step.done;
      if (o.stopped?.()) return report;
      if (!done && !o.dryRun && (o.pauseMs ?? 0) > 0) await sleep(o.pauseMs!);
    }
  }
  return report;
}
