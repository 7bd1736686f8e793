// The reseller and prices kept between requests (src/db/read-cache.ts): on PostgreSQL a process
// keeps them only while it hears the database's change notices (migration 009), forgets them on
// each notice, on each write of its own and when the listening connection is lost. On SQLite
// nothing is kept between turns (test/db/read-snapshots.test.ts).
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { seedDemo } from '../../src/seed/demo.js';
import { ReadCache } from '../../src/db/read-cache.js';
import { openStore, type Store } from '../../src/db/store.js';
import { priceOverrides, setPriceOverride } from '../../src/orders/orders.repository.js';
import { findResellerContext } from '../../src/resellers/resellers.repository.js';
import { cheapHasher } from '../helpers/app.js';
import { DIALECTS, freshStore } from '../helpers/dialects.js';

const until = async (what: string, check: () => Promise<boolean>, ms = 5_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('ReadCache', () => {
  it('keeps nothing unless listening; a load that an invalidation overtook is used once, not kept', async () => {
    const cache = new ReadCache();
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get('k', load)).toBe(1);
    expect(await cache.get('k', load)).toBe(2);
    cache.setListening(true);
    expect(await cache.get('k', load)).toBe(3);
    expect(await cache.get('k', load)).toBe(3);
    let release!: (v: number) => void;
    cache.invalidate();
    const slow = cache.get('k', () => new Promise<number>((r) => (release = r)));
    cache.invalidate();
    release(99);
    expect(await slow).toBe(99);
    expect(await cache.get('k', load)).toBe(4);
    expect(await cache.get('k', load)).toBe(4);
    // What `keep` refuses is not kept.
    expect(await cache.get('none', async () => undefined, (v) => v !== undefined)).toBeUndefined();
    expect(await cache.get('none', async () => 'now', (v) => v !== undefined)).toBe('now');
  });

  it('an entry expires after MAX_AGE_MS, notices or not', async () => {
    let now = 0;
    const cache = new ReadCache(() => now);
    cache.setListening(true);
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get('k', load)).toBe(1);
    now += 4_999;
    expect(await cache.get('k', load)).toBe(1);
    now += 1;
    expect(await cache.get('k', load)).toBe(2);
  });
});

for (const dialect of DIALECTS.filter((d) => d === 'postgres')) {
  describe(`reads kept between requests (${dialect})`, () => {
    let store: Store & { location: string };
    let other: Store;
    beforeEach(async () => {
      store = await freshStore(dialect);
      await seedDemo(store, cheapHasher(), systemClock);
      other = await openStore(store.location, { poolSize: 1 });
    });
    afterEach(async () => {
      await other.close();
      await store.close();
    });

    const statements = async (read: () => Promise<unknown>) => {
      const before = store.roundTrips()!;
      await read();
      return store.roundTrips()! - before;
    };
    const suspend = (s: Store, value: number) => s.write((tx) => tx.updateTable('resellers').set({ suspended: value }).where('ap', '=', 'resellerbrand').execute());

    it('a kept reseller and the prices are read again only after a change', async () => {
      await findResellerContext(store.db, 'resellerbrand');
      await priceOverrides(store.db, [9974]);
      expect(await statements(() => findResellerContext(store.db, 'resellerbrand'))).toBe(0);
      expect(await statements(() => priceOverrides(store.db, [9974]))).toBe(0);
      // An unknown brand is not kept: the names asked for are anyone's choice.
      expect(await statements(() => findResellerContext(store.db, 'no-such-brand'))).toBe(1);
      expect(await statements(() => findResellerContext(store.db, 'no-such-brand'))).toBe(1);
    });

    it("this process's own write is read back at once", async () => {
      expect((await findResellerContext(store.db, 'resellerbrand'))!.suspended).toBe(false);
      await suspend(store, 1);
      expect((await findResellerContext(store.db, 'resellerbrand'))!.suspended).toBe(true);
      await store.write((tx) => setPriceOverride(tx, 9974, 1234, new Date().toISOString()));
      expect((await priceOverrides(store.db, [9974])).get(9974)).toBe(1234);
    });

    it("another process's change is seen once its notice arrives, prices and origins too", async () => {
      expect((await findResellerContext(store.db, 'resellerbrand'))!.suspended).toBe(false);
      expect((await priceOverrides(store.db, [9974])).get(9974)).toBeUndefined();
      await suspend(other, 1);
      await until('the suspension seen', async () => (await findResellerContext(store.db, 'resellerbrand'))!.suspended);
      await other.write((tx) => setPriceOverride(tx, 9974, 777, new Date().toISOString()));
      await until('the price seen', async () => (await priceOverrides(store.db, [9974])).get(9974) === 777);
      const id = (await findResellerContext(store.db, 'resellerbrand'))!.id;
      await other.write((tx) => tx.insertInto('reseller_redirect_origins').values({ reseller_id: id, origin: 'https://shop.example.com' }).execute());
      await until('the origin seen', async () => (await findResellerContext(store.db, 'resellerbrand'))!.redirectOrigins.has('https://shop.example.com'));
    });

    it('while the listening connection is down nothing is kept; back, changes made meanwhile are seen', async () => {
      await findResellerContext(store.db, 'resellerbrand');
      const admin = new pg.Client({ connectionString: store.location });
      await admin.connect();
      try {
        const cut = await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'placeorder listen'`);
        expect(cut.rowCount).toBeGreaterThanOrEqual(1);
        // Two reads in a row each run their statement: nothing kept while down. (A cache that
        // kept anyway would answer the second from memory, every time, and this would time out.
        // Asserting the second read separately raced the reconnection after about a second.)
        const read = () => statements(() => findResellerContext(store.db, 'resellerbrand'));
        await until('two reads in a row both run', async () => (await read()) === 1 && (await read()) === 1);
        await suspend(other, 1);
        await until('the change seen', async () => (await findResellerContext(store.db, 'resellerbrand'))!.suspended);
        // Listening again (after a pause of about a second): kept again.
        await until('kept again', async () => (await statements(() => findResellerContext(store.db, 'resellerbrand'))) === 0);
        await suspend(other, 0);
        await until('the change seen', async () => !(await findResellerContext(store.db, 'resellerbrand'))!.suspended);
      } finally {
        await admin.end();
      }
    });
  });
}
