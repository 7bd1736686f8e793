// Every storage test runs on each dialect, in one loop (as Kysely's own tests do). Each test
// file gets fresh databases: a temporary SQLite file, and a new PostgreSQL database created on
// the local server and dropped afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate, openStore, type Dialect, type Store } from '../../src/db/store.js';

/** The server tests create their databases on (trust auth on this machine and in CI). */
export const PG_ADMIN_URL = process.env.PLACEORDER_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Both dialects unless PLACEORDER_TEST_DIALECTS narrows them (for a machine without
 * PostgreSQL). CI never narrows them, and .ci/run checks that the PostgreSQL half ran.
 */
export const DIALECTS: readonly Dialect[] = (process.env.PLACEORDER_TEST_DIALECTS ?? 'sqlite,postgres')
  .split(',')
  .map((d) => d.trim())
  .filter((d): d is Dialect => d === 'sqlite' || d === 'postgres');

let counter = 0;

export interface FreshDatabase {
  readonly dialect: Dialect;
  /** A path or postgres:// URL, as `--db` takes it. */
  readonly location: string;
  drop(): Promise<void>;
}

export async function freshDatabase(dialect: Dialect): Promise<FreshDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'placeorder-test-'));
    return { dialect, location: join(dir, 'test.db'), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `po_test_${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    dialect,
    location: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A migrated store on a fresh database; `close` also drops the database. */
export async function freshStore(dialect: Dialect): Promise<Store & { location: string }> {
  const fresh = await freshDatabase(dialect);
  const store = await openStore(fresh.location, { poolSize: 5 });
  await migrate(store);
  return {
    ...store,
    dialect: store.dialect,
    db: store.db,
    write: store.write.bind(store),
    location: fresh.location,
    async close() {
      await store.close();
      await fresh.drop();
    },
  };
}
