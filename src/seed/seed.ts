// `npm run seed-scale`: a database with a year of orders, fast. Rows are generated in time order
// (orders.ts, timeline.ts) and written with multi-row statements in large transactions
// (sink.ts); the schema is the migrations' own, and the ledger balances as the app's invariant
// checks it (test/funds/ledger-invariant.ts). Both dialects; the same seed gives the same rows.
import { defaultCatalog, type Plan } from '../catalog/catalog.js';
import { DEFAULTS } from '../config.js';
import { migrate, openStore } from '../db/store.js';
import { argon2Hasher } from '../passwords/hasher.js';
import { OrderGenerator } from './orders.js';
import { addCustomers, addResellers, addSideTables, resellerAccountId } from './side-tables.js';
import { Tables, postgresSink, sqliteSink, type Sink } from './sink.js';
import { ID_TABLES, TABLE_SPECS } from './tables.js';
import { Timeline } from './timeline.js';
import { SEED_API_PASSWORD, SEED_CUSTOMER_PASSWORD, World, type SeedOptions } from './world.js';

/** Changes whenever what the seed writes changes: the benchmark's kept seeds (bench/preload.mjs) carry it in their names. */
export const SEED_FORMAT = 1;

export interface SeedSummary {
  readonly rows: Record<string, number>;
  readonly seconds: number;
}

/** The defaults of the issue: 1,000 resellers and a customer per five orders (200,000 at a million). */
export function seedOptions(orders: number, now = new Date(), seed = 15): SeedOptions {
  return { orders, resellers: 1000, customers: Math.max(100, Math.round(orders / 5)), now, seed };
}

/** Fills an empty database (a fresh one is migrated first); refuses one that holds orders or resellers. */
export async function seedScale(
  location: string,
  options: SeedOptions,
  log: (line: string) => void = () => {},
  { analyze = true }: { analyze?: boolean } = {},
): Promise<SeedSummary> {
  const started = Date.now();
  const store = await openStore(location);
  let vendor: { revenue: number; payments: number };
  try {
    await migrate(store);
    const held = await store.db.selectFrom('resellers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    if (Number(held.n) > 0) throw new Error('seed-scale fills an empty database; this one has resellers already');
    const accounts = await store.db.selectFrom('funds_accounts').select(['id', 'code']).execute();
    const idOf = (code: string) => accounts.find((a) => a.code === code)?.id ?? Number.NaN;
    vendor = { revenue: idOf('vendor:revenue'), payments: idOf('vendor:payments') };
  } finally {
    await store.close();
  }
  // One hash per password, at the server's own cost: every seeded login verifies as a real one.
  const hasher = argon2Hasher({ ...DEFAULTS.argon2, maxConcurrent: 2, maxQueued: 4 });
  const [apiHash, customerHash] = await Promise.all([hasher.hash(SEED_API_PASSWORD), hasher.hash(SEED_CUSTOMER_PASSWORD)]);
  const sink: Sink = store.dialect === 'postgres' ? await postgresSink(location) : sqliteSink(location);
  try {
    const world = new World(options);
    const tables = new Tables(sink, TABLE_SPECS);
    addResellers(world, tables, apiHash);
    await addCustomers(world, tables, customerHash);
    await tables.flush(true);
    log(`resellers and ${options.customers} customers written (${seconds(started)} s)`);
    const timeline = new Timeline(world, tables, { ...vendor, ofReseller: resellerAccountId });
    const plans = new Map<number, Plan>(defaultCatalog().products.flatMap((p) => p.plans.map((plan) => [plan.ppp, plan] as const)));
    const every = Math.max(2000, Math.floor(options.orders / 10 / 2000) * 2000);
    await new OrderGenerator(world, tables, timeline, plans).run((done) => {
      if (done % every === 0) log(`${done} orders (${seconds(started)} s)`);
    });
    for (const [reseller, balance] of timeline.balances) {
      await sink.exec(`update funds_accounts set balance_cents = ${balance} where id = ${resellerAccountId(reseller)}`);
    }
    await addSideTables(world, tables);
    log(`rows written (${seconds(started)} s)${analyze ? '; analyzing' : ''}`);
    await finish(sink, analyze);
    const rows = Object.fromEntries(tables.counts);
    log(`done in ${seconds(started)} s: ${Object.entries(rows).map(([t, n]) => `${t} ${n}`).join(', ')}`);
    return { rows, seconds: Number(seconds(started)) };
  } finally {
    await sink.close();
  }
}

/**
 * Sequences past the seeded ids (PostgreSQL), then the statistics a big database has: on
 * PostgreSQL autovacuum gathers them by itself; SQLite has none until someone runs ANALYZE
 * (placeorder never does; the plan tests look at both).
 */
async function finish(sink: Sink, analyze: boolean): Promise<void> {
  if (sink.dialect === 'postgres') {
    for (const table of ID_TABLES) {
      await sink.exec(`select setval(pg_get_serial_sequence('${table}', 'id'), (select max(id) from ${table}))`);
    }
    // VACUUM also sets the visibility map, which index-only scans rely on, as autovacuum would.
    if (analyze) await sink.exec('vacuum (analyze)');
  } else {
    if (analyze) await sink.exec('analyze');
    await sink.exec('pragma wal_checkpoint(truncate)');
  }
}

const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);
