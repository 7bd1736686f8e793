// The fuzzer of `npm run fuzz` (scripts/fuzz.mjs), with a small count, against a real server
// process on each dialect: every answer carries an errorCode, none is a 5xx, no redirect leaves
// the registered origins, a keyed retry gets the first answer, nothing is logged as an
// unexpected error, the server neither crashes nor fails to shut down cleanly, and every order
// the run stored was acknowledged with errorCode=0 to some request. The run must reach the
// valid-looking scenarios (redirects on registered origins, the ordering page, the reseller's
// API user, the sandbox, the console, the portal) and not only the hostile requests.
import { describe, expect, it } from 'vitest';
import { failuresOf, runFuzz } from '../../scripts/fuzz.mjs';
import { DIALECTS, freshDatabase } from '../helpers/dialects.js';
import { formBody } from '../helpers/app.js';

describe.each(DIALECTS)('fuzz, small count (%s)', (dialect) => {
  it('1,500 requests: answered with an errorCode, no 5xx, no crash, no error logged, every stored order acknowledged', async () => {
    const db = await freshDatabase(dialect);
    try {
      const result = await runFuzz({ count: 1500, db: db.location, concurrency: 8, seed: 20261130 });
      expect(result.requests).toBe(1500);
      expect(result.answered).toBeGreaterThan(1400);
      expect(result.serverErrors).toBe(0);
      expect(result.transportErrors).toBe(0);
      expect(result.crashed).toBe(false);
      expect(result.cleanExit).toBe(true);
      expect(result.errorLogExamples).toEqual([]);
      expect(result.noErrorCodeBy).toEqual({});
      expect(result.offOriginRedirects).toBe(0);
      expect(result.replayMismatches).toBe(0);
      // Every order in the database had its success answer; every acknowledged one is there.
      expect(result.unacknowledgedExamples).toEqual([]);
      expect(result.lostExamples).toEqual([]);
      expect(failuresOf(result)).toEqual([]);
      // The run reached deep: orders placed and refused, both redirects, the ordering page's
      // receipt, keyed replays, customers created, every scenario.
      expect(result.storedOrders).toBeGreaterThan(50);
      expect(result.redirects.success).toBeGreaterThan(0);
      expect(result.redirects.error).toBeGreaterThan(0);
      expect(result.redirects.receipt).toBeGreaterThan(0);
      expect(result.idempotentReplays).toBeGreaterThan(0);
      expect(result.customersCreated).toBeGreaterThan(0);
      expect(Object.keys(result.scenarios).sort()).toEqual(['console', 'echo', 'hostile', 'order', 'page', 'portal', 'reseller', 'sandbox']);
      expect(Object.keys(result.errorCodes).length).toBeGreaterThan(10);
    } finally {
      await db.drop();
    }
  }, 120_000);

  it('an order stored without the fuzzer seeing its answer is a finding', async () => {
    const db = await freshDatabase(dialect);
    try {
      // Placed once the server listens, by a request the fuzzer never sees.
      const beforeRun = async (base: string) => {
        const res = await globalThis.fetch(`${base}/products/!PlaceOrder`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: formBody({ ap: 'resellerbrand', reseller: 'Y', emailAddress: 'unseen@example.com', name: 'Unseen', '1_PPP': '9974' }),
        });
        expect(await res.text()).toMatch(/^errorCode=0&orderNumber=/);
      };
      const result = await runFuzz({ count: 50, db: db.location, concurrency: 4, seed: 1, beforeRun });
      expect(result.unacknowledgedOrders).toBe(1);
      expect(result.unacknowledgedExamples.map((o) => o.email)).toEqual(['unseen@example.com']);
      expect(failuresOf(result)).toContain('unacknowledgedOrders');
    } finally {
      await db.drop();
    }
  }, 60_000);
});
