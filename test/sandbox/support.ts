// Shared steps of the sandbox tests: a sandbox reseller of their own, and how many orders a
// brand has (a reset must remove the sandbox's and leave every other brand's).
import { createReseller } from '../../src/resellers/resellers.service.js';
import type { TestApp } from '../helpers/app.js';

/** A validated sandbox reseller `ap` with one API user, and no redirect origins. */
export async function createSandboxReseller(t: TestApp, ap: string, login: { loginName: string; loginPassword: string }): Promise<void> {
  await createReseller(t.store, t.hasher, t.clock, { ap, login: login.loginName, password: login.loginPassword, validated: true, sandbox: true, redirectOrigins: [] });
}

/** How many orders were placed under brand `ap`. */
export async function ordersOfBrand(t: TestApp, ap: string): Promise<number> {
  const row = await t.store.db
    .selectFrom('orders')
    .innerJoin('resellers', 'resellers.id', 'orders.reseller_id')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('resellers.ap', '=', ap)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
