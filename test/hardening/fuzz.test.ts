// The fuzzer of `npm run fuzz` (scripts/fuzz.mjs), with a small count, against a real server
// process on each dialect: every answer carries an errorCode, none is a 5xx, nothing is logged
// as an unexpected error, the server neither crashes nor fails to shut down cleanly.
import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../scripts/fuzz.mjs';
import { DIALECTS, freshDatabase } from '../helpers/dialects.js';


describe.each(DIALECTS)('fuzz, small count (%s)', (dialect) => {
  it('300 hostile requests: all answered with an errorCode, no 5xx, no crash, no error logged', async () => {
    const db = await freshDatabase(dialect);
    try {
      const result = await runFuzz({ count: 300, db: db.location, concurrency: 8, seed: 20261126 });
      expect(result.requests).toBe(300);
      expect(result.answered).toBeGreaterThan(250);
      expect(result.serverErrors).toBe(0);
      expect(result.transportErrors).toBe(0);
      expect(result.crashed).toBe(false);
      expect(result.cleanExit).toBe(true);
      expect(result.errorLogLines).toBe(0);
      expect(result.noErrorCodeBy).toEqual({});
      // The generator reaches deep into the ladder: some orders are placed, some refused late.
      expect(Object.keys(result.errorCodes).length).toBeGreaterThan(5);
    } finally {
      await db.drop();
    }
  }, 120_000);
});
