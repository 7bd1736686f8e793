import { systemClock } from '../clock.js';
import { ResellerInputError, createReseller } from '../resellers/resellers.service.js';
import { CliError, hasherFor, parseAmount, parseFlags, requireFlag, withStore, type Io } from './common.js';

const USAGE =
  'placeorder reseller add --ap BRAND --login NAME --password PW [--validated] [--redirect-origin ORIGIN]… [--ip-allow CIDR]… [--credit-limit AMOUNT] [--sandbox] [--db PATH_OR_URL]';

export async function resellerCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'add') throw new CliError(`unknown reseller command "${sub ?? ''}"\nusage: ${USAGE}`);
  const { values } = parseFlags(
    rest,
    {
      ap: { type: 'string' },
      login: { type: 'string' },
      password: { type: 'string' },
      validated: { type: 'boolean' },
      'redirect-origin': { type: 'string', multiple: true },
      'ip-allow': { type: 'string', multiple: true },
      'credit-limit': { type: 'string' },
      sandbox: { type: 'boolean' },
      db: { type: 'string' },
    },
    USAGE,
  );
  const ap = requireFlag(values.ap as string | undefined, 'ap', USAGE);
  const login = requireFlag(values.login as string | undefined, 'login', USAGE);
  const password = requireFlag(values.password as string | undefined, 'password', USAGE);
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
