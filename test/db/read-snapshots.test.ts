// SQLite only (PostgreSQL reads have no such mechanism): the hot path's reads share one read
// transaction per event-loop turn (ReadSnapshots in src/db/sqlite-executor.ts). These tests pin what
// that must never cost: a writer reads what it wrote, a transaction Kysely begins on the read
// connection still works, and another process's commit is seen from the next turn on.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { openStore } from '../../src/db/store.js';
import { creditFunds, statement } from '../../src/funds/funds.service.js';
import { preparedQuery } from '../../src/db/prepared.js';
import { findResellerContext } from '../../src/resellers/resellers.repository.js';
import { seedDemo } from '../../src/seed/demo.js';
import { cheapHasher } from '../helpers/app.js';
import { freshStore } from '../helpers/dialects.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('read snapshots of one event-loop turn (sqlite)', () => {
  let store: Awaited<ReturnType<typeof freshStore>>;
  beforeEach(async () => {
    store = await freshStore('sqlite');
    await seedDemo(store, cheapHasher(), systemClock);
  });
  afterEach(async () => {
    await store.close();
  });

  const suspend = (value: number) => store.write((tx) => tx.updateTable('resellers').set({ suspended: value }).where('ap', '=', 'resellerbrand').execute());

  it('a write of this process is read back at once, even by a snapshot begun after the write was queued', async () => {
    const written = suspend(1);
    // This read begins the turn's snapshot after the commit was queued and before it ran.
    expect((await findResellerContext(store.db, 'resellerbrand'))!.suspended).toBe(false);
    await written;
    expect((await findResellerContext(store.db, 'resellerbrand'))!.suspended).toBe(true);
    const back = suspend(0);
    expect((await findResellerContext(store.db, 'resellerbrand'))!.suspended).toBe(true);
    await back;
    expect((await findResellerContext(store.db, 'resellerbrand'))!.suspended).toBe(false);
  });

  it('a transaction Kysely begins on the read connection works while a snapshot is open', async () => {
    await creditFunds(store, systemClock, 'resellerbrand', 12_345, 'snapshot test', 'snapshot-test');
    expect(await findResellerContext(store.db, 'resellerbrand')).toBeDefined();
    // funds' statement() reads in a transaction of its own on the read connection.
    const s = await statement(store, 'resellerbrand', 5);
    expect(s.entries[0]).toMatchObject({ amountCents: 12_345, balanceCents: 12_345 });
    expect((await findResellerContext(store.db, 'resellerbrand'))!.ap).toBe('resellerbrand');
  });

  it("another process's commit is seen from the next turn on", async () => {
    const other = await openStore(store.location);
    try {
      expect((await findResellerContext(store.db, 'resellerbrand'))!.suspended).toBe(false);
      await other.write((tx) => tx.updateTable('resellers').set({ suspended: 1 }).where('ap', '=', 'resellerbrand').execute());
      await turn();
      expect((await findResellerContext(store.db, 'resellerbrand'))!.suspended).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('one read runs once per turn: its rows are shared, frozen, per statement and values', async () => {
    const byAp = preparedQuery<{ ap: string }, { ap: string; suspended: number }>('test: reseller by ap', ['ap'], (db, r) =>
      db.selectFrom('resellers').select(['ap', 'suspended']).where('ap', '=', r.ap),
    );
    const all = preparedQuery<object, { ap: string }>('test: every ap', [], (db) => db.selectFrom('resellers').select('ap').orderBy('ap'));
    const first = await byAp.all(store.db, [{ ap: 'resellerbrand' }]);
    expect(await byAp.all(store.db, [{ ap: 'resellerbrand' }])).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first[0])).toBe(true);
    expect(() => Object.assign(first[0]!, { suspended: 1 })).toThrow(TypeError);
    const other = await byAp.all(store.db, [{ ap: 'myresellerbrand' }]);
    expect(other).not.toBe(first);
    expect(other[0]!.ap).toBe('myresellerbrand');
    const list = await all.all(store.db, [{}]);
    expect(await all.all(store.db, [{}])).toBe(list);
    expect(Object.isFrozen(list) && list.every((row) => Object.isFrozen(row))).toBe(true);
    // Not found is remembered too, and the next turn reads afresh.
    const none = await byAp.all(store.db, [{ ap: 'no-such-brand' }]);
    expect(none).toEqual([]);
    expect(await byAp.all(store.db, [{ ap: 'no-such-brand' }])).toBe(none);
    await turn();
    const again = await byAp.all(store.db, [{ ap: 'resellerbrand' }]);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });
});
