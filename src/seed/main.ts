// `npm run seed-scale -- --orders N [--db PATH_OR_URL] [--now ISO] [--seed N]`: fills an empty
// database with N orders over the 400 days before now (src/seed/seed.ts). Not part of the
// operator's CLI: it makes test and benchmark data, and refuses a database that has any.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { seedOptions, seedScale } from './seed.js';

const USAGE = 'npm run seed-scale -- --orders N [--db PATH_OR_URL] [--now 2026-11-27T00:00:00Z] [--seed N]';

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: { orders: { type: 'string', default: '1000000' }, db: { type: 'string' }, now: { type: 'string' }, seed: { type: 'string', default: '15' } },
      strict: true,
    }));
  } catch (error) {
    console.error(`seed-scale: ${(error as Error).message}\nusage: ${USAGE}`);
    return 2;
  }
  const orders = Number(values.orders);
  const now = values.now === undefined ? new Date() : new Date(values.now);
  const seed = Number(values.seed);
  if (!Number.isInteger(orders) || orders < 1000 || orders > 10_000_000) return usage('--orders must be a whole number from 1000 to 10000000');
  if (Number.isNaN(now.getTime())) return usage('--now must be an ISO date and time');
  if (!Number.isInteger(seed)) return usage('--seed must be a whole number');
  const location = loadConfig({ db: values.db }).db;
  try {
    await seedScale(location, seedOptions(orders, now, seed), (line) => console.log(`seed-scale: ${line}`));
    return 0;
  } catch (error) {
    console.error(`seed-scale: ${(error as Error).message}`);
    return 1;
  }
}

function usage(message: string): number {
  console.error(`seed-scale: ${message}\nusage: ${USAGE}`);
  return 2;
}

process.exitCode = await main();
