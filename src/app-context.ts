// What the HTTP layer is built from: every dependency is passed in, nothing is global.
import type { Catalog } from './catalog/catalog.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { CredentialCache } from './passwords/credential-cache.js';
import type { Hasher } from './passwords/hasher.js';
import type { PasswordProver } from './passwords/prover.js';
import type { Idempotency } from './idempotency/idempotency.js';
import type { RateLimiter } from './rate-limits/rate-limit.js';
import type { Store } from './db/store.js';
import type { HttpsCheck } from './wire/transport.js';

export interface AppContext {
  readonly store: Store;
  readonly catalog: Catalog;
  readonly clock: Clock;
  readonly hasher: Hasher;
  readonly config: Config;
  readonly credentials: CredentialCache;
  /** The one door for password proofs, customers and API users alike. */
  readonly passwords: PasswordProver;
  readonly idempotency: Idempotency;
  /**
   * Calls per reseller, taken once its API user is signed in: a limit keyed by the public `ap`
   * (or a login name as sent) could be spent by anyone (outside attack, finding 1).
   */
  readonly resellerRate: RateLimiter;
  readonly isHttps: HttpsCheck;
}
