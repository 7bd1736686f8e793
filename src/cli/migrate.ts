import { loadConfig } from '../config.js';
import { migrate, openStore, schemaState } from '../db/store.js';
import { CliError, parseFlags, type Io } from './common.js';

export async function migrateCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseFlags(args, ['migrate']);
  const config = loadConfig({ db: values.db as string | undefined });
  const store = await openStore(config.db);
  try {
    const before = await schemaState(store);
    if (before.unknown.length > 0) {
      throw new CliError(`the database has migrations this placeorder does not know: ${before.unknown.join(', ')}`);
    }
    const applied = await migrate(store);
    io.out(applied.length === 0 ? 'schema is up to date' : `applied: ${applied.join(', ')}`);
    return 0;
  } finally {
    await store.close();
  }
}
