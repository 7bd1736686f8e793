// The PostgreSQL pool size and statement timeout, set on `placeorder serve` by flag (over the
// environment), really reach PostgreSQL: the pool never opens more connections than asked, and a
// statement that waits longer than the timeout is cancelled (that request answers -14, the next
// one succeeds). PostgreSQL only: SQLite has neither.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { seedDemo } from '../../src/seed/demo.js';
import { migrate, openStore } from '../../src/db/store.js';
import { cheapHasher } from '../helpers/app.js';
import { DIALECTS, freshDatabase, type FreshDatabase } from '../helpers/dialects.js';
import { SPAWN_TIMEOUT_MS, assertBuilt, postTo, runCli, startServer, type HttpAnswer } from '../scale/processes.js';

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const guest = (i: number) => ({ ap: 'resellerbrand', reseller: 'Y', emailAddress: `pg${i}@example.com`, name: 'Pg Settings', '1_PPP': '9974' });

describe.each(DIALECTS.filter((d) => d === 'postgres'))('PostgreSQL pool and statement timeout (%s)', { timeout: SPAWN_TIMEOUT_MS }, (dialect) => {
  let fresh: FreshDatabase;
  let admin: pg.Client;
  let locker: pg.Client;
  let lockerPid = 0;
  const serverBackends = () =>
    `from pg_stat_activity where datname = current_database() and pid not in (pg_backend_pid(), ${lockerPid}) and backend_type = 'client backend' and application_name = 'placeorder'`;
  /** Runs `fn` while another session holds the orders table, so that order inserts wait. */
  async function withOrdersLocked<T>(fn: () => Promise<T>): Promise<T> {
    await locker.query('begin');
    try {
      await locker.query('lock table orders in access exclusive mode');
      return await fn();
    } finally {
      await locker.query('rollback');
    }
  }

  beforeAll(async () => {
    assertBuilt();
    fresh = await freshDatabase(dialect);
    const store = await openStore(fresh.location, { poolSize: 1 });
    await migrate(store);
    await seedDemo(store, cheapHasher(), systemClock);
    await store.close();
    admin = new pg.Client({ connectionString: fresh.location });
    await admin.connect();
    locker = new pg.Client({ connectionString: fresh.location });
    await locker.connect();
    lockerPid = (await locker.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
  });
  afterAll(async () => {
    await locker?.end();
    await admin?.end();
    await fresh?.drop();
  });

  it('--pg-pool (over PLACEORDER_PG_POOL) caps the connections one process opens', async () => {
    const server = await startServer(fresh.location, ['--pg-pool', '2'], { PLACEORDER_PG_POOL: '7' });
    try {
      expect(server.listening).toMatchObject({ pgPoolSize: 2 });
      const answers = await withOrdersLocked(async () => {
        const inFlight = Array.from({ length: 6 }, (_, i) => postTo(server.url, 'PlaceOrder', guest(i)));
        // The six commit in one or two batches (group commit), each on a connection of its own.
        await until(
          async () => (await admin.query<{ n: number }>(`select count(*)::int as n ${serverBackends()} and wait_event_type = 'Lock'`)).rows[0]!.n >= 1,
          10_000,
          'a batch waiting on the lock',
        );
        // Six requests are in, the pool's connections busy; give the pool time to (wrongly) open more.
        await new Promise((r) => setTimeout(r, 300));
        const open = (await admin.query<{ n: number }>(`select count(*)::int as n ${serverBackends()}`)).rows[0]!.n;
        expect(open).toBeGreaterThanOrEqual(1);
        expect(open).toBeLessThanOrEqual(2);
        return inFlight;
      }).then((p) => Promise.all(p));
      // Once the lock is gone, every queued request goes through on those two connections.
      expect(answers.map((a) => a.answer.errorCode)).toEqual(Array.from({ length: 6 }, () => '0'));
    } finally {
      await server.stop();
    }
  });

  it('--pg-statement-timeout-ms (over the environment) cancels a statement that waits too long: -14, then recovery', async () => {
    const server = await startServer(fresh.location, ['--pg-statement-timeout-ms', '300'], { PLACEORDER_PG_STATEMENT_TIMEOUT_MS: '60000' });
    try {
      expect(server.listening).toMatchObject({ pgStatementTimeoutMs: 300 });
      let answer: HttpAnswer | undefined;
      const started = Date.now();
      await withOrdersLocked(async () => {
        answer = await postTo(server.url, 'PlaceOrder', guest(100), 8_000);
      });
      const elapsedMs = Date.now() - started;
      expect(answer!.status).toBe(200);
      expect(answer!.answer.errorCode).toBe('-14');
      // Cancelled by the server's own timeout (57014), well before the lock was given up.
      expect(elapsedMs).toBeLessThan(8_000);
      // Log lines are buffered for up to a quarter second (src/cli/common.ts).
      const logged = () => server.output.some((l) => l.includes(answer!.answer.requestId!) && /statement timeout|57014/.test(l));
      await until(async () => logged(), 2_000, 'the statement-timeout log line');
      expect(logged()).toBe(true);
      expect((await postTo(server.url, 'PlaceOrder', guest(101))).answer.errorCode).toBe('0');
    } finally {
      await server.stop();
    }
  });

  it('out-of-range values are refused at start with a clear message', async () => {
    const [pool, timeout] = await Promise.all([
      runCli(['serve', '--allow-http', '--port', '0', '--db', fresh.location, '--pg-pool', '0']),
      runCli(['serve', '--allow-http', '--port', '0', '--db', fresh.location, '--pg-statement-timeout-ms', 'soon']),
    ]);
    expect(pool).toMatchObject({ code: 2, stderr: 'placeorder serve: --pg-pool must be between 1 and 500, got 0\n' });
    expect(timeout).toMatchObject({ code: 2, stderr: 'placeorder serve: --pg-statement-timeout-ms must be a whole number, got "soon"\n' });
  });
});
