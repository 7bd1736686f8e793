// The token bucket itself: burst, refill, wait time, a clock set back, the bound on buckets.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { RateLimiter } from '../../src/rate-limits/rate-limit.js';

describe('RateLimiter', () => {
  it('allows the burst, then answers the seconds to wait, then refills', () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const l = new RateLimiter({ perSecond: 2, burst: 3 }, clock);
    expect([l.take('a'), l.take('a'), l.take('a')]).toEqual([0, 0, 0]);
    expect(l.take('a')).toBe(1);
    expect(l.take('b')).toBe(0);
    clock.set('2026-01-01T00:00:00.500Z');
    expect(l.take('a')).toBe(0);
    expect(l.take('a')).toBe(1);
  });

  it('a clock set back does not drain the bucket', () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const l = new RateLimiter({ perSecond: 1, burst: 2 }, clock);
    l.take('a');
    clock.set('2025-12-01T00:00:00Z');
    expect(l.take('a')).toBe(0);
    expect(l.take('a')).toBe(1);
  });

  it('perSecond 0 turns it off; the number of buckets is bounded', () => {
    const clock = new ManualClock();
    const off = new RateLimiter({ perSecond: 0, burst: 1 }, clock);
    for (let i = 0; i < 10; i++) expect(off.take('a')).toBe(0);
    const l = new RateLimiter({ perSecond: 1, burst: 1 }, clock, 100);
    for (let i = 0; i < 1000; i++) l.take(`k${i}`);
    expect(l.size).toBe(100);
    // The most recent keys are kept; the oldest were forgotten (and start full again).
    expect(l.take('k999')).toBe(1);
    expect(l.take('k0')).toBe(0);
  });
});
