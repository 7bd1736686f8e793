import { systemClock } from '../clock.js';
import { ResellerInputError, createReseller } from '../resellers/resellers.service.js';
import { CliError, hasherFor, parseAmount, parseFlags, requireFlag, withStore, type Io } from './common.js';

export async function resellerCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values, usage } = parseFlags(rest, ['reseller', sub!]);
  const ap = requireFlag(values.ap as string | undefined, 'ap', usage);
  const login = requireFlag(values.login as string | undefined, 'login', usage);
  const password = requireFlag(values.password as string | undefined, 'password', usage);
  const creditLimit = values['credit-limit'] as string | undefined;
  return withStore(values.db as string | undefined, async (store, config) => {
    try {
      const id = await createReseller(store, hasherFor(config), systemClock, {
        ap,
        login,
        password,
        validated: values.validated === true,
        redirectOrigins: (values['redirect-origin'] as string[] | undefined) ?? [],
        ipAllow: (values['ip-allow'] as string[] | undefined) ?? [],
        creditLimitCents: creditLimit === undefined ? 0 : parseAmount(creditLimit, 'credit-limit'),
        sandbox: values.sandbox === true,
      });
      io.out(`reseller "${ap}" created (id ${id}) with API user "${login}"`);
      return 0;
    } catch (error) {
      if (error instanceof ResellerInputError) throw new CliError(error.message);
      throw error;
    }
  });
}
