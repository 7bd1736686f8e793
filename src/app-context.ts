// What the HTTP layer is built from: every dependency is passed in, nothing is global.
import type { Catalog } from './catalog/catalog.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { CredentialCache } from './customers/credential-cache.js';
import type { Hasher } from './customers/hasher.js';
import type { Store } from './db/store.js';
import type { HttpsCheck } from './wire/transport.js';

export interface AppContext {
  readonly store: Store;
  readonly catalog: Catalog;
  readonly clock: Clock;
  readonly hasher: Hasher;
  readonly config: Config;
  readonly credentials: CredentialCache;
  readonly isHttps: HttpsCheck;
}
