// Signing a customer in (the portal): their login name and password, proven through the one
// door for passwords (src/passwords/prover.ts). !PlaceOrder settles its customer itself
// (src/place-order/service.ts), since a new customer there may also create the account.
import type { Db } from '../db/store.js';
import type { Attempt, PasswordProver } from '../passwords/prover.js';
import { customerLogin, type CustomerLogin } from './customers.repository.js';

export async function proveCustomer(
  deps: { readonly store: { readonly db: Db }; readonly passwords: PasswordProver },
  attempt: Omit<Attempt, 'realm'>,
): Promise<CustomerLogin | undefined> {
  const login = await deps.passwords.find('customer', attempt.loginName, () => customerLogin(deps.store.db, attempt.loginName));
  return deps.passwords.prove({ ...attempt, realm: 'customer' }, login);
}
