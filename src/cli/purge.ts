// `placeorder purge [--dry-run]`: the retention purge the server runs every ten minutes
// (src/maintenance/), run now: every side table loses its rows past retention, in batches.
// With --dry-run nothing is deleted and the counts are of what would go.
import { systemClock } from '../clock.js';
import { purge } from '../maintenance/purge.js';
import { RETENTION_TABLE } from '../retention/retention.js';
import { CliError, parseFlags, withStore, type Io } from './common.js';

export async function purgeCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals, usage } = parseFlags(args, ['purge']);
  if (positionals.length > 0) throw new CliError(`unexpected "${positionals.join(' ')}"\nusage: ${usage}`);
  const dryRun = values['dry-run'] === true;
  return withStore(values.db as string | undefined, async (store, config) => {
    const report = await purge(store, systemClock.now(), config, { dryRun, batch: 1000 });
    io.out(`table\tkeeps\t${dryRun ? 'would go' : 'gone'}`);
    for (const { table, keeps } of RETENTION_TABLE) io.out(`${table}\t${keeps}\t${report[table] ?? 0}`);
    io.out(dryRun ? 'dry run: nothing was deleted' : 'orders, their items, licences, customers and the funds ledger are kept for ever');
    return 0;
  });
}
