// Password hashing with argon2id on libuv's thread pool, never on the event loop, with a bound
// on hashes running at once and on those waiting, so a login flood cannot exhaust memory (each
// argon2id hash holds `memoryCost` KiB while it runs). The waiting hashes are served round
// robin by source address, each source with a bounded queue of its own: one address that floods
// wrong logins waits behind itself, not in front of everyone else (issue 13, finding 6).
import { present } from '../assert.js';
import { Algorithm, hash, verify } from '@node-rs/argon2';

export interface Hasher {
  /** `source` is who asked (a client address); hashes are shared fairly between sources. */
  hash(password: string, source?: string): Promise<string>;
  verify(phc: string, password: string, source?: string): Promise<boolean>;
  /** Hashes running plus waiting (a metric). */
  readonly depth: number;
}

export interface HasherOptions {
  /** KiB. OWASP's minimum for argon2id is 19 MiB with t=2, p=1. */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
  maxConcurrent: number;
  maxQueued: number;
  /** Hashes one source may have waiting; defaults to a sixteenth of `maxQueued` (at least 4). */
  maxQueuedPerSource?: number;
}

export const OWASP_ARGON2: Pick<HasherOptions, 'memoryCost' | 'timeCost' | 'parallelism'> = Object.freeze({
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});

export class HasherBusyError extends Error {
  override name = 'HasherBusyError';
}

/** Where a task comes from when the caller does not say. */
const ANONYMOUS = '';

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

/**
 * At most `maxConcurrent` tasks at once; the rest wait in one queue per source, and a freed slot
 * goes to the next source in turn. When every place is taken, a source with fewer waiting than
 * the longest queue still gets one, and the newest waiter of that longest queue is refused
 * instead: many addresses filling the queue together cannot shut a newcomer out (outside
 * attack, finding 2). Exported for its tests: the scheduling is the point.
 */
export class FairSlots {
  private running = 0;
  private waitingCount = 0;
  /** Map order is the turn order: the source served next is the first key. */
  private readonly waiting = new Map<string, Waiter[]>();

  constructor(
    private readonly maxConcurrent: number,
    private readonly maxQueued: number,
    private readonly maxQueuedPerSource: number,
  ) {}

  get depth(): number {
    return this.running + this.waitingCount;
  }

  async run<T>(source: string, task: () => Promise<T>): Promise<T> {
    await this.acquire(sourceKey(source));
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(source: string): Promise<void> | void {
    if (this.running < this.maxConcurrent) {
      this.running++;
      return;
    }
    const queue = this.waiting.get(source) ?? [];
    if (queue.length >= this.maxQueuedPerSource) throw new HasherBusyError('too many password hashes waiting');
    if (this.waitingCount >= this.maxQueued && !this.evictFor(queue.length)) throw new HasherBusyError('too many password hashes waiting');
    this.waiting.set(source, queue);
    this.waitingCount++;
    return new Promise<void>((resolve, reject) => queue.push({ resolve, reject }));
  }

  /** Refuses the newest waiter of the longest queue, if it is longer than `than` + 1. */
  private evictFor(than: number): boolean {
    let longest: Waiter[] | undefined;
    let longestSource = '';
    for (const [source, queue] of this.waiting) {
      if (!longest || queue.length > longest.length) [longest, longestSource] = [queue, source];
    }
    if (!longest || longest.length <= than + 1) return false;
    present(longest.pop(), 'a queue longer than one has a newest waiter').reject(new HasherBusyError('too many password hashes waiting'));
    if (longest.length === 0) this.waiting.delete(longestSource);
    this.waitingCount--;
    return true;
  }

  /** Hands the slot to the first waiter of the next source, which then goes to the back. */
  private release(): void {
    const next = this.waiting.entries().next();
    if (next.done) {
      this.running--;
      return;
    }
    const [source, queue] = next.value;
    this.waiting.delete(source);
    const waiter = present(queue.shift(), 'a source keeps its queue only while it has waiters');
    if (queue.length > 0) this.waiting.set(source, queue);
    this.waitingCount--;
    waiter.resolve();
  }
}

/**
 * Who shares one queue: an IPv4 address, or an IPv6 /64 — one subscriber's network, which holds
 * more addresses than any queue has places.
 */
export function sourceKey(address: string): string {
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export function argon2Hasher(options: HasherOptions): Hasher {
  const perSource = options.maxQueuedPerSource ?? Math.max(4, Math.floor(options.maxQueued / 16));
  const slots = new FairSlots(options.maxConcurrent, options.maxQueued, perSource);
  const params = {
    algorithm: Algorithm.Argon2id,
    memoryCost: options.memoryCost,
    timeCost: options.timeCost,
    parallelism: options.parallelism,
  };
  return {
    hash: (password, source = ANONYMOUS) => slots.run(source, () => hash(password, params)),
    verify: (phc, password, source = ANONYMOUS) =>
      slots.run(source, async () => {
        try {
          return await verify(phc, password);
        } catch {
          return false;
        }
      }),
    get depth() {
      return slots.depth;
    },
  };
}
