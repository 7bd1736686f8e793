// `placeorder redirect-secret --ap BRAND [--clear]`: gives a reseller a new random redirect
// secret (printed once, for the reseller's site) or removes it. The secret is generated here,
// never taken from the command line, so it does not end up in a shell history.
import { randomBytes } from 'node:crypto';
import { setRedirectSecret } from '../resellers/redirect-secret.repository.js';
import { CliError, parseFlags, requireFlag, withStore, type Io } from './common.js';

export async function redirectSecretCommand(args: string[], io: Io): Promise<number> {
  const { values, usage } = parseFlags(args, ['redirect-secret']);
  const ap = requireFlag(values.ap as string | undefined, 'ap', usage);
  const secret = values.clear === true ? null : randomBytes(32).toString('hex');
  return withStore(values.db as string | undefined, async (store) => {
    if (!(await store.write((tx) => setRedirectSecret(tx, ap, secret)))) throw new CliError(`no reseller with brand "${ap}"`);
    io.out(secret === null ? `redirect secret of "${ap}" removed; redirects are no longer signed` : `redirect secret of "${ap}": ${secret}`);
    return 0;
  });
}
