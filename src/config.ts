// Configuration is read once (flags over environment over defaults), validated and frozen.
// This is the only module that reads process.env.
import { MAIL_DEFAULTS, mailConfig, type MailConfig } from './config-mail.js';
import { ConfigError, int, type Env } from './config-values.js';
import { isIP } from 'node:net';

export { ConfigError } from './config-values.js';
export type { MailConfig } from './config-mail.js';

/** IP addresses and CIDR blocks (IPv4 or IPv6), each checked by addressList below. */
type AddressList = readonly string[];

export interface Config {
  /** SQLite file path or postgres:// URL. */
  readonly db: string;
  readonly port: number;
  readonly host: string;
  /** Accept plain HTTP (local development only; logged as a warning at start). */
  readonly allowHttp: boolean;
  readonly demo: boolean;
  /** Addresses or CIDR blocks whose X-Forwarded-Proto is believed. */
  readonly trustedProxies: AddressList;
  /**
   * Addresses or CIDR blocks, besides loopback, that /metrics answers (issue 13, finding 10.5):
   * the figures are platform-wide, so everyone else gets the unknown-path answer.
   */
  readonly metricsAllow: AddressList;
  /**
   * Webhook endpoints may be on loopback, private, link-local… addresses (issue 13, finding
   * 10.3). Off by default: such an endpoint would let a reseller make the server post into its
   * own network. Tests and local development turn it on for receivers on 127.0.0.1.
   */
  readonly webhookAllowPrivate: boolean;
  readonly logLevel: string;
  readonly bodyLimitBytes: number;
  readonly argon2: { readonly memoryCost: number; readonly timeCost: number; readonly parallelism: number };
  readonly maxConcurrentHashes: number;
  readonly maxQueuedHashes: number;
  readonly credentialCacheEntries: number;
  /** How long after authorization a reseller may refund an order (!AutoRefund). */
  readonly refundPeriodDays: number;
  /**
   * Consecutive failed password proofs that lock a login name, a customer's or an API user's
   * (src/passwords/prover.ts, docs/reliability.md)…
   */
  readonly loginLockoutThreshold: number;
  /** …for this long. */
  readonly loginLockoutMinutes: number;
  /** An API user's password expires this long after it was set; 0 means never. */
  readonly apiPasswordMaxAgeDays: number;
  readonly pgPoolSize: number;
  readonly pgStatementTimeoutMs: number;
  /**
   * SQLite, `serve`: commit orders on a writer thread of their own (src/db/writer-thread.ts).
   * PLACEORDER_WRITER_THREAD=false commits them on the main thread (docs/benchmarks.md).
   */
  readonly writerThread: boolean;
  /** Hardening (docs/reliability.md): limits, idempotency, TLS. */
  readonly hardening: HardeningConfig;
  /**
   * Key for signing ordering-page session tokens and sign-in CSRF tokens (HMAC-SHA256). Empty
   * means a random key per process: fine for one process, but several processes behind a load
   * balancer must share one (PLACEORDER_WEB_SECRET, at least 32 characters).
   */
  readonly webSecret: string;
  /** How long an ordering-page form stays valid before -97 Session is expired. */
  readonly orderingSessionTtlSeconds: number;
  /** Notifications by email (src/notifications, docs/notifications.md). */
  readonly mail: MailConfig;
}

export interface RateLimit {
  /** Tokens added per second (the sustained rate); 0 turns the limit off. */
  readonly perSecond: number;
  /** Bucket size: how many requests may arrive at once. */
  readonly burst: number;
}

export interface HardeningConfig {
  /** Per client address, every route but the probes. Per process (docs/reliability.md). */
  readonly rateByAddress: RateLimit;
  /** Per reseller (`ap` or API user), the /products/ endpoints. Per process. */
  readonly rateByReseller: RateLimit;
  /** How long a stored Idempotency-Key answer is kept. */
  readonly idempotencyTtlSeconds: number;
  /** After this long a claim whose process died may be taken over by a retry. */
  readonly idempotencyLeaseSeconds: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** PEM files for HTTPS; both or neither. */
  readonly tlsCert: string | undefined;
  readonly tlsKey: string | undefined;
}

export const DEFAULTS: Config = Object.freeze({
  db: './data/placeorder.db',
  port: 8080,
  host: '127.0.0.1',
  allowHttp: false,
  demo: false,
  trustedProxies: Object.freeze([]) as AddressList,
  metricsAllow: Object.freeze([]) as AddressList,
  webhookAllowPrivate: false,
  logLevel: 'info',
  bodyLimitBytes: 64 * 1024,
  argon2: Object.freeze({ memoryCost: 19_456, timeCost: 2, parallelism: 1 }),
  maxConcurrentHashes: 4,
  maxQueuedHashes: 256,
  credentialCacheEntries: 10_000,
  refundPeriodDays: 30,
  loginLockoutThreshold: 5,
  loginLockoutMinutes: 15,
  apiPasswordMaxAgeDays: 365,
  pgPoolSize: 10,
  pgStatementTimeoutMs: 10_000,
  writerThread: true,
  hardening: Object.freeze({
    // Generous on purpose: a limit that trips real integrations is worse than none. Operators
    // tighten them per deployment (docs/reliability.md).
    rateByAddress: Object.freeze({ perSecond: 100, burst: 1_000 }),
    rateByReseller: Object.freeze({ perSecond: 200, burst: 2_000 }),
    idempotencyTtlSeconds: 24 * 3600,
    idempotencyLeaseSeconds: 120,
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    tlsCert: undefined,
    tlsKey: undefined,
  }),
  webSecret: '',
  orderingSessionTtlSeconds: 1800,
  mail: MAIL_DEFAULTS,
});

/** What the command line said; undefined means "not given". */
export interface ConfigFlags {
  db?: string | undefined;
  port?: string | undefined;
  host?: string | undefined;
  allowHttp?: boolean | undefined;
  demo?: boolean | undefined;
  trustedProxies?: string[] | undefined;
  logLevel?: string | undefined;
  /** PostgreSQL connections per process (over PLACEORDER_PG_POOL). */
  pgPoolSize?: string | undefined;
  /** PostgreSQL statement timeout (over PLACEORDER_PG_STATEMENT_TIMEOUT_MS). */
  pgStatementTimeoutMs?: string | undefined;
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
}


export function loadConfig(flags: ConfigFlags = {}, env: Env = process.env): Config {
  const port = int('port', flags.port ?? env.PORT, DEFAULTS.port, 0, 65_535);
  const trusted = addressList('trusted proxy', flags.trustedProxies ?? list(env.PLACEORDER_TRUSTED_PROXIES));
  const logLevel = flags.logLevel ?? env.PLACEORDER_LOG_LEVEL ?? DEFAULTS.logLevel;
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError(`log level "${logLevel}" is not one of fatal, error, warn, info, debug, trace, silent`);
  }
  const db = flags.db ?? env.PLACEORDER_DB ?? DEFAULTS.db;
  if (db.trim() === '') throw new ConfigError('--db is empty');
  const allowHttp = flags.allowHttp ?? bool(env.PLACEORDER_ALLOW_HTTP) ?? DEFAULTS.allowHttp;
  const demo = flags.demo ?? DEFAULTS.demo;
  // The demo API users' password is in the README: a server reachable as production (TLS, or a
  // TLS proxy in front, i.e. without --allow-http) must not come up with it (issue 13, finding 10.4).
  if (demo && !allowHttp) {
    throw new ConfigError(
      '--demo creates API users whose password (demo-password) is published in the README, so it is for local development only and needs --allow-http. ' +
        'For a TLS or production server, leave out --demo and create resellers with `placeorder reseller add`.',
    );
  }
  return Object.freeze({
    ...DEFAULTS,
    db,
    port,
    host: flags.host ?? env.HOST ?? DEFAULTS.host,
    allowHttp,
    demo,
    trustedProxies: Object.freeze([...trusted]),
    metricsAllow: Object.freeze(addressList('PLACEORDER_METRICS_ALLOW entry', list(env.PLACEORDER_METRICS_ALLOW))),
    webhookAllowPrivate: bool(env.PLACEORDER_WEBHOOK_ALLOW_PRIVATE, 'PLACEORDER_WEBHOOK_ALLOW_PRIVATE') ?? DEFAULTS.webhookAllowPrivate,
    logLevel,
    argon2: Object.freeze({
      memoryCost: int('PLACEORDER_ARGON2_MEMORY_KIB', env.PLACEORDER_ARGON2_MEMORY_KIB, DEFAULTS.argon2.memoryCost, 1024, 1_048_576),
      timeCost: int('PLACEORDER_ARGON2_TIME_COST', env.PLACEORDER_ARGON2_TIME_COST, DEFAULTS.argon2.timeCost, 1, 20),
      parallelism: 1,
    }),
    maxConcurrentHashes: int('PLACEORDER_MAX_HASHES', env.PLACEORDER_MAX_HASHES, DEFAULTS.maxConcurrentHashes, 1, 256),
    refundPeriodDays: int('PLACEORDER_REFUND_PERIOD_DAYS', env.PLACEORDER_REFUND_PERIOD_DAYS, DEFAULTS.refundPeriodDays, 0, 3650),
    // The PLACEORDER_API_LOCKOUT_* names of earlier releases still work.
    loginLockoutThreshold: int(
      'PLACEORDER_LOGIN_LOCKOUT_THRESHOLD',
      env.PLACEORDER_LOGIN_LOCKOUT_THRESHOLD ?? env.PLACEORDER_API_LOCKOUT_THRESHOLD,
      DEFAULTS.loginLockoutThreshold,
      1,
      1000,
    ),
    loginLockoutMinutes: int(
      'PLACEORDER_LOGIN_LOCKOUT_MINUTES',
      env.PLACEORDER_LOGIN_LOCKOUT_MINUTES ?? env.PLACEORDER_API_LOCKOUT_MINUTES,
      DEFAULTS.loginLockoutMinutes,
      1,
      525_600,
    ),
    apiPasswordMaxAgeDays: int('PLACEORDER_API_PASSWORD_MAX_AGE_DAYS', env.PLACEORDER_API_PASSWORD_MAX_AGE_DAYS, DEFAULTS.apiPasswordMaxAgeDays, 0, 3650),
    pgPoolSize: flags.pgPoolSize !== undefined
      ? int('--pg-pool', flags.pgPoolSize, DEFAULTS.pgPoolSize, 1, 500)
      : int('PLACEORDER_PG_POOL', env.PLACEORDER_PG_POOL, DEFAULTS.pgPoolSize, 1, 500),
    pgStatementTimeoutMs: flags.pgStatementTimeoutMs !== undefined
      ? int('--pg-statement-timeout-ms', flags.pgStatementTimeoutMs, DEFAULTS.pgStatementTimeoutMs, 100, 600_000)
      : int('PLACEORDER_PG_STATEMENT_TIMEOUT_MS', env.PLACEORDER_PG_STATEMENT_TIMEOUT_MS, DEFAULTS.pgStatementTimeoutMs, 100, 600_000),
    writerThread: bool(env.PLACEORDER_WRITER_THREAD, 'PLACEORDER_WRITER_THREAD') ?? DEFAULTS.writerThread,
    hardening: hardeningConfig(flags, env),
    webSecret: webSecret(env.PLACEORDER_WEB_SECRET),
    orderingSessionTtlSeconds: int('PLACEORDER_ORDERING_TTL_SECONDS', env.PLACEORDER_ORDERING_TTL_SECONDS, DEFAULTS.orderingSessionTtlSeconds, 60, 86_400),
    mail: mailConfig(env),
  });
}

function hardeningConfig(flags: ConfigFlags, env: Env): HardeningConfig {
  const d = DEFAULTS.hardening;
  const rate = (prefix: string, fallback: RateLimit): RateLimit =>
    Object.freeze({
      perSecond: int(`${prefix}_PER_SECOND`, env[`${prefix}_PER_SECOND`], fallback.perSecond, 0, 1_000_000),
      burst: int(`${prefix}_BURST`, env[`${prefix}_BURST`], fallback.burst, 1, 10_000_000),
    });
  const tlsCert = flags.tlsCert ?? env.PLACEORDER_TLS_CERT ?? undefined;
  const tlsKey = flags.tlsKey ?? env.PLACEORDER_TLS_KEY ?? undefined;
  if ((tlsCert === undefined) !== (tlsKey === undefined)) throw new ConfigError('--tls-cert and --tls-key go together');
  return Object.freeze({
    rateByAddress: rate('PLACEORDER_RATE_ADDRESS', d.rateByAddress),
    rateByReseller: rate('PLACEORDER_RATE_RESELLER', d.rateByReseller),
    idempotencyTtlSeconds: int('PLACEORDER_IDEMPOTENCY_TTL_SECONDS', env.PLACEORDER_IDEMPOTENCY_TTL_SECONDS, d.idempotencyTtlSeconds, 86_400, 30 * 86_400),
    idempotencyLeaseSeconds: int('PLACEORDER_IDEMPOTENCY_LEASE_SECONDS', env.PLACEORDER_IDEMPOTENCY_LEASE_SECONDS, d.idempotencyLeaseSeconds, 1, 3_600),
    headersTimeoutMs: int('PLACEORDER_HEADERS_TIMEOUT_MS', env.PLACEORDER_HEADERS_TIMEOUT_MS, d.headersTimeoutMs, 1_000, 600_000),
    requestTimeoutMs: int('PLACEORDER_REQUEST_TIMEOUT_MS', env.PLACEORDER_REQUEST_TIMEOUT_MS, d.requestTimeoutMs, 1_000, 600_000),
    tlsCert,
    tlsKey,
  });
}

function webSecret(text: string | undefined): string {
  if (text === undefined || text === '') return DEFAULTS.webSecret;
  if (text.length < 32) throw new ConfigError('PLACEORDER_WEB_SECRET must be at least 32 characters');
  return text;
}

function bool(text: string | undefined, name?: string): boolean | undefined {
  if (text === undefined || text === '') return undefined;
  if (/^(1|true|yes)$/i.test(text)) return true;
  if (/^(0|false|no)$/i.test(text)) return false;
  throw new ConfigError(`${name ? `${name}: ` : ''}expected true or false, got "${text}"`);
}

/** Every entry an IP address or CIDR block, or a ConfigError naming the first that is not. */
function addressList(what: string, entries: readonly string[]): string[] {
  for (const t of entries) {
    const [addr, bits] = t.split('/');
    const family = isIP(addr ?? '');
    const maxBits = family === 6 ? 128 : 32;
    if (!family || (bits !== undefined && !(/^[0-9]{1,3}$/.test(bits) && Number(bits) <= maxBits)) || t.split('/').length > 2) {
      throw new ConfigError(`${what} "${t}" is not an IP address or CIDR block`);
    }
  }
  return [...entries];
}

function list(text: string | undefined): string[] {
  return (text ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}
