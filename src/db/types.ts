// The storage layer's own types, which every file of db/ and every repository uses: kept apart
// from store.ts so that nothing in db/ imports the store to learn them (no cycle).
import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import type { PortableUnit } from './portable-unit.js';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;

/**
 * A unit of work. It must only run queries on the handle it is given: no other awaits (no
 * hashing, no network), because on SQLite it shares its transaction with other units.
 */
export type Unit<T> = (tx: Db) => Promise<T>;

export interface Store {
  readonly dialect: Dialect;
  readonly db: Db;
  write<T>(unit: Unit<T>): Promise<T>;
  /**
   * Runs a portable unit (plain data in and out, src/db/portable-unit.ts): with the others that
   * arrive together, through its batch form where it has one (SQLite's writer thread or main
   * connection, a PostgreSQL batch transaction), else exactly as write() would.
   */
  writePortable<A, R>(unit: PortableUnit<A, R>, args: A): Promise<R>;
  /** True when portable units run on a writer thread of their own. */
  readonly writerThread: boolean;
  /** Statements sent to the database so far (PostgreSQL; undefined on SQLite, which is in-process). */
  roundTrips(): number | undefined;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** PostgreSQL pool size. */
  poolSize?: number;
  /** PostgreSQL statement timeout. */
  statementTimeoutMs?: number;
  /** Most units committed together. */
  maxBatch?: number;
  /**
   * SQLite files: run portable units on a writer thread of their own (`placeorder serve`).
   * Only where the compiled worker exists (not when tests run the TypeScript sources).
   */
  writerThread?: boolean;
}
