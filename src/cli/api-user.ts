// `placeorder api-user …`: the operator's side of API-user security (docs/api/reseller-endpoints.md,
// "Authentication"): a new password (which restarts the password's lifetime and ends any lock),
// or lifting a lockout early.
import { systemClock } from '../clock.js';
import { setApiUserPassword, unlockApiUser } from '../reseller-api/api-users.repository.js';
import { CliError, hasherFor, withStore, type Invocation, type Io } from './common.js';

export async function apiUserCommand(inv: Invocation, io: Io): Promise<number> {
  const login = inv.required('login');
  if (inv.sub === 'password') {
    const password = inv.required('password');
    if ([...password].length < 8 || [...password].length > 128) throw new CliError('the password must be 8 to 128 characters');
    return withStore(inv.string('db'), async (store, config) => {
      const hash = await hasherFor(config).hash(password);
      const at = systemClock.now().toISOString();
      if (!(await store.write((tx) => setApiUserPassword(tx, login, hash, at)))) throw new CliError(`there is no API user "${login}"`);
      io.out(`API user "${login}" has a new password`);
      return 0;
    });
  }
  return withStore(inv.string('db'), async (store) => {
    if (!(await store.write((tx) => unlockApiUser(tx, login)))) throw new CliError(`there is no API user "${login}"`);
    io.out(`API user "${login}" is unlocked`);
    return 0;
  });
}
