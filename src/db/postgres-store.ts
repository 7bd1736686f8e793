// The store on PostgreSQL: a pool of connections; group commit of portable units (the
// portable units of an event-loop turn commit in one transaction through their batch form,
// postgres-batches.ts); the reseller and prices kept between requests while change notices
// arrive (read-cache.ts, change-listener.ts); and a count of the statements sent.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { ChangeListener } from './change-listener.js';
import type { Database } from './database.js';
import { PostgresBatches } from './postgres-batches.js';
import { ReadCache, registerReadCache } from './read-cache.js';
import type { Store, StoreOptions, Unit } from './types.js';

/** Bounded retries of a transaction that lost a serialization conflict or a deadlock. */
const MAX_WRITE_ATTEMPTS = 5;

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === '40001' || code === '40P01';
}

/** Statements sent by this process's connections (begin and commit included). */
let statementsSent = 0;

/** pg's Client, counting the statements it sends (`placeorder_db_round_trips_total`). */
class CountingClient extends pg.Client {
  override query(...args: unknown[]): never {
    statementsSent++;
    return (super.query as (...a: unknown[]) => never)(...args);
  }
}

function poolConfig(url: string, options: StoreOptions): pg.PoolConfig {
  const statementTimeoutMs = options.statementTimeoutMs ?? 10_000;
  return {
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    Client: CountingClient,
    application_name: 'placeorder',
    // Durable acknowledgements: never let a session turn synchronous_commit off.
    options: `-c synchronous_commit=on -c statement_timeout=${statementTimeoutMs} -c TimeZone=UTC`,
    types: {
      // int8 (ids, cents) as JS numbers: every value we store is far below 2^53.
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  };
}

export async function openPostgres(url: string, options: StoreOptions): Promise<Store> {
  const pool = new pg.Pool(poolConfig(url, options));
  // A connection lost while a client sits idle in the pool: the pool drops it and opens a new
  // one on demand.
  pool.on('error', () => {});
  // A connection lost while a client is checked out between two queries (inside a transaction,
  // say) is reported as an 'error' event on the client, which the pool does not listen to then:
  // unheard, Node would end the process. The query in flight (or the next one) fails instead,
  // that request answers -14, and the pool discards the client on release because it is no
  // longer queryable.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const cache = new ReadCache();
  registerReadCache(db, cache);
  const listener = new ChangeListener(url, cache);
  await listener.start();
  async function write<T>(unit: Unit<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.transaction().execute(unit);
      } catch (error) {
        if (isRetryable(error) && attempt < MAX_WRITE_ATTEMPTS) continue;
        throw error;
      } finally {
        // Whatever this process changed, it reads back at once (its notice may come later).
        cache.invalidate();
      }
    }
  }
  const batches = new PostgresBatches(pool, write, options.maxBatch ?? 128);
  return {
    dialect: 'postgres',
    db,
    write,
    writePortable: (unit, args) => batches.run(unit, args),
    writerThread: false,
    roundTrips: () => statementsSent,
    async close() {
      await batches.idle();
      await listener.stop();
      await db.destroy();
    },
  };
}
