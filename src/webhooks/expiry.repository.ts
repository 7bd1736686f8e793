// The queries of the expiry scan (src/webhooks/dispatcher.ts): which licences still need their
// `order.expiring` or `order.expired` event, and which sandbox resellers run on a clock of their own.
import { sql } from 'kysely';
import type { Db } from '../db/store.js';
import { expiringLicencesQuery, type ExpiryRange } from '../licences/licences.repository.js';

export interface ExpiryCandidate {
  licence_id: number;
  order_id: number;
  reseller_id: number;
  code: string;
  expires_at: string;
  status: string;
  total_cents: number;
  currency: string;
}

/** Which licences a scan asks about: one kind of event, expiring in (after, until]. */
export interface ExpiryScan extends ExpiryRange {
  readonly kind: 'expiring' | 'expired';
}

/**
 * Unrevoked licences expiring in (after, until] that have no event of that kind yet, in expiry
 * order: a range of `licences_expires`. A licence is unrevoked exactly while its order is
 * active (licences are issued when an order activates and revoked when it is refunded, the
 * only way out of active), so the orders are not joined, which let the planners start from
 * them: SQLite walked every active order, PostgreSQL scanned them all for a hash join
 * (test/scale/query-plans.test.ts). Each returned licence reads its order by number.
 */
export function expiryCandidatesQuery(db: Db, s: ExpiryScan) {
  return expiringLicencesQuery(db, s)
    .select((eb) => {
      const order = eb.selectFrom('orders as o').whereRef('o.id', '=', 'l.order_id');
      return [
        'l.id as licence_id',
        'l.order_id',
        'l.reseller_id',
        'l.code',
        'l.expires_at',
        eb.fn.coalesce(order.select('o.status'), sql.lit('')).as('status'),
        eb.fn.coalesce(order.select('o.total_cents'), sql.lit(0)).as('total_cents'),
        eb.fn.coalesce(order.select('o.currency'), sql.lit('')).as('currency'),
      ];
    })
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('order_events as e')
            .select('e.id')
            .whereRef('e.dedup_key', '=', sql<string>`${sql.lit(`${s.kind}:`)} || cast(l.id as text)`),
        ),
      ),
    );
}

export async function expiryCandidates(db: Db, s: ExpiryScan): Promise<ExpiryCandidate[]> {
  return expiryCandidatesQuery(db, s).execute();
}

export async function movedSandboxClocks(db: Db): Promise<Array<{ reseller_id: number; offset_seconds: number }>> {
  return db.selectFrom('sandbox_clocks').select(['reseller_id', 'offset_seconds']).where('offset_seconds', '>', 0).execute();
}
