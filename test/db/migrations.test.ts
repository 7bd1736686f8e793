// Migrations across processes: several `placeorder migrate` (and `serve`) processes started at
// the same moment on one fresh database apply each migration exactly once; a schema older or
// newer than the build knows is refused with a clear message and exit code 2.
import { readFileSync, writeFileSync } from 'node:fs';
import { Migrator, sql, type Migration } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KNOWN_MIGRATIONS, migrationProvider } from '../../src/db/migrations/index.js';
import { ensureSchema, migrate, openStore, schemaState, SchemaError } from '../../src/db/store.js';
import { DIALECTS, freshDatabase, type FreshDatabase } from '../helpers/dialects.js';
import { SPAWN_TIMEOUT_MS, assertBuilt, runCli, startServer } from '../scale/processes.js';

const PROCESSES = 3;
/** Kysely applies migrations in name order, whatever order they are registered in. */
const ORDERED = [...KNOWN_MIGRATIONS].sort();

async function appliedMigrations(location: string): Promise<string[]> {
  const store = await openStore(location, { poolSize: 1 });
  try {
    const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db);
    return rows.rows.map((r) => r.name);
  } finally {
    await store.close();
  }
}

/** Applies only the known migrations before the last one: the schema of an older build. */
async function migrateAllButLast(location: string): Promise<void> {
  const store = await openStore(location, { poolSize: 1 });
  try {
    const all = await migrationProvider(store.dialect).getMigrations();
    const older: Record<string, Migration> = {};
    for (const name of ORDERED.slice(0, -1)) older[name] = all[name]!;
    const { error } = await new Migrator({ db: store.db, provider: { getMigrations: async () => older } }).migrateToLatest();
    if (error) throw error;
  } finally {
    await store.close();
  }
}

it('the migrations are listed in the order they are applied (by name), so messages name them in that order', () => {
  expect(KNOWN_MIGRATIONS).toEqual(ORDERED);
});

describe.each(DIALECTS)('migrations across processes (%s)', { timeout: SPAWN_TIMEOUT_MS }, (dialect) => {
  const fresh: FreshDatabase[] = [];
  const newDb = async () => {
    const f = await freshDatabase(dialect);
    fresh.push(f);
    return f.location;
  };
  beforeAll(() => assertBuilt());
  afterAll(async () => {
    for (const f of fresh) await f.drop();
  });

  it(`${PROCESSES} \`placeorder migrate\` processes started together apply each migration once`, async () => {
    const db = await newDb();
    const results = await Promise.all(Array.from({ length: PROCESSES }, () => runCli(['migrate', '--db', db])));
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0, stderr: '' });
    const outputs = results.map((r) => r.stdout.trim()).sort();
    // Exactly one process did the work (all of it, in one transaction); the others waited for
    // the lock and then found nothing left to do.
    expect(outputs).toEqual([
      `applied: ${ORDERED.join(', ')}`,
      ...Array.from({ length: PROCESSES - 1 }, () => 'schema is up to date'),
    ]);
    expect(await appliedMigrations(db)).toEqual(ORDERED);
  });

  it('several stores migrating one fresh database at once in one process agree', async () => {
    // SQLite's writer blocks its thread while it waits for the file lock, so two connections
    // of one process would wait on each other: there the stores take turns (the processes
    // above are SQLite's concurrent case). PostgreSQL's run really at once.
    const db = await newDb();
    const stores = await Promise.all(Array.from({ length: 3 }, () => openStore(db, { poolSize: 2 })));
    try {
      const applied =
        dialect === 'postgres'
          ? await Promise.all(stores.map((s) => migrate(s)))
          : await stores.reduce<Promise<string[][]>>(async (acc, s) => [...(await acc), await migrate(s)], Promise.resolve([]));
      expect(applied.flat().sort()).toEqual(ORDERED);
      for (const s of stores) expect((await schemaState(s)).pending).toEqual([]);
    } finally {
      for (const s of stores) await s.close();
    }
    expect(await appliedMigrations(db)).toEqual(ORDERED);
  });

  it('three `placeorder serve` processes started together on a fresh database all start', async () => {
    const db = await newDb();
    const started = await Promise.allSettled(Array.from({ length: 3 }, () => startServer(db)));
    try {
      for (const s of started) expect(s.status, s.status === 'rejected' ? String(s.reason) : '').toBe('fulfilled');
      for (const s of started) {
        if (s.status !== 'fulfilled') continue;
        const res = await fetch(`${s.value.url}/products/!PlaceOrder`, { method: 'POST', signal: AbortSignal.timeout(10_000) });
        // The server is up and answering on the migrated schema (-3: nothing was sent).
        expect(new URLSearchParams(await res.text()).get('errorCode')).toBe('-3');
      }
    } finally {
      for (const s of started) if (s.status === 'fulfilled') await s.value.stop();
    }
    expect(await appliedMigrations(db)).toEqual(ORDERED);
  });

  it('serve refuses a newer schema: exit code 2 and a message naming the unknown migration', async () => {
    const db = await newDb();
    expect((await runCli(['migrate', '--db', db])).code).toBe(0);
    const store = await openStore(db, { poolSize: 1 });
    await sql`insert into kysely_migration (name, timestamp) values ('999_from_the_future', '2030-01-01T00:00:00.000Z')`.execute(store.db);
    await store.close();

    // Every other command refuses it too, and `migrate` does not touch it.
    const [r, orders, m] = await Promise.all([
      runCli(['serve', '--allow-http', '--port', '0', '--db', db]),
      runCli(['orders', 'list', '--db', db]),
      runCli(['migrate', '--db', db]),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      'placeorder serve: the database schema is newer than this placeorder (unknown migrations: 999_from_the_future); run a newer placeorder',
    );
    expect(r.stdout).not.toMatch(/listening/);
    expect(orders.code).toBe(2);
    expect(orders.stderr).toMatch(/^placeorder orders: the database schema is newer than this placeorder/);
    expect(m.code).toBe(2);
    expect(m.stderr.trim()).toBe('placeorder migrate: the database has migrations this placeorder does not know: 999_from_the_future');
  });

  it('serve refuses an older schema and names the pending migrations; after `migrate` it starts', async () => {
    // An older schema needs at least two migrations to exist (this build has more).
    expect(KNOWN_MIGRATIONS.length).toBeGreaterThan(1);
    const db = await newDb();
    await migrateAllButLast(db);
    const last = ORDERED[ORDERED.length - 1]!;

    const r = await runCli(['serve', '--allow-http', '--port', '0', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `placeorder serve: the database schema is older than this placeorder (pending: ${last}); run \`placeorder migrate\` first`,
    );
    expect(await appliedMigrations(db)).not.toContain(last);

    const m = await runCli(['migrate', '--db', db]);
    expect(m).toMatchObject({ code: 0, stdout: `applied: ${last}\n` });
    const server = await startServer(db);
    await server.stop();
    expect(await appliedMigrations(db)).toEqual(ORDERED);
  });

  it('a database that cannot be read is refused in one line, not taken for a fresh one', async () => {
    let db: string;
    if (dialect === 'sqlite') {
      db = await newDb();
      writeFileSync(db, 'this is not a SQLite database\n'.repeat(200));
    } else {
      const url = new URL(await newDb());
      url.pathname = `/po_missing_${process.pid}_${Date.now()}`;
      db = url.toString();
    }
    const r = await runCli(['serve', '--allow-http', '--port', '0', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(dialect === 'sqlite' ? /^placeorder serve: SQLITE_NOTADB: file is not a database\n$/ : /^placeorder serve: 3D000: database "po_missing_\d+_\d+" does not exist\n$/);
    expect(r.stdout).not.toMatch(/listening/);
    if (dialect === 'sqlite') expect(readFileSync(db, 'utf8')).toBe('this is not a SQLite database\n'.repeat(200));
  });

  it('ensureSchema migrates a fresh database and refuses one it does not know, in-process', async () => {
    const db = await newDb();
    const store = await openStore(db, { poolSize: 1 });
    try {
      await ensureSchema(store);
      expect((await schemaState(store)).applied).toEqual(ORDERED);
      await sql`delete from kysely_migration where name = ${ORDERED[ORDERED.length - 1]!}`.execute(store.db);
      await expect(ensureSchema(store)).rejects.toThrow(SchemaError);
      await expect(ensureSchema(store)).rejects.toThrow(/older than this placeorder/);
    } finally {
      await store.close();
    }
  });
});
