// Every read the product makes, planned on a seeded database (issue 15): no full scan of a
// large table, no walk of all of one of its indexes, no sort of a large table's rows (a
// reseller's orders, say), unless the case says why it stays bounded. The seed is the small
// mode of `npm run seed-scale` (20,000 orders, 1,000 resellers, one with half of the orders),
// enough rows that PostgreSQL's planner prefers indexes where they serve (no enable_seqscan).
// SQLite is planned twice: without statistics (placeorder never runs ANALYZE, so a production
// file has none) and after ANALYZE (what a big database that someone analyzed gets).
//
// PLACEORDER_PLANS_DB=<path or URL> plans against that (already seeded) database instead:
// how the plans were checked at 1,000,000 orders (docs/benchmarks.md).
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/db/store.js';
import { seedOptions, seedScale } from '../../src/seed/seed.js';
import { DIALECTS, freshDatabase, type FreshDatabase } from '../helpers/dialects.js';
import { planOf, type PlanCase } from './plan-check.js';
import { apiCases, backgroundCases, plantedCase, samplesOf, webCases, type Samples } from './query-cases.js';

const NOW = '2026-11-27T00:00:00.000Z';
const GIVEN = process.env.PLACEORDER_PLANS_DB;
const SQLITE_PHASES = ['without statistics', 'after ANALYZE'] as const;

async function problems(store: Store, cases: readonly PlanCase[]): Promise<string[]> {
  const found: string[] = [];
  for (const c of cases) {
    const plan = await planOf(store, c.query, c.allow);
    for (const p of plan.problems) found.push(`${c.name}: ${p}\n${plan.text.replace(/^/gm, '    ')}`);
  }
  return found;
}

async function newestOrderAt(store: Store): Promise<string> {
  const row = await store.db.selectFrom('orders').select('created_at').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
  return row.created_at;
}

const dialects = GIVEN ? [GIVEN.startsWith('postgres') ? ('postgres' as const) : ('sqlite' as const)] : DIALECTS;

describe.each(dialects)('query plans at scale (%s)', (dialect) => {
  let fresh: FreshDatabase | undefined;
  let store: Store;
  let samples: Samples;
  const phases = dialect === 'sqlite' && !GIVEN ? SQLITE_PHASES : (['analyzed'] as const);

  beforeAll(async () => {
    let location = GIVEN;
    if (!location) {
      fresh = await freshDatabase(dialect);
      location = fresh.location;
      await seedScale(location, seedOptions(20_000, new Date(NOW)), undefined, { analyze: dialect === 'postgres' });
    }
    store = await openStore(location);
    // A given database is planned as of its newest order: the seed's "now".
    samples = await samplesOf(store.db, GIVEN ? await newestOrderAt(store) : NOW);
  }, 300_000);

  afterAll(async () => {
    await store?.close();
    await fresh?.drop();
  });

  for (const phase of phases) {
    describe(phase, () => {
      if (phase === 'after ANALYZE') {
        beforeAll(async () => {
          await store.write(async (tx) => void (await sql`analyze`.execute(tx)));
          // The statistics are read when a connection opens: a new store sees them.
          const location = (fresh as FreshDatabase).location;
          await store.close();
          store = await openStore(location);
        }, 120_000);
      }

      it('the API, the reseller endpoints and the ordering page', async () => {
        expect(await problems(store, apiCases(store, samples))).toEqual([]);
      });

      it('the console and the portal', async () => {
        expect(await problems(store, webCases(store, samples))).toEqual([]);
      });

      it('webhooks, /metrics, the CLI and the retention purge', async () => {
        expect(await problems(store, backgroundCases(store, samples))).toEqual([]);
      });

      it('the check itself finds a query no index serves', async () => {
        const planted = await problems(store, [plantedCase(store)]);
        expect(planted).toHaveLength(1);
        expect(planted[0]).toMatch(/scans all of audit_log/);
      });
    });
  }
});
