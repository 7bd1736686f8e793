// Password hashing with argon2id on libuv's thread pool, never on the event loop, with a bound
// on hashes running at once and on those waiting, so a login flood cannot exhaust memory
// (each argon2id hash holds `memoryCost` KiB while it runs).
import { Algorithm, hash, verify } from '@node-rs/argon2';

export interface Hasher {
  hash(password: string): Promise<string>;
  verify(phc: string, password: string): Promise<boolean>;
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
}

export const OWASP_ARGON2: Pick<HasherOptions, 'memoryCost' | 'timeCost' | 'parallelism'> = Object.freeze({
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});

export class HasherBusyError extends Error {
  override name = 'HasherBusyError';
}

export function argon2Hasher(options: HasherOptions): Hasher {
  let running = 0;
  const waiting: Array<() => void> = [];
  async function bounded<T>(task: () => Promise<T>): Promise<T> {
    if (running >= options.maxConcurrent) {
      if (waiting.length >= options.maxQueued) throw new HasherBusyError('too many password hashes waiting');
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else {
      running++;
    }
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  }
  const params = {
    algorithm: Algorithm.Argon2id,
    memoryCost: options.memoryCost,
    timeCost: options.timeCost,
    parallelism: options.parallelism,
  };
  return {
    hash: (password) => bounded(() => hash(password, params)),
    verify: (phc, password) =>
      bounded(async () => {
        try {
          return await verify(phc, password);
        } catch {
          return false;
        }
      }),
    get depth() {
      return running + waiting.length;
    },
  };
}
