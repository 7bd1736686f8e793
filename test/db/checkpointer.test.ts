// SQLite only: WAL checkpoints are a SQLite mechanism (PostgreSQL has no equivalent to move).
// The store checkpoints on a worker thread, so the writer's own (blocking) checkpoint is only a
// backstop at BACKSTOP_AUTOCHECKPOINT_PAGES; these tests show the worker really copies committed
// pages into the database file, that the backstop is what the writer runs with, and that closing
// the store stops the worker.
import { statSync } from 'node:fs';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKSTOP_AUTOCHECKPOINT_PAGES } from '../../src/db/checkpointer.js';
import { freshStore } from '../helpers/dialects.js';

describe('WAL checkpoints on a worker thread (sqlite)', () => {
  let store: Awaited<ReturnType<typeof freshStore>>;
  beforeEach(async () => {
    store = await freshStore('sqlite');
  });
  afterEach(async () => {
    await store.close();
  });

  it('committed pages reach the database file without the writer checkpointing', async () => {
    const before = statSync(store.location).size;
    const params = JSON.stringify({ filler: 'x'.repeat(2000) });
    // About 100 pages: far below the writer's backstop, so only the worker can copy them.
    for (let batch = 0; batch < 10; batch++) {
      await store.write((tx) =>
        tx
          .insertInto('audit_log')
          .values(Array.from({ length: 20 }, (_, i) => ({ at: '2026-01-01T00:00:00.000Z', kind: 'test', request_id: `r${batch}-${i}`, reseller_id: null, order_id: null, params_json: params })))
          .execute(),
      );
    }
    const deadline = Date.now() + 5_000;
    while (statSync(store.location).size <= before + 100 * 4096 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(statSync(store.location).size).toBeGreaterThan(before + 100 * 4096);
    expect(BACKSTOP_AUTOCHECKPOINT_PAGES).toBeGreaterThan(100);
  });

  it('the writer runs with the backstop threshold, and synchronous=FULL unchanged', async () => {
    const [autocheckpoint, synchronous] = await store.write(async (tx) => [
      (await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(tx)).rows[0]!.wal_autocheckpoint,
      (await sql<{ synchronous: number }>`pragma synchronous`.execute(tx)).rows[0]!.synchronous,
    ]);
    expect(autocheckpoint).toBe(BACKSTOP_AUTOCHECKPOINT_PAGES);
    expect(synchronous).toBe(2);
  });
});
