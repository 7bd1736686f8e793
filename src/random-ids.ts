// Random identifiers (request ids, webhook event ids), drawn from a pool of random bytes: one
// call into the system's generator per few hundred ids instead of one per id, which showed as
// 4 % of an order's time (docs/benchmarks.md). The bytes are as random as randomBytes' own;
// the pool is per process and never reused.
import { randomBytes } from 'node:crypto';

const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

/** `bytes` fresh random bytes as lower-case hex (at most POOL_BYTES). */
export function randomHex(bytes: number): string {
  if (offset + bytes > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return hex;
}

/** A request id: 64 random bits, 16 hex digits (logs, `X-Request-Id`, the -14 answer). */
export function newRequestId(): string {
  return randomHex(8);
}
