// `placeorder sandbox reset --ap BRAND`: wipes a sandbox reseller's orders, licences and events
// and puts its clock back (the reseller's own console calls the same service).
import { SandboxError, resetSandbox } from '../sandbox/sandbox.service.js';
import { CliError, parseFlags, requireFlag, withStore, type Io } from './common.js';

export async function sandboxCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values, usage } = parseFlags(rest, ['sandbox', sub!]);
  const ap = requireFlag(values.ap as string | undefined, 'ap', usage);
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
