// Every query about customer accounts.
import { rawSqlite } from '../db/raw-sqlite.js';
import type { Db } from '../db/store.js';

export interface CustomerRow {
  id: number;
  login_name: string;
  password_hash: string;
}

export async function findCustomerByLogin(db: Db, loginName: string): Promise<CustomerRow | undefined> {
  const raw = rawSqlite(db);
  if (raw) return raw.get<CustomerRow>('select id, login_name, password_hash from customers where login_name = ?', loginName);
  return db
    .selectFrom('customers')
    .select(['id', 'login_name', 'password_hash'])
    .where('login_name', '=', loginName)
    .executeTakeFirst();
}

export async function passwordHashOf(tx: Db, customerId: number): Promise<string | undefined> {
  const row = await tx.selectFrom('customers').select('password_hash').where('id', '=', customerId).executeTakeFirst();
  return row?.password_hash;
}

/**
 * What a returning customer's order compares: the stored hash and the stored details.
 * `forUpdate` (PostgreSQL) also locks the row until the transaction ends, so that a change
 * computed from it cannot lose a concurrent one; SQLite's write transactions run one at a time.
 */
export async function customerForOrder(
  tx: Db,
  customerId: number,
  { forUpdate = false }: { forUpdate?: boolean } = {},
): Promise<{ password_hash: string; email_address: string; details_json: string } | undefined> {
  const raw = rawSqlite(tx);
  if (raw) return raw.get('select password_hash, email_address, details_json from customers where id = ?', customerId);
  const query = tx.selectFrom('customers').select(['password_hash', 'email_address', 'details_json']).where('id', '=', customerId);
  return (forUpdate ? query.forUpdate() : query).executeTakeFirst();
}

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
