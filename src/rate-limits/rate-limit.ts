// Rate limits per client address and per reseller: token buckets, answered with
// `-42 Call limit reached!` and `Retry-After`. The buckets live in this process only: behind a
// load balancer with N processes a client may get up to N times the configured rate. That is
// the documented trade-off (docs/reliability.md) — a shared limiter would cost a database
// write per request, more than the requests it protects against.
import type { Clock } from '../clock.js';
import type { RateLimit } from '../config.js';

/** Most buckets kept per limiter; the least recently used is forgotten first. */
export const MAX_BUCKETS = 100_000;

interface Bucket {
  tokens: number;
  atMs: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: Clock,
    private readonly maxBuckets = MAX_BUCKETS,
  ) {}

  get enabled(): boolean {
    return this.limit.perSecond > 0;
  }

  /** Takes one token for `key`: 0 when allowed, else the whole seconds to wait. */
  take(key: string): number {
    if (!this.enabled) return 0;
    const now = this.clock.now().getTime();
    let b = this.buckets.get(key);
    if (b) {
      this.buckets.delete(key); // re-inserted below: Map order is our LRU order
      // A clock set back (an operator, NTP, a test's manual clock) must not drain the bucket.
      const elapsedMs = Math.max(0, now - b.atMs);
      b.tokens = Math.min(this.limit.burst, b.tokens + (elapsedMs / 1000) * this.limit.perSecond);
      b.atMs = now;
    } else {
      b = { tokens: this.limit.burst, atMs: now };
      if (this.buckets.size >= this.maxBuckets) this.buckets.delete(this.buckets.keys().next().value!);
    }
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.limit.perSecond));
  }

  get size(): number {
    return this.buckets.size;
  }
}
