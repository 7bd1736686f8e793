// The scale seed (src/seed/, `npm run seed-scale`) on both dialects: the app's own invariants
// hold on what it writes (the ledger, licences of active orders only), every status is there,
// the sequences continue after its ids, and it refuses a database that has data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/db/store.js';
import { insertOrder } from '../../src/orders/orders.repository.js';
import { seedOptions, seedScale, type SeedSummary } from '../../src/seed/seed.js';
import { checkLedger } from '../funds/ledger-invariant.js';
import { DIALECTS, freshDatabase, type FreshDatabase } from '../helpers/dialects.js';

const NOW = new Date('2026-11-27T00:00:00.000Z');

describe.each(DIALECTS)('npm run seed-scale (%s)', (dialect) => {
  let fresh: FreshDatabase;
  let store: Store;
  let summary: SeedSummary;

  beforeAll(async () => {
    fresh = await freshDatabase(dialect);
    summary = await seedScale(fresh.location, seedOptions(3000, NOW));
    store = await openStore(fresh.location);
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    await fresh?.drop();
  });

  it('writes a year of orders of every status, one reseller with about half of them', async () => {
    expect(summary.rows.orders).toBe(3000);
    expect(summary.rows.resellers).toBe(1000);
    const statuses = await store.db.selectFrom('orders').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
    expect(statuses.map((s) => s.status).sort()).toEqual(['active', 'awaiting_payment', 'cancelled', 'pending_authorization', 'refunded', 'rejected']);
    const big = await store.db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).where('reseller_id', '=', 1).executeTakeFirstOrThrow();
    expect(Number(big.n)).toBeGreaterThan(1200);
    expect(Number(big.n)).toBeLessThan(1800);
    const span = await store.db.selectFrom('orders').select((eb) => [eb.fn.min('created_at').as('first'), eb.fn.max('created_at').as('last')]).executeTakeFirstOrThrow();
    expect(Date.parse(String(span.last)) - Date.parse(String(span.first))).toBeGreaterThan(390 * 86_400_000);
  });

  it('balances the funds ledger as the app checks it', async () => {
    await checkLedger(store.db);
  }, 60_000);

  it('issues licences to active and refunded orders only, revoked for the refunded, expiring around now', async () => {
    const wrong = await store.db
      .selectFrom('licences')
      .innerJoin('orders', 'orders.id', 'licences.order_id')
      .select('licences.id')
      .where((eb) =>
        eb.or([
          eb('orders.status', 'not in', ['active', 'refunded']),
          eb.and([eb('orders.status', '=', 'active'), eb('licences.revoked_at', 'is not', null)]),
          eb.and([eb('orders.status', '=', 'refunded'), eb('licences.revoked_at', 'is', null)]),
        ]),
      )
      .execute();
    expect(wrong).toEqual([]);
    const month = (n: number) => new Date(NOW.getTime() + n * 30 * 86_400_000).toISOString();
    const around = await store.db.selectFrom('licences').select('id').where('expires_at', '>', month(-1)).where('expires_at', '<=', month(1)).execute();
    expect(around.length).toBeGreaterThan(0);
  });

  it('leaves the sequences past its ids: the next order gets the next number', async () => {
    const id = await store.write((tx) =>
      insertOrder(
        tx,
        { resellerId: 1, customerId: null, emailAddress: 'next@example.com', contactJson: '{}', resellerPays: true, status: 'pending_authorization', totalCents: 100, currency: 'USD', region: 'Unknown', offerCode: null, renewsLicence: null, requestId: 'seed-test', at: NOW.toISOString() },
        [{ itemNo: 1, ppp: 9974, productCode: 'web-dns-pro', term: '1y', listPriceCents: 100, priceCents: 100, visibility: -1, macAddress: null }],
      ),
    );
    expect(id).toBe(3001);
  });

  it('refuses a database that has data already', async () => {
    await expect(seedScale(fresh.location, seedOptions(1000, NOW))).rejects.toThrow(/empty database/);
  });
});
