// A login flood cannot exhaust memory: password hashes run at most `maxConcurrent` at once with
// at most `maxQueued` waiting; every request beyond is answered -42 at once, holding nothing.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { defaultCatalog } from '../../src/catalog/catalog.js';
import { seedDemo } from '../../src/seed/demo.js';
import { ManualClock } from '../../src/clock.js';
import { DEFAULTS } from '../../src/config.js';
import { argon2Hasher } from '../../src/passwords/hasher.js';
import { DIALECTS, freshStore } from '../helpers/dialects.js';
import { guestOrder, post } from '../helpers/app.js';

const MAX_CONCURRENT = 2;
const MAX_QUEUED = 8;

describe.each(DIALECTS)('login flood (%s)', (dialect) => {
  let store: Awaited<ReturnType<typeof freshStore>>;
  let app: Awaited<ReturnType<typeof buildApp>>;
  const hasher = argon2Hasher({ memoryCost: 1024, timeCost: 1, parallelism: 1, maxConcurrent: MAX_CONCURRENT, maxQueued: MAX_QUEUED });
  beforeAll(async () => {
    store = await freshStore(dialect);
    const clock = new ManualClock('2026-03-01T12:00:00Z');
    const config = Object.freeze({ ...DEFAULTS, allowHttp: true, db: store.location });
    await seedDemo(store, hasher, clock);
    app = await buildApp({ store, catalog: defaultCatalog(), clock, hasher, config, logger: pino({ level: 'silent' }) });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('300 concurrent wrong-password logins: hashes stay bounded, the overflow is -42, nothing else', async () => {
    const created = await post(app, 'PlaceOrder', guestOrder({ loginName: 'flooded', loginPassword: 'right-one', isReturningCustomer: 'N' }));
    expect(created.answer.errorCode).toBe('0');
    let maxDepth = 0;
    const sampler = setInterval(() => (maxDepth = Math.max(maxDepth, hasher.depth)), 1);
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        // A name each: guesses at one name are checked in turn and stop at its lock
        // (src/passwords/prover.ts), so only many names fill the hashing pool.
        post(app, 'PlaceOrder', guestOrder({ loginName: `flooded-${i}`, loginPassword: `guess-${i}`, isReturningCustomer: 'Y' })),
      ),
    );
    clearInterval(sampler);
    const codes = answers.map((a) => a.answer.errorCode);
    expect(codes.every((c) => c === '-16' || c === '-42')).toBe(true);
    expect(codes.filter((c) => c === '-42').length).toBeGreaterThan(0);
    expect(codes.filter((c) => c === '-16').length).toBeGreaterThan(0);
    expect(maxDepth).toBeGreaterThan(0);
    expect(maxDepth).toBeLessThanOrEqual(MAX_CONCURRENT + MAX_QUEUED);
    expect(hasher.depth).toBe(0);
  });
});
