// Every query about customer accounts.
import { rawSqlite } from '../db/raw-sqlite.js';
import type { Db } from '../db/store.js';

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
 * must not answer for a locked name, issue 13 finding 3). `forUpdate` (PostgreSQL) also locks
 * the customer's row until the transaction ends, so that a change computed from it cannot lose
 * a concurrent one; SQLite's write transactions run one at a time.
 */
export async function customerForOrder(
  tx: Db,
  customerId: number,
  { forUpdate = false }: { forUpdate?: boolean } = {},
): Promise<StoredCustomer | undefined> {
  const raw = rawSqlite(tx);
  if (raw) return raw.get(CUSTOMER_FOR_ORDER_SQL, customerId);
  const query = tx
    .selectFrom('customers as c')
    .leftJoin('login_throttle as t', (join) => join.on('t.realm', '=', 'customer').onRef('t.login_name', '=', 'c.login_name'))
    .select(['c.login_name', 'c.password_hash', 'c.email_address', 'c.details_json', 't.failures', 't.locked_until'])
    .where('c.id', '=', customerId);
  return (forUpdate ? query.forUpdate('c') : query).executeTakeFirst();
}

export interface StoredCustomer {
  login_name: string;
  password_hash: string;
  email_address: string;
  details_json: string;
  /** Checks counted against the login name since its last proof (login_throttle), or null. */
  failures: number | null;
  locked_until: string | null;
}

const CUSTOMER_FOR_ORDER_SQL = `select c.login_name, c.password_hash, c.email_address, c.details_json, t.failures, t.locked_until from customers c
  left join login_throttle t on t.realm = 'customer' and t.login_name = c.login_name where c.id = ?`;

export interface NewCustomer {
  loginName: string;
  passwordHash: string;
  emailAddress: string;
  detailsJson: string;
  at: string;
}

export async function insertCustomer(tx: Db, c: NewCustomer): Promise<number> {
  const row = await tx
    .insertInto('customers')
    .values({
      login_name: c.loginName,
      password_hash: c.passwordHash,
      email_address: c.emailAddress,
      details_json: c.detailsJson,
      created_at: c.at,
      updated_at: c.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Replaces the stored contact details with the ones of a returning customer's order. */
export async function replaceCustomerDetails(
  tx: Db,
  customerId: number,
  emailAddress: string,
  detailsJson: string,
  at: string,
): Promise<void> {
  await tx
    .updateTable('customers')
    .set({ email_address: emailAddress, details_json: detailsJson, updated_at: at })
    .where('id', '=', customerId)
    .execute();
}

/** True for a unique-constraint violation on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(e.message ?? '');
}
