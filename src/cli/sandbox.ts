// `placeorder sandbox reset --ap BRAND`: wipes a sandbox reseller's orders, licences and events
// and puts its clock back (the reseller's own console calls the same service).
import { SandboxError, resetSandbox } from '../sandbox/sandbox.service.js';
import { CliError, parseFlags, requireFlag, withStore, type Io } from './common.js';

const USAGE = 'placeorder sandbox reset --ap BRAND [--db PATH_OR_URL]';

export async function sandboxCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'reset') throw new CliError(`unknown sandbox command "${sub ?? ''}"\nusage: ${USAGE}`);
  const { values } = parseFlags(rest, { ap: { type: 'string' }, db: { type: 'string' } }, USAGE);
  const ap = requireFlag(values.ap as string | undefined, 'ap', USAGE);
  return withStore(values.db as string | undefined, async (store) => {
    try {
      const counts = await resetSandbox(store, ap);
      io.out(`sandbox "${ap}" reset: ${counts.orders} orders removed, clock back to real time`);
      return 0;
    } catch (error) {
      if (error instanceof SandboxError) throw new CliError(error.message);
      throw error;
    }
  });
}
