// The crash test of `npm run crashtest` (scripts/crashtest.mjs), short, on each dialect: the
// server is SIGKILLed under load and restarted; every acknowledged order and authorization
// survives exactly once and the ledger balances. (The recorded run: docs/reliability.md.)
import { describe, expect, it } from 'vitest';
import { runCrashtest } from '../../scripts/crashtest.mjs';
import { DIALECTS, freshDatabase } from '../helpers/dialects.js';

describe.each(DIALECTS)('crash test, short (%s)', (dialect) => {
  it('two SIGKILLs under load: nothing acknowledged is lost or duplicated, the ledger is exact', async () => {
    const db = await freshDatabase(dialect);
    try {
      const result = await runCrashtest({ seconds: 3, minKills: 2, clients: 4, db: db.location });
      expect(result.problems).toEqual([]);
      expect(result.kills).toBeGreaterThanOrEqual(2);
      expect(result.acknowledgedOrders).toBeGreaterThan(0);
      expect(result.acknowledgedAuthorizations).toBeGreaterThan(0);
      expect(result.lostOrders).toBe(0);
      expect(result.duplicatedOrders).toBe(0);
      expect(result.doubleDebits).toBe(0);
      if (dialect === 'sqlite') expect(result.integrityCheck).toBe('ok');
      expect(result.ok).toBe(true);
    } finally {
      await db.drop();
    }
  }, 120_000);
});
