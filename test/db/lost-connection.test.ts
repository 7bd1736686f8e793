// A PostgreSQL connection lost mid-request (the server restarted, a failover, an operator's
// pg_terminate_backend): that request answers -14, nothing of it is committed, and the same
// server process goes on answering without a restart. PostgreSQL only: an embedded SQLite file
// has no connection to lose.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/dialects.js';
import { guestOrder, post, testApp, type TestApp } from '../helpers/app.js';

/** Polls `check` every 20 ms until it holds; fails after `timeoutMs`. */
async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(DIALECTS.filter((d) => d === 'postgres'))('a lost database connection (%s)', (dialect) => {
  let t: TestApp;
  /** Observes and terminates; never inside a transaction (pg_stat_activity is a snapshot per transaction). */
  let admin: pg.Client;
  /** Holds a table lock when a test needs requests to wait. */
  let locker: pg.Client;
  let lockerPid = 0;
  const serverBackends = () =>
    `from pg_stat_activity where datname = current_database() and pid not in (pg_backend_pid(), ${lockerPid})`;
  const terminateAll = async () =>
    (await admin.query<{ n: number }>(`select count(*) filter (where pg_terminate_backend(pid))::int as n ${serverBackends()}`)).rows[0]!.n;
  const orderCount = async () =>
    Number((await admin.query<{ n: string }>('select count(*) as n from orders')).rows[0]!.n);

  beforeAll(async () => {
    t = await testApp(dialect);
    admin = new pg.Client({ connectionString: t.store.location });
    await admin.connect();
    locker = new pg.Client({ connectionString: t.store.location });
    await locker.connect();
    lockerPid = (await locker.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
  });
  afterAll(async () => {
    await locker.end();
    await admin.end();
    await t.close();
  });

  it('requests whose connection is terminated before COMMIT run once more on a new connection, or answer -14 and commit nothing; the next ones succeed', async () => {
    const before = await orderCount();
    // Hold the orders table so that the requests wait inside their transactions (group commit:
    // one or two batches, each on its own pooled connection), then terminate every connection of
    // the server (waiting and idle ones).
    await locker.query('begin');
    let answers;
    try {
      await locker.query('lock table orders in access exclusive mode');
      const inFlight = Array.from({ length: 3 }, (_, i) => post(t.app, 'PlaceOrder', guestOrder({ emailAddress: `lost${i}@example.com` })));
      await until(
        async () => (await admin.query<{ n: number }>(`select count(*)::int as n ${serverBackends()} and wait_event_type = 'Lock'`)).rows[0]!.n >= 1,
        10_000,
        'a batch waiting on the lock',
      );
      // Let every request reach its batch, then cut them all.
      await new Promise((r) => setTimeout(r, 200));
      expect(await terminateAll()).toBeGreaterThanOrEqual(1);
      await locker.query('rollback');
      answers = await Promise.all(inFlight);
    } finally {
      await locker.query('rollback').catch(() => {});
    }

    // The batch cut before COMMIT runs once more on a new connection (src/db/postgres-batches.ts):
    // the lock is gone by then, so every request is placed (cut again, it would answer -14).
    const lost = answers.filter((a) => a.answer.errorCode === '-14');
    expect(answers.map((a) => a.answer.errorCode)).toEqual(['0', '0', '0']);
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(['0', '-14']).toContain(a.answer.errorCode);
      expect(a.body).not.toMatch(/terminat|postgres|sql|\n\s+at /i);
    }
    for (const a of lost) {
      expect(a.answer).toMatchObject({ errorCode: '-14', errorMessage: 'An unknown error occurred!' });
      expect(a.answer.requestId).toMatch(/^[0-9a-f]{16}$/);
      // Logged once each with its request id (the details stay in the log, not the answer).
      expect(t.logLines.some((l) => l.includes(a.answer.requestId!) && l.includes('unexpected error'))).toBe(true);
    }
    // The lost ones committed nothing; the others were placed once.
    expect(await orderCount()).toBe(before + answers.length - lost.length);

    // The same server, no restart: the pool opens new connections.
    for (let i = 0; i < 10; i++) {
      const res = await post(t.app, 'PlaceOrder', guestOrder({ emailAddress: `after${i}@example.com` }));
      expect(res.answer.errorCode).toBe('0');
    }
    expect(await orderCount()).toBe(before + answers.length - lost.length + 10);
  });

  it('connections terminated again and again under load: every answer is 0 or -14, every acknowledged order is stored', async () => {
    const before = await orderCount();
    const TOTAL = 240;
    const CONCURRENCY = 12;
    let next = 0;
    const codes = new Map<string, number>();
    const acknowledged: number[] = [];
    const worker = async () => {
      while (next < TOTAL) {
        const i = next++;
        const res = await post(t.app, 'PlaceOrder', guestOrder({ emailAddress: `load${i}@example.com` }));
        expect(res.status).toBe(200);
        const code = res.answer.errorCode!;
        codes.set(code, (codes.get(code) ?? 0) + 1);
        if (code === '0') acknowledged.push(Number(res.answer.orderNumber));
      }
    };
    let terminated = 0;
    let rounds = 0;
    const load = Promise.all(Array.from({ length: CONCURRENCY }, worker));
    let loadDone = false;
    void load.finally(() => (loadDone = true));
    // Terminate every server connection every 30 ms while the load runs (at most 40 rounds).
    const deadline = Date.now() + 20_000;
    while (!loadDone && rounds < 40 && Date.now() < deadline) {
      terminated += await terminateAll();
      rounds++;
      await new Promise((r) => setTimeout(r, 30));
    }
    await load;

    expect(terminated).toBeGreaterThan(0);
    expect([...codes.keys()].every((c) => c === '0' || c === '-14'), JSON.stringify([...codes])).toBe(true);
    expect(codes.get('0') ?? 0).toBeGreaterThan(0);
    // Every acknowledged order is durable, once. A -14 request normally left nothing (a lost
    // connection before COMMIT rolls back); only one whose COMMIT went through just before its
    // connection died may exist without its answer, which is why clients retry with an
    // Idempotency-Key.
    const rows = await admin.query<{ id: string }>('select id from orders');
    const stored = new Set(rows.rows.map((r) => Number(r.id)));
    for (const n of acknowledged) expect(stored.has(n)).toBe(true);
    expect(new Set(acknowledged).size).toBe(acknowledged.length);
    expect(stored.size - before).toBeGreaterThanOrEqual(acknowledged.length);
    expect(stored.size - before).toBeLessThanOrEqual(acknowledged.length + (codes.get('-14') ?? 0));

    // Recovered: a calm series of orders all succeed.
    for (let i = 0; i < 10; i++) {
      expect((await post(t.app, 'PlaceOrder', guestOrder({ emailAddress: `calm${i}@example.com` }))).answer.errorCode).toBe('0');
    }
  });
});
