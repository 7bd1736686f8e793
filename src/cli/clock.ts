// `placeorder clock`: the sandbox-only test clock of one reseller. `advance` moves it forward
// (renewal windows, expiry), `show` prints it, `reset` puts it back to real time.
import { systemClock } from '../clock.js';
import { SandboxError, advanceClock, clockState, parseDuration, resetClock } from '../sandbox/sandbox.service.js';
import { CliError, parseFlags, requireFlag, withStore, type Io } from './common.js';

export async function clockCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals, usage } = parseFlags(rest, ['clock', sub!]);
  const ap = requireFlag(values.ap as string | undefined, 'ap', usage);
  if (sub === 'advance' && positionals.length !== 1) throw new CliError(`clock advance takes one DURATION, like 40d\nusage: ${usage}`);
  if (sub !== 'advance' && positionals.length !== 0) throw new CliError(`clock ${sub} takes no DURATION\nusage: ${usage}`);
  return withStore(values.db as string | undefined, async (store) => {
    try {
      const state =
        sub === 'advance'
          ? await advanceClock(store, systemClock, ap, parseDuration(positionals[0]!))
          : sub === 'show'
            ? await clockState(store, systemClock, ap)
            : await resetClock(store, systemClock, ap);
      io.out(`sandbox clock of "${ap}": ${state.now} (${formatOffset(state.offsetSeconds)} ahead of real time)`);
      return 0;
    } catch (error) {
      if (error instanceof SandboxError) throw new CliError(error.message);
      throw error;
    }
  });
}

function formatOffset(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const rest = seconds % 86_400;
  return `${days}d ${Math.floor(rest / 3600)}h ${Math.floor((rest % 3600) / 60)}m`;
}
