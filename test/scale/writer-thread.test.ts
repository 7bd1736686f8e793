// SQLite only: `placeorder serve` commits orders on a writer thread (src/db/writer-thread.ts),
// which only the built server has (the in-process tests run every unit on the main thread, on
// both dialects). These tests drive the real process: the order's transaction crossing threads
// must keep every rule and guarantee the in-process tests pin, while the main thread's own
// writes (authorizations, funds) take turns with it on the one SQLite file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { DEMO_PASSWORD, seedDemo } from '../../src/seed/demo.js';
import { openStore, type Store } from '../../src/db/store.js';
import { creditFunds } from '../../src/funds/funds.service.js';
import { checkLedger } from '../funds/ledger-invariant.js';
import { cheapHasher } from '../helpers/app.js';
import { DIALECTS, freshDatabase, type FreshDatabase } from '../helpers/dialects.js';
import { SPAWN_TIMEOUT_MS, assertBuilt, postTo, runCli, startServer, type ServerProcess } from './processes.js';

const BRAND = 'resellerbrand';
const API = { loginName: 'resellerbrand-api', loginPassword: DEMO_PASSWORD };
const PRICE_CENTS = 4899; // PPP 9974, one-year Web DNS Pro
const WEB_MONITOR_30D = '9675'; // an SWP product: one live order per account (-73)

function order(extra: Record<string, string>): Record<string, string> {
  return { ap: BRAND, reseller: 'Y', name: 'Writer Thread', '1_PPP': '9974', ...extra };
}

describe.each(DIALECTS.filter((d) => d === 'sqlite'))('orders on the writer thread (%s)', { timeout: SPAWN_TIMEOUT_MS }, (dialect) => {
  let fresh: FreshDatabase;
  let server: ServerProcess;
  let store: Store;

  beforeAll(async () => {
    assertBuilt();
    fresh = await freshDatabase(dialect);
    server = await startServer(fresh.location);
    // Another process's connection to the same file, as the CLI would open one.
    store = await openStore(fresh.location);
    await seedDemo(store, cheapHasher(), systemClock);
  });
  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
    await store?.close();
    await fresh?.drop();
  });

  const place = (params: Record<string, string>) => postTo(server.url, 'PlaceOrder', params);

  it('the server says it commits orders on a writer thread', () => {
    expect(server.listening).toMatchObject({ db: 'sqlite', writerThread: true });
  });

  it('new, returning and racing customers with authorizations in between: every order once, the ledger exact', async () => {
    const FUNDED = 8;
    await creditFunds(store, systemClock, BRAND, FUNDED * PRICE_CENTS, 'writer thread test', 'writer-thread-test');
    const before = await store.db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();

    // Ten first orders of one new login at once: one creates the account, the others race it,
    // lose on the unique login name and run again as returning customers.
    const racing = await Promise.all(
      Array.from({ length: 10 }, (_, i) => place(order({ emailAddress: `race${i}@example.com`, loginName: 'racer', loginPassword: 'racer-password', isReturningCustomer: 'N' }))),
    );
    expect(racing.map((r) => r.answer.errorCode)).toEqual(Array(10).fill('0'));

    // Guest orders to authorize, returning orders of the racer and new customers, all at once,
    // with the authorizations (main-thread writes) interleaved.
    const guests = await Promise.all(Array.from({ length: 16 }, (_, i) => place(order({ emailAddress: `pay${i}@example.com` }))));
    const pending = guests.map((g) => Number(g.answer.orderNumber));
    expect(guests.every((g) => g.answer.errorCode === '0')).toBe(true);
    const mixed = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => place(order({ emailAddress: `again${i}@example.com`, loginName: 'racer', loginPassword: 'racer-password', isReturningCustomer: 'Y' }))),
      ...Array.from({ length: 20 }, (_, i) => place(order({ emailAddress: `new${i}@example.com`, loginName: `new-${i}`, loginPassword: `password-${i}`, isReturningCustomer: 'N' }))),
      ...pending.map((n) => postTo(server.url, 'AutoAuthorize', { ...API, orderNumber: String(n) })),
    ]);
    const placed = mixed.slice(0, 40);
    const authorized = mixed.slice(40);
    expect(placed.map((r) => r.answer.errorCode)).toEqual(Array(40).fill('0'));
    // Funds for exactly FUNDED of them; the rest are refused for want of funds, never debited.
    expect(authorized.filter((r) => r.answer.errorCode === '0')).toHaveLength(FUNDED);

    const numbers = [...racing, ...guests, ...placed].map((r) => Number(r.answer.orderNumber));
    expect(new Set(numbers).size).toBe(numbers.length);
    const after = await store.db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n) - Number(before.n)).toBe(numbers.length);
    const racers = await store.db.selectFrom('customers').select('id').where('login_name', '=', 'racer').execute();
    expect(racers).toHaveLength(1);
    // Every acknowledged order has its audit record and its order.placed event, written in its
    // own transaction on the writer thread.
    const audited = await store.db.selectFrom('audit_log').select('order_id').where('kind', '=', 'place_order').where('order_id', 'in', numbers).execute();
    expect(audited).toHaveLength(numbers.length);
    const events = await store.db.selectFrom('order_events').select('order_id').where('type', '=', 'order.placed').where('order_id', 'in', numbers).execute();
    expect(events).toHaveLength(numbers.length);
    await checkLedger(store.db);
  });

  it('an account rule that fails inside a batch refuses that order alone (-73); its batch-mates commit', async () => {
    const who = { loginName: 'swp-owner', loginPassword: 'swp-owner-password' };
    const first = await place(order({ emailAddress: 'swp@example.com', ...who, isReturningCustomer: 'N', '1_PPP': WEB_MONITOR_30D }));
    expect(first.answer.errorCode).toBe('0');
    const results = await Promise.all([
      place(order({ emailAddress: 'swp@example.com', ...who, isReturningCustomer: 'Y', '1_PPP': WEB_MONITOR_30D })),
      ...Array.from({ length: 15 }, (_, i) => place(order({ emailAddress: `mate${i}@example.com` }))),
    ]);
    expect(results[0]!.answer).toMatchObject({ errorCode: '-73', errorItem: '1_PPP' });
    expect(results.slice(1).map((r) => r.answer.errorCode)).toEqual(Array(15).fill('0'));
    const mates = results.slice(1).map((r) => Number(r.answer.orderNumber));
    const stored = await store.db.selectFrom('orders').select('id').where('id', 'in', mates).execute();
    expect(stored).toHaveLength(15);
    const swpOrders = await store.db
      .selectFrom('orders')
      .innerJoin('customers', 'customers.id', 'orders.customer_id')
      .select('orders.id')
      .where('customers.login_name', '=', who.loginName)
      .execute();
    expect(swpOrders).toHaveLength(1);
  });

  it('a password changed by another process: the remembered one is refused at once, the new one accepted', async () => {
    const who = { loginName: 'changer', emailAddress: 'changer@example.com' };
    expect((await place(order({ ...who, loginPassword: 'old-password', isReturningCustomer: 'N' }))).answer.errorCode).toBe('0');
    expect((await place(order({ ...who, loginPassword: 'old-password', isReturningCustomer: 'Y' }))).answer.errorCode).toBe('0');
    const hash = await cheapHasher().hash('new-password');
    await store.write((tx) => tx.updateTable('customers').set({ password_hash: hash }).where('login_name', '=', who.loginName).execute());
    expect((await place(order({ ...who, loginPassword: 'old-password', isReturningCustomer: 'Y' }))).answer.errorCode).toBe('-16');
    expect((await place(order({ ...who, loginPassword: 'new-password', isReturningCustomer: 'Y' }))).answer.errorCode).toBe('0');
  });

  it('PLACEORDER_WRITER_THREAD=false commits on the main thread; a value that is not a boolean is refused at start', async () => {
    const other = await freshDatabase(dialect);
    try {
      const plain = await startServer(other.location, ['--demo'], { PLACEORDER_WRITER_THREAD: 'false' });
      try {
        expect(plain.listening).toMatchObject({ db: 'sqlite', writerThread: false });
        const res = await postTo(plain.url, 'PlaceOrder', order({ emailAddress: 'main-thread@example.com' }));
        expect(res.answer).toMatchObject({ errorCode: '0', totalCost: '48.99' });
      } finally {
        expect(await plain.stop()).toBe(0);
      }
      const refused = await runCli(['serve', '--allow-http', '--port', '0', '--db', other.location], { PLACEORDER_WRITER_THREAD: 'maybe' });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/PLACEORDER_WRITER_THREAD: expected true or false, got "maybe"/);
      expect(refused.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await other.drop();
    }
  });
});
