// Scale-out, as operators run it: two `placeorder serve` processes on one fresh PostgreSQL
// database, started at the same moment (so they also race to migrate it), driven concurrently
// through both. Whatever one process does, the other must see, because every guarantee lives in
// the database: order numbers from an identity column, loginName unique, funds moved by one
// conditional UPDATE under the account's row lock, one debit per order by a unique column and
// the order's row lock. Then one process is killed mid-load: no acknowledged order may be lost.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { DEMO_PASSWORD, seedDemo } from '../../src/seed/demo.js';
import { openStore, type Store } from '../../src/db/store.js';
import { creditFunds } from '../../src/funds/funds.service.js';
import { checkLedger } from '../funds/ledger-invariant.js';
import { cheapHasher } from '../helpers/app.js';
import { DIALECTS, freshDatabase, type FreshDatabase } from '../helpers/dialects.js';
import { SPAWN_TIMEOUT_MS, assertBuilt, postTo, startServer, type HttpAnswer, type ServerProcess } from './processes.js';

const BRAND = 'resellerbrand';
const API = { loginName: 'resellerbrand-api', loginPassword: DEMO_PASSWORD };
const PRICE_CENTS = 4899; // PPP 9974, one-year Web DNS Pro
const POOL = 5;

/** Runs `tasks` with at most `concurrency` in flight; each task is bounded by its own timeout. */
async function runAll<T>(tasks: ReadonlyArray<() => Promise<T>>, concurrency: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
  return results;
}

function order(extra: Record<string, string>): Record<string, string> {
  return { ap: BRAND, reseller: 'Y', name: 'Scale Test', '1_PPP': '9974', ...extra };
}

describe.each(DIALECTS.filter((d) => d === 'postgres'))('two serve processes on one database (%s)', { timeout: SPAWN_TIMEOUT_MS }, (dialect) => {
  let fresh: FreshDatabase;
  let servers: ServerProcess[] = [];
  let store: Store;
  let admin: pg.Client;

  beforeAll(async () => {
    assertBuilt();
    fresh = await freshDatabase(dialect);
    // Both start at the same moment on the empty database: one migrates, the other waits for
    // the migration lock and finds the schema current.
    servers = await Promise.all([0, 1].map(() => startServer(fresh.location, ['--pg-pool', String(POOL)])));
    store = await openStore(fresh.location, { poolSize: 2 });
    await seedDemo(store, cheapHasher(), systemClock);
    admin = new pg.Client({ connectionString: fresh.location });
    await admin.connect();
  });
  afterAll(async () => {
    for (const s of servers) await s.stop();
    await admin?.end();
    await store?.close();
    await fresh?.drop();
  });

  it('both processes start on the fresh database with the configured pool', () => {
    for (const s of servers) expect(s.listening).toMatchObject({ db: 'postgres', pgPoolSize: POOL, pgStatementTimeoutMs: 10_000 });
    expect(servers[0]!.url).not.toBe(servers[1]!.url);
  });

  it('new and returning customers and racing authorizations through both: the database invariants hold', async () => {
    const NEW_CUSTOMERS = 40;
    const SHARED_LOGINS = 6;
    const RETURNING_PER_LOGIN = 6;
    const TO_AUTHORIZE = 24;
    const FUNDED = 10; // the funds cover exactly this many of the TO_AUTHORIZE orders
    await creditFunds(store, systemClock, BRAND, FUNDED * PRICE_CENTS, 'scale test', 'scale-test');

    const via = (i: number) => servers[i % 2]!.url;
    const acknowledged: number[] = [];
    const unexpected: string[] = [];
    const place = async (i: number, params: Record<string, string>): Promise<HttpAnswer> => {
      const res = await postTo(via(i), 'PlaceOrder', params);
      if (res.status === 200 && res.answer.errorCode === '0') acknowledged.push(Number(res.answer.orderNumber));
      else unexpected.push(`PlaceOrder ${JSON.stringify(params.loginName ?? params.emailAddress)}: ${res.status} ${JSON.stringify(res.answer)}`);
      return res;
    };
    const shared = (k: number) => ({ loginName: `shared-${k}`, loginPassword: `shared-password-${k}` });

    // Phase 1: new customers, the first orders of the shared logins sent through both processes
    // at once (one creates the account, the other finds it and proves the password), and the
    // reseller=Y guest orders to be authorized.
    const phase1: Array<() => Promise<unknown>> = [];
    for (let i = 0; i < NEW_CUSTOMERS / 2; i++) {
      phase1.push(() => place(i, order({ emailAddress: `new${i}@example.com`, loginName: `new-${i}`, loginPassword: `password-${i}`, isReturningCustomer: 'N' })));
    }
    for (let k = 0; k < SHARED_LOGINS; k++) {
      for (const side of [0, 1]) {
        phase1.push(() => place(side, order({ emailAddress: `shared${k}@example.com`, ...shared(k), isReturningCustomer: 'N' })));
      }
    }
    const pending: number[] = [];
    for (let i = 0; i < TO_AUTHORIZE; i++) {
      phase1.push(async () => {
        const res = await place(i, order({ emailAddress: `pay${i}@example.com` }));
        if (res.answer.errorCode === '0') pending.push(Number(res.answer.orderNumber));
      });
    }
    await runAll(phase1, 16);
    expect(pending).toHaveLength(TO_AUTHORIZE);

    // Phase 2: returning customers of the shared logins through both processes, more new
    // customers, and every pending order authorized through both processes at the same moment.
    const authorizations = new Map<number, string[]>();
    const phase2: Array<() => Promise<unknown>> = [];
    for (let k = 0; k < SHARED_LOGINS; k++) {
      for (let r = 0; r < RETURNING_PER_LOGIN; r++) {
        phase2.push(() => place(k + r, order({ emailAddress: `shared${k}-${r}@example.com`, ...shared(k), isReturningCustomer: 'Y' })));
      }
    }
    for (let i = NEW_CUSTOMERS / 2; i < NEW_CUSTOMERS; i++) {
      phase2.push(() => place(i, order({ emailAddress: `new${i}@example.com`, loginName: `new-${i}`, loginPassword: `password-${i}`, isReturningCustomer: 'N' })));
    }
    for (const orderNumber of pending) {
      for (const side of [0, 1]) {
        phase2.push(async () => {
          const res = await postTo(via(side), 'AutoAuthorize', { ...API, orderNumber: String(orderNumber) });
          const list = authorizations.get(orderNumber) ?? [];
          list.push(res.answer.errorCode ?? `HTTP ${res.status}`);
          authorizations.set(orderNumber, list);
        });
      }
    }
    // Interleave the kinds so that all three run at once.
    const shuffled = phase2.map((t, i) => [((i * 7919) % 104729) / 104729, t] as const).sort((a, b) => a[0] - b[0]).map(([, t]) => t);
    await runAll(shuffled, 16);

    expect(unexpected).toEqual([]);
    const expectedOrders = NEW_CUSTOMERS + SHARED_LOGINS * 2 + TO_AUTHORIZE + SHARED_LOGINS * RETURNING_PER_LOGIN;
    expect(acknowledged).toHaveLength(expectedOrders);

    // Every acknowledged order number exists, exactly once, and none is reused.
    expect(new Set(acknowledged).size).toBe(acknowledged.length);
    const stored = (await admin.query<{ id: number }>('select id::int as id from orders')).rows.map((r) => r.id);
    expect(new Set(stored).size).toBe(stored.length);
    expect([...stored].sort((a, b) => a - b)).toEqual([...acknowledged].sort((a, b) => a - b));

    // loginName unique; each shared login is one account that owns all its orders.
    const dupLogins = await admin.query('select login_name from customers group by login_name having count(*) > 1');
    expect(dupLogins.rows).toEqual([]);
    expect(Number((await admin.query('select count(*) as n from customers')).rows[0].n)).toBe(NEW_CUSTOMERS + SHARED_LOGINS);
    const perShared = await admin.query<{ login_name: string; orders: number }>(
      `select c.login_name, count(o.id)::int as orders from customers c join orders o on o.customer_id = c.id
       where c.login_name like 'shared-%' group by c.login_name order by c.login_name`,
    );
    expect(perShared.rows).toEqual(
      Array.from({ length: SHARED_LOGINS }, (_, k) => ({ login_name: `shared-${k}`, orders: 2 + RETURNING_PER_LOGIN })),
    );

    // Authorizations: exactly the funded number went through; each order's two racing calls
    // agree (both 0: one debited, the other found it active; or both -15).
    const statuses = new Map(
      (await admin.query<{ id: number; status: string }>('select id::int as id, status from orders where reseller_pays = 1 and customer_id is null')).rows.map(
        (r) => [r.id, r.status],
      ),
    );
    let authorized = 0;
    for (const [orderNumber, codes] of authorizations) {
      expect(codes).toHaveLength(2);
      const status = statuses.get(orderNumber);
      if (status === 'active') {
        authorized++;
        expect(codes, `order ${orderNumber}`).toEqual(['0', '0']);
      } else {
        expect(status, `order ${orderNumber}`).toBe('pending_authorization');
        expect(codes, `order ${orderNumber}`).toEqual(['-15', '-15']);
      }
    }
    expect(authorized).toBe(FUNDED);
    const debits = await admin.query<{ order_id: number; n: number }>(
      `select debit_order_id::int as order_id, count(*)::int as n from ledger_transactions where kind = 'authorization' group by debit_order_id`,
    );
    expect(debits.rows).toHaveLength(FUNDED);
    for (const d of debits.rows) {
      expect(d.n).toBe(1);
      expect(statuses.get(d.order_id)).toBe('active');
    }
    // No balance below its limit, Σ entries = balances, every transaction balanced.
    await checkLedger(store.db);
    const balance = await admin.query<{ balance: number }>(
      `select a.balance_cents::int as balance from funds_accounts a join resellers r on r.id = a.reseller_id where r.ap = $1`,
      [BRAND],
    );
    expect(balance.rows[0]!.balance).toBe(0);
  });

  it('every server connection terminated mid-load: answers are 0 or -14, both processes recover without restart', async () => {
    const PER_SERVER = 60;
    const acknowledged: number[] = [];
    const codes = new Map<string, number>();
    let done = 0;
    const tasks = servers.flatMap((s, side) =>
      Array.from({ length: PER_SERVER }, (_, i) => async () => {
        const res = await postTo(s.url, 'PlaceOrder', order({ emailAddress: `term-${side}-${i}@example.com` }));
        const code = res.status === 200 ? (res.answer.errorCode ?? 'none') : `HTTP ${res.status}`;
        codes.set(code, (codes.get(code) ?? 0) + 1);
        if (code === '0') acknowledged.push(Number(res.answer.orderNumber));
        done++;
      }),
    );
    const load = runAll(tasks, 12);
    // Terminate every connection to the database but this observer's (both servers', and the
    // test's own store's, which must recover the same way) every 40 ms while the load runs: at
    // most 50 rounds.
    let terminated = 0;
    for (let round = 0; round < 50 && done < tasks.length; round++) {
      const r = await admin.query<{ n: number }>(
        `select count(*) filter (where pg_terminate_backend(pid))::int as n from pg_stat_activity
         where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()`,
      );
      terminated += r.rows[0]!.n;
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    await load;
    expect(terminated).toBeGreaterThan(0);
    expect([...codes.keys()].filter((c) => c !== '0' && c !== '-14')).toEqual([]);
    expect(codes.get('0') ?? 0).toBeGreaterThan(0);
    // Both processes are still the same processes, and answer normally again.
    for (const s of servers) {
      expect(s.child.exitCode).toBe(null);
      for (let i = 0; i < 5; i++) {
        expect((await postTo(s.url, 'PlaceOrder', order({ emailAddress: `after-term-${i}@example.com` }))).answer.errorCode).toBe('0');
      }
    }
    const stored = new Set((await admin.query<{ id: number }>(`select id::int as id from orders where email_address like 'term-%'`)).rows.map((r) => r.id));
    for (const n of acknowledged) expect(stored.has(n), `acknowledged order ${n} is missing`).toBe(true);
  });

  it('killing one process mid-load (SIGKILL) loses no acknowledged order; the other goes on', async () => {
    const PER_SERVER = 80;
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const acknowledged: number[] = [];
    const outcomes = { a: new Map<string, number>(), b: new Map<string, number>() };
    const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
    let ackedByB = 0;
    let killed = false;
    const drive = (s: ServerProcess, side: 'a' | 'b') =>
      Array.from({ length: PER_SERVER }, (_, i) => async () => {
        try {
          const res = await postTo(s.url, 'PlaceOrder', order({ emailAddress: `kill-${side}${i}@example.com` }), 10_000);
          const code = res.answer.errorCode ?? `HTTP ${res.status}`;
          count(outcomes[side], code);
          if (code === '0') {
            acknowledged.push(Number(res.answer.orderNumber));
            if (side === 'b' && ++ackedByB === 20 && !killed) {
              killed = true;
              b.child.kill('SIGKILL');
            }
          }
        } catch {
          // No answer (connection reset or refused): not acknowledged, so nothing is owed.
          count(outcomes[side], 'no answer');
        }
      });
    await Promise.all([runAll(drive(a, 'a'), 8), runAll(drive(b, 'b'), 8)]);
    expect(killed).toBe(true);
    expect(await b.exited).toBe(null);
    expect(b.child.signalCode).toBe('SIGKILL');

    // The survivor answered every request it got with an order.
    expect([...outcomes.a]).toEqual([['0', PER_SERVER]]);
    // The killed one acknowledged some, then stopped answering.
    expect(outcomes.b.get('0') ?? 0).toBeGreaterThanOrEqual(20);
    expect(outcomes.b.get('no answer') ?? 0).toBeGreaterThan(0);

    const stored = new Set(
      (await admin.query<{ id: number }>(`select id::int as id from orders where email_address like 'kill-%'`)).rows.map((r) => r.id),
    );
    for (const n of acknowledged) expect(stored.has(n), `acknowledged order ${n} is missing`).toBe(true);
    // An order may exist without its answer (killed between COMMIT and the reply), never the reverse.
    expect(stored.size).toBeGreaterThanOrEqual(acknowledged.length);
    expect(stored.size).toBeLessThanOrEqual(2 * PER_SERVER);

    // A replacement process joins without ceremony, and the ledger is still sound.
    const replacement = await startServer(fresh.location, ['--pg-pool', String(POOL)]);
    servers = [a, replacement];
    const res = await postTo(replacement.url, 'PlaceOrder', order({ emailAddress: 'after-kill@example.com' }));
    expect(res.answer.errorCode).toBe('0');
    await checkLedger(store.db);
  });
});
