// Every query about customer accounts.
import type { Insertable } from 'kysely';
import { preparedQuery, preparedRowsQuery, type Executor } from '../db/prepared.js';
import type { Db } from '../db/types.js';
import type { CustomersTable } from './customers.table.js';

/** A customer's login, as the password proof needs it (src/passwords/prover.ts). */
export interface CustomerLogin {
  readonly id: number;
  readonly passwordHash: string;
}

export function customerLoginQuery(db: Db, loginName: string) {
  return db.selectFrom('customers').select(['id', 'password_hash']).where('login_name', '=', loginName);
}

export async function customerLogin(db: Db, loginName: string): Promise<CustomerLogin | undefined> {
  const row = await customerLoginQuery(db, loginName).executeTakeFirst();
  return row && { id: row.id, passwordHash: row.password_hash };
}

/**
 * What a returning customer's order compares: the stored hash, the stored details, and whether
 * the login name is locked (login_throttle, read in the same statement: a remembered credential
 * must not answer for a locked name, issue 13 finding 3). One statement for the customers of a
 * whole batch of orders (src/place-order/order-batch.ts).
 */
function customersForOrdersQuery(db: Db, ids: readonly number[]) {
  return db
    .selectFrom('customers as c')
    .leftJoin('login_throttle as t', (join) => join.on('t.realm', '=', 'customer').onRef('t.login_name', '=', 'c.login_name'))
    .select(['c.id', 'c.login_name', 'c.password_hash', 'c.email_address', 'c.details_json', 't.failures', 't.locked_until'])
    .where('c.id', 'in', [...ids]);
}

export const CUSTOMERS_FOR_ORDERS = preparedRowsQuery<{ id: number }, StoredCustomer>('customers for orders', ['id'], (db, rows) =>
  customersForOrdersQuery(
    db,
    rows.map((r) => r.id),
  ),
);
/** The same, locking the rows until the transaction ends (PostgreSQL). */
const CUSTOMERS_FOR_ORDERS_LOCKED = preparedRowsQuery<{ id: number }, StoredCustomer>('customers for orders, locked', ['id'], (db, rows) =>
  customersForOrdersQuery(
    db,
    rows.map((r) => r.id),
  ).forUpdate('c'),
);

/**
 * The customers of these ids, as orders compare them. `forUpdate` (PostgreSQL) also locks the
 * rows until the transaction ends, so that a change computed from one cannot lose a concurrent
 * one; SQLite's write transactions run one at a time. Ids are locked in ascending order.
 */
export function customersForOrders(on: Executor | Db, ids: readonly number[], { forUpdate = false } = {}): Promise<StoredCustomer[]> {
  const sorted = [...new Set(ids)].sort((a, b) => a - b).map((id) => ({ id }));
  return (forUpdate ? CUSTOMERS_FOR_ORDERS_LOCKED : CUSTOMERS_FOR_ORDERS).all(on, sorted);
}

export async function customerForOrder(tx: Db, customerId: number, options: { forUpdate?: boolean } = {}): Promise<StoredCustomer | undefined> {
  return (await customersForOrders(tx, [customerId], options))[0];
}

export interface StoredCustomer {
  id: number;
  login_name: string;
  password_hash: string;
  email_address: string;
  details_json: string;
  /** Checks counted against the login name since its last proof (login_throttle), or null. */
  failures: number | null;
  locked_until: string | null;
}

export interface NewCustomer {
  loginName: string;
  passwordHash: string;
  emailAddress: string;
  detailsJson: string;
  at: string;
}

type CustomerRow = Omit<Insertable<CustomersTable>, 'id'>;

/** New customers; a login name taken already (by another order, another process) is skipped. */
const INSERT_CUSTOMERS = preparedRowsQuery<CustomerRow, { id: number; login_name: string }>(
  'insert customers',
  ['login_name', 'password_hash', 'email_address', 'details_json', 'created_at', 'updated_at'],
  (db, rows) =>
    db
      .insertInto('customers')
      .values([...rows])
      .onConflict((oc) => oc.column('login_name').doNothing())
      .returning(['id', 'login_name']),
);

/**
 * Creates the customers (names in ascending order, so that two transactions creating the same
 * names wait for each other instead of deadlocking). Returns the new ids by login name; a name
 * that was taken is missing.
 */
export async function insertCustomers(on: Executor | Db, customers: readonly NewCustomer[]): Promise<Map<string, number>> {
  const rows = [...customers]
    .sort((a, b) => (a.loginName < b.loginName ? -1 : a.loginName > b.loginName ? 1 : 0))
    .map((c) => ({
      login_name: c.loginName,
      password_hash: c.passwordHash,
      email_address: c.emailAddress,
      details_json: c.detailsJson,
      created_at: c.at,
      updated_at: c.at,
    }));
  const created = await INSERT_CUSTOMERS.all(on, rows);
  return new Map(created.map((r) => [r.login_name, r.id]));
}

interface DetailsChange {
  id: number;
  email_address: string;
  details_json: string;
  updated_at: string;
  /** The row as the change was computed from it: unchanged since, or nothing is written. */
  password_hash: string;
  was_email_address: string;
  was_details_json: string;
}

const REPLACE_DETAILS = preparedQuery<DetailsChange, never>(
  'replace customer details',
  ['id', 'email_address', 'details_json', 'updated_at', 'password_hash', 'was_email_address', 'was_details_json'],
  (db, c) =>
    db
      .updateTable('customers')
      .set({ email_address: c.email_address, details_json: c.details_json, updated_at: c.updated_at })
      .where('id', '=', c.id)
      .where('password_hash', '=', c.password_hash)
      .where('email_address', '=', c.was_email_address)
      .where('details_json', '=', c.was_details_json),
);

/**
 * Replaces the stored contact details with the ones of a returning customer's order, if the
 * row is still as `was` (the same hash, email and details). False when it changed meanwhile.
 */
export async function replaceCustomerDetails(
  on: Executor | Db,
  was: Pick<StoredCustomer, 'id' | 'password_hash' | 'email_address' | 'details_json'>,
  emailAddress: string,
  detailsJson: string,
  at: string,
): Promise<boolean> {
  const changed = await REPLACE_DETAILS.count(on, [
    {
      id: was.id,
      email_address: emailAddress,
      details_json: detailsJson,
      updated_at: at,
      password_hash: was.password_hash,
      was_email_address: was.email_address,
      was_details_json: was.details_json,
    },
  ]);
  return changed === 1;
}

/** True for a unique-constraint violation on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(e.message ?? '');
}
