// A customer's account as the portal shows it. (The order write path's customer queries are
// ./customers.repository.ts.)
import type { Db } from '../db/store.js';
import { contactName } from './contact-name.js';

export interface CustomerAccount {
  readonly id: number;
  readonly loginName: string;
  readonly emailAddress: string;
  /** The name the customer gave when ordering; '' when none. */
  readonly name: string;
}

export function customerByIdQuery(db: Db, customerId: number) {
  return db.selectFrom('customers').select(['id', 'login_name', 'email_address', 'details_json']).where('id', '=', customerId);
}

export async function customerById(db: Db, customerId: number): Promise<CustomerAccount | undefined> {
  const r = await customerByIdQuery(db, customerId).executeTakeFirst();
  return r && { id: r.id, loginName: r.login_name, emailAddress: r.email_address, name: contactName(r.details_json) };
}
