// `placeorder api-user …`: the operator's side of API-user security (docs/api/reseller-endpoints.md,
// "Authentication"): a new password (which restarts the password's lifetime and ends any lock),
// or lifting a lockout early.
import { systemClock } from '../clock.js';
import { clearThrottle } from '../passwords/throttle.repository.js';
import { findApiUser, setApiUserPassword } from '../reseller-api/api-users.repository.js';
import { CliError, hasherFor, parseFlags, requireFlag, withStore, type Io } from './common.js';

export async function apiUserCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values, usage } = parseFlags(rest, ['api-user', sub!]);
  const login = requireFlag(values.login as string | undefined, 'login', usage);
  if (sub === 'password') {
    const password = requireFlag(values.password as string | undefined, 'password', usage);
    if ([...password].length < 8 || [...password].length > 128) throw new CliError('the password must be 8 to 128 characters');
    return withStore(values.db as string | undefined, async (store, config) => {
      const hash = await hasherFor(config).hash(password);
      const at = systemClock.now().toISOString();
      const set = await store.write(async (tx) => (await setApiUserPassword(tx, login, hash, at)) && (await clearThrottle(tx, 'api-user', login), true));
      if (!set) throw new CliError(`there is no API user "${login}"`);
      io.out(`API user "${login}" has a new password`);
      return 0;
    });
  }
  return withStore(values.db as string | undefined, async (store) => {
    if (!(await findApiUser(store.db, login))) throw new CliError(`there is no API user "${login}"`);
    await store.write((tx) => clearThrottle(tx, 'api-user', login));
    io.out(`API user "${login}" is unlocked`);
    return 0;
  });
}
