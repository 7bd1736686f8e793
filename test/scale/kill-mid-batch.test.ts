// A process killed in the middle of a PostgreSQL batch (issue 14). The orders of an event-loop
// turn commit in one transaction of a few multi-row statements (src/db/postgres-batches.ts); here
// the audit table is held locked, so that a batch has created its customers and written its
// orders and items when it stops to wait, and the process is killed right then. PostgreSQL ends
// the dead connection's transaction: no order of that batch, no customer it created, no item,
// event or audit record of it may remain. Every order acknowledged before is stored exactly once,
// and a new process goes on numbering after them.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { seedDemo } from '../../src/seed/demo.js';
import { openStore, type Store } from '../../src/db/store.js';
import { cheapHasher } from '../helpers/app.js';
import { DIALECTS, freshDatabase, type FreshDatabase } from '../helpers/dialects.js';
import { SPAWN_TIMEOUT_MS, assertBuilt, postTo, startServer, type ServerProcess } from './processes.js';

const order = (extra: Record<string, string>) => ({ ap: 'resellerbrand', reseller: 'Y', name: 'Batch Kill', '1_PPP': '9974', ...extra });

describe.each(DIALECTS.filter((d) => d === 'postgres'))('a process killed mid-batch (%s)', { timeout: SPAWN_TIMEOUT_MS }, (dialect) => {
  let fresh: FreshDatabase;
  let server: ServerProcess | undefined;
  let store: Store;
  let admin: pg.Client;
  let locker: pg.Client;

  beforeAll(async () => {
    assertBuilt();
    fresh = await freshDatabase(dialect);
    server = await startServer(fresh.location, ['--pg-pool', '4']);
    store = await openStore(fresh.location, { poolSize: 2 });
    await seedDemo(store, cheapHasher(), systemClock);
    admin = new pg.Client({ connectionString: fresh.location });
    locker = new pg.Client({ connectionString: fresh.location });
    await admin.connect();
    await locker.connect();
  });
  afterAll(async () => {
    await server?.stop();
    await locker?.end();
    await admin?.end();
    await store?.close();
    await fresh?.drop();
  });

  const count = async (sql: string) => (await admin.query<{ n: number }>(sql)).rows[0]!.n;

  it('no order of the killed batch is half-written; every acknowledged order is stored once', async () => {
    const first = server!;
    // Acknowledged before the kill: new customers and guests, committed in batches.
    const before = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        postTo(first.url, 'PlaceOrder', order(i % 2 === 0 ? { emailAddress: `acked${i}@example.com` } : { emailAddress: `acked${i}@example.com`, loginName: `acked-${i}`, loginPassword: `password-${i}`, isReturningCustomer: 'N' })),
      ),
    );
    const acknowledged = before.map((r) => {
      expect(r.answer.errorCode).toBe('0');
      return Number(r.answer.orderNumber);
    });

    await locker.query('begin');
    await locker.query('lock table audit_log in access exclusive mode');
    const inFlight = Array.from({ length: 8 }, (_, i) =>
      postTo(
        first.url,
        'PlaceOrder',
        order(i % 2 === 0 ? { emailAddress: `killed${i}@example.com` } : { emailAddress: `killed${i}@example.com`, loginName: `killed-${i}`, loginPassword: `password-${i}`, isReturningCustomer: 'N' }),
        20_000,
      ).catch(() => 'no answer' as const),
    );
    // The batch has written its customers, orders and items and waits on the audit table.
    const waiting = async () =>
      count(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and application_name = 'placeorder' and query ilike 'insert into "audit_log"%'`);
    const deadline = Date.now() + 15_000;
    while ((await waiting()) < 1) {
      if (Date.now() > deadline) throw new Error('no batch waited on the audit table');
      await new Promise((r) => setTimeout(r, 25));
    }
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe(null);
    await locker.query('rollback');
    const answers = await Promise.all(inFlight);
    expect(answers.every((a) => a === 'no answer')).toBe(true);

    // Nothing of the killed requests: no order, no customer, no item, event or audit record.
    expect(await count(`select count(*)::int as n from orders where email_address like 'killed%'`)).toBe(0);
    expect(await count(`select count(*)::int as n from customers where login_name like 'killed-%'`)).toBe(0);
    const orphans = (table: string, extra = '') => count(`select count(*)::int as n from ${table} t where not exists (select 1 from orders o where o.id = t.order_id)${extra}`);
    expect(await orphans('order_items')).toBe(0);
    expect(await orphans('order_events')).toBe(0);
    expect(await orphans('audit_log', ` and t.kind = 'place_order'`)).toBe(0);
    // Every acknowledged order once, with its item, its audit record and its event.
    const stored = (await admin.query<{ id: number; email_address: string }>(`select id::int as id, email_address from orders where email_address like 'acked%' order by id`)).rows;
    expect(stored.map((r) => r.id)).toEqual([...acknowledged].sort((x, y) => x - y));
    expect(new Set(stored.map((r) => r.email_address)).size).toBe(12);
    expect(await count(`select count(*)::int as n from order_items where order_id in (${acknowledged.join(',')})`)).toBe(12);
    expect(await count(`select count(*)::int as n from audit_log where order_id in (${acknowledged.join(',')})`)).toBe(12);
    expect(await count(`select count(*)::int as n from order_events where order_id in (${acknowledged.join(',')})`)).toBe(12);

    // A new process goes on: the killed requests' names are free, numbers stay unique.
    server = await startServer(fresh.location, ['--pg-pool', '4']);
    const again = await postTo(server.url, 'PlaceOrder', order({ emailAddress: 'killed1@example.com', loginName: 'killed-1', loginPassword: 'password-1', isReturningCustomer: 'N' }));
    expect(again.answer.errorCode).toBe('0');
    expect(acknowledged).not.toContain(Number(again.answer.orderNumber));
  });
});
