// Assertions in the style of TigerBeetle's docs/TIGER_STYLE.md ("Safety"): a cheap check of something
// that must be true whatever the input, always on, in production too, failing at the place the
// invariant breaks with the invariant in the message. An assertion is not input checking: bad
// input has its error code (src/errors.ts); a failed assertion is a bug of ours, and the request
// answers -1 with the reason in the log (never in the answer).

export class AssertionError extends Error {
  override name = 'AssertionError';
}

/** Fails with `reason` (the invariant, said as what must hold) unless `condition` is true. */
export function assert(condition: unknown, reason: string): asserts condition {
  if (!condition) throw new AssertionError(`assertion failed: ${reason}`);
}

/** `value`, which the invariant named by `reason` says is there (not undefined, not null). */
export function present<T>(value: T | undefined | null, reason: string): T {
  if (value === undefined || value === null) throw new AssertionError(`assertion failed: ${reason}`);
  return value;
}
