// `placeorder reseller add`: a new reseller and its first API user.
import { systemClock } from '../clock.js';
import { ResellerInputError, createReseller } from '../resellers/resellers.service.js';
import { CliError, hasherFor, parseAmount, withStore, type Invocation, type Io } from './common.js';

export async function resellerCommand(inv: Invocation, io: Io): Promise<number> {
  const ap = inv.required('ap');
  const login = inv.required('login');
  const password = inv.required('password');
  const creditLimit = inv.string('credit-limit');
  return withStore(inv.string('db'), async (store, config) => {
    try {
      const id = await createReseller(store, hasherFor(config), systemClock, {
        ap,
        login,
        password,
        validated: inv.bool('validated'),
        redirectOrigins: inv.list('redirect-origin') ?? [],
        ipAllow: inv.list('ip-allow') ?? [],
        creditLimitCents: creditLimit === undefined ? 0 : parseAmount(creditLimit, 'credit-limit'),
        sandbox: inv.bool('sandbox'),
      });
      io.out(`reseller "${ap}" created (id ${id}) with API user "${login}"`);
      return 0;
    } catch (error) {
      if (error instanceof ResellerInputError) throw new CliError(error.message);
      throw error;
    }
  });
}
