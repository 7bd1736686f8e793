// The retention purge (src/maintenance/) on a seeded database, both dialects: what is past
// retention goes and nothing else does (orders, ledger and licences stay), a batch at a time
// through the store's own writes (other writes get their turn between batches), the dry run
// counts exactly what the purge then deletes, and the expiry scan does not report again the
// licences whose `order.expired` event was purged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { DEFAULTS } from '../../src/config.js';
import { openStore, type Store } from '../../src/db/store.js';
import { purge } from '../../src/maintenance/purge.js';
import { RETENTION_TABLE, cutoffs } from '../../src/retention/retention.js';
import { run } from '../../src/cli/main.js';
import { captureLines } from '../cli/capture.js';
import { seedOptions, seedScale } from '../../src/seed/seed.js';
import { WebhookDispatcher } from '../../src/webhooks/dispatcher.js';
import { DIALECTS, freshDatabase, type FreshDatabase } from '../helpers/dialects.js';

const NOW = new Date('2026-11-27T00:00:00.000Z');
const KEPT_FOR_EVER = ['orders', 'order_items', 'licences', 'customers', 'ledger_transactions', 'ledger_entries', 'funds_accounts'] as const;
type Counted = (typeof KEPT_FOR_EVER)[number] | 'audit_log' | 'order_events' | 'webhook_deliveries' | 'webhook_attempts' | 'idempotency_keys' | 'web_sessions';

describe.each(DIALECTS)('retention purge (%s)', (dialect) => {
  let fresh: FreshDatabase;
  let store: Store;
  const count = async (table: Counted, where?: [string, string]) => {
    let q = store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
    if (where) q = q.where(where[0] as never, '<', where[1] as never);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };

  beforeAll(async () => {
    fresh = await freshDatabase(dialect);
    await seedScale(fresh.location, seedOptions(1500, NOW));
    store = await openStore(fresh.location);
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    await fresh?.drop();
  });

  it('`placeorder purge --dry-run` prints every side table with its retention and what would go, and deletes nothing', async () => {
    const before = await count('audit_log');
    const c = captureLines();
    expect(await run(['purge', '--dry-run', '--db', fresh.location], c.io)).toBe(0);
    expect(c.out[0]).toBe('table\tkeeps\twould go');
    expect(c.out.slice(1, -1).map((l) => l.split('\t')[0])).toEqual(RETENTION_TABLE.map((r) => r.table));
    expect(Number(c.out[1]!.split('\t')[2])).toBeGreaterThan(0);
    expect(c.out.at(-1)).toBe('dry run: nothing was deleted');
    expect(await count('audit_log')).toBe(before);
  });

  it('deletes exactly what is past retention, in batches through store.write, and keeps orders, ledger and licences', async () => {
    const c = cutoffs(NOW, DEFAULTS);
    const kept = Object.fromEntries(await Promise.all(KEPT_FOR_EVER.map(async (t) => [t, await count(t)] as const)));
    const old = { audit: await count('audit_log', ['at', c.audit]), events: await count('order_events', ['created_at', c.events]) };
    const total = { audit: await count('audit_log'), events: await count('order_events'), keys: await count('idempotency_keys') };
    expect(old.audit).toBeGreaterThan(100);
    expect(old.events).toBeGreaterThan(100);

    const dry = await purge(store, NOW, DEFAULTS, { dryRun: true });
    let writes = 0;
    const counting: Store = { ...store, write: (unit) => (writes++, store.write(unit)) };
    const report = await purge(counting, NOW, DEFAULTS, { batch: 100 });

    expect(report).toEqual(dry);
    expect(report.audit_log).toBe(old.audit);
    expect(report.order_events).toBe(old.events);
    expect(report.idempotency_keys).toBeGreaterThan(0);
    expect(writes).toBeGreaterThan((old.audit + old.events) / 100);
    expect(await count('audit_log', ['at', c.audit])).toBe(0);
    expect(await count('audit_log')).toBe(total.audit - old.audit);
    expect(await count('order_events', ['created_at', c.events])).toBe(0);
    expect(await count('order_events')).toBe(total.events - old.events);
    expect(await count('idempotency_keys', ['expires_at', c.idempotency])).toBe(0);
    expect(await count('idempotency_keys')).toBe(total.keys - report.idempotency_keys!);
    expect(await count('web_sessions', ['expires_at', c.sessions])).toBe(0);
    const orphans = await store.db
      .selectFrom('webhook_deliveries as d')
      .leftJoin('order_events as e', 'e.id', 'd.event_row_id')
      .select('d.id')
      .where('e.id', 'is', null)
      .execute();
    expect(orphans).toEqual([]);
    for (const t of KEPT_FOR_EVER) expect(await count(t), t).toBe(kept[t]);
    expect(Object.values(await purge(store, NOW, DEFAULTS)).every((n) => n === 0)).toBe(true);
  }, 120_000);

  it('the expiry scan does not report again licences whose expired event was purged', async () => {
    const expiredEvents = () => store.db.selectFrom('order_events').select('id').where('type', '=', 'order.expired').execute();
    const before = (await expiredEvents()).length;
    const dispatcher = new WebhookDispatcher({ store, clock: new ManualClock(NOW), pollMs: 60_000 });
    expect(await dispatcher.scanExpiries()).toBe(0);
    expect((await expiredEvents()).length).toBe(before);
  });

  it("lets other writes commit between its batches", async () => {
    // Rows past retention again: a year later, every audit record is (this test runs last).
    const later = new Date(NOW.getTime() + 400 * 86_400_000);
    const done: string[] = [];
    let first = true;
    const watching: Store = {
      ...store,
      write: async (unit) => {
        const r = await store.write(unit);
        if (first) {
          first = false;
          void store.write(async (tx) => void (await tx.selectFrom('orders').select('id').limit(1).execute())).then(() => done.push('other write'));
        }
        return r;
      },
    };
    await purge(watching, later, DEFAULTS, { batch: 50, pauseMs: 5 }).then(() => done.push('purge'));
    expect(done).toEqual(['other write', 'purge']);
  }, 120_000);
});
