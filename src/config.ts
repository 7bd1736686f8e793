// Configuration is read once (flags over environment over defaults), validated and frozen.
// This is the only module that reads process.env.
import { isIP } from 'node:net';

export interface Config {
  /** SQLite file path or postgres:// URL. */
  readonly db: string;
  readonly port: number;
  readonly host: string;
  /** Accept plain HTTP (local development only; logged as a warning at start). */
  readonly allowHttp: boolean;
  readonly demo: boolean;
  /** Addresses or CIDR blocks whose X-Forwarded-Proto is believed. */
  readonly trustedProxies: readonly string[];
  readonly logLevel: string;
  readonly bodyLimitBytes: number;
  readonly argon2: { readonly memoryCost: number; readonly timeCost: number; readonly parallelism: number };
  readonly maxConcurrentHashes: number;
  readonly maxQueuedHashes: number;
  readonly credentialCacheEntries: number;
  readonly pgPoolSize: number;
  readonly pgStatementTimeoutMs: number;
}

export const DEFAULTS: Config = Object.freeze({
  db: './data/placeorder.db',
  port: 8080,
  host: '127.0.0.1',
  allowHttp: false,
  demo: false,
  trustedProxies: Object.freeze([]) as readonly string[],
  logLevel: 'info',
  bodyLimitBytes: 64 * 1024,
  argon2: Object.freeze({ memoryCost: 19_456, timeCost: 2, parallelism: 1 }),
  maxConcurrentHashes: 4,
  maxQueuedHashes: 256,
  credentialCacheEntries: 10_000,
  pgPoolSize: 10,
  pgStatementTimeoutMs: 10_000,
});

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** What the command line said; undefined means "not given". */
export interface ConfigFlags {
  db?: string | undefined;
  port?: string | undefined;
  host?: string | undefined;
  allowHttp?: boolean | undefined;
  demo?: boolean | undefined;
  trustedProxies?: string[] | undefined;
  logLevel?: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

export function loadConfig(flags: ConfigFlags = {}, env: Env = process.env): Config {
  const port = int('port', flags.port ?? env.PORT, DEFAULTS.port, 0, 65_535);
  const trusted = flags.trustedProxies ?? list(env.PLACEORDER_TRUSTED_PROXIES);
  for (const t of trusted) {
    const [addr, bits] = t.split('/');
    const family = isIP(addr ?? '');
    const maxBits = family === 6 ? 128 : 32;
    if (!family || (bits !== undefined && !(Number.isInteger(Number(bits)) && Number(bits) >= 0 && Number(bits) <= maxBits))) {
      throw new ConfigError(`trusted proxy "${t}" is not an IP address or CIDR block`);
    }
  }
  const logLevel = flags.logLevel ?? env.PLACEORDER_LOG_LEVEL ?? DEFAULTS.logLevel;
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError(`log level "${logLevel}" is not one of fatal, error, warn, info, debug, trace, silent`);
  }
  const db = flags.db ?? env.PLACEORDER_DB ?? DEFAULTS.db;
  if (db.trim() === '') throw new ConfigError('--db is empty');
  return Object.freeze({
    ...DEFAULTS,
    db,
    port,
    host: flags.host ?? env.HOST ?? DEFAULTS.host,
    allowHttp: flags.allowHttp ?? bool(env.PLACEORDER_ALLOW_HTTP) ?? DEFAULTS.allowHttp,
    demo: flags.demo ?? DEFAULTS.demo,
    trustedProxies: Object.freeze([...trusted]),
    logLevel,
    argon2: Object.freeze({
      memoryCost: int('PLACEORDER_ARGON2_MEMORY_KIB', env.PLACEORDER_ARGON2_MEMORY_KIB, DEFAULTS.argon2.memoryCost, 1024, 1_048_576),
      timeCost: int('PLACEORDER_ARGON2_TIME_COST', env.PLACEORDER_ARGON2_TIME_COST, DEFAULTS.argon2.timeCost, 1, 20),
      parallelism: 1,
    }),
    maxConcurrentHashes: int('PLACEORDER_MAX_HASHES', env.PLACEORDER_MAX_HASHES, DEFAULTS.maxConcurrentHashes, 1, 256),
    pgPoolSize: int('PLACEORDER_PG_POOL', env.PLACEORDER_PG_POOL, DEFAULTS.pgPoolSize, 1, 500),
    pgStatementTimeoutMs: int('PLACEORDER_PG_STATEMENT_TIMEOUT_MS', env.PLACEORDER_PG_STATEMENT_TIMEOUT_MS, DEFAULTS.pgStatementTimeoutMs, 100, 600_000),
  });
}

function int(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined || text === '') return fallback;
  if (!/^[0-9]+$/.test(text)) throw new ConfigError(`${name} must be a whole number, got "${text}"`);
  const n = Number(text);
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function bool(text: string | undefined): boolean | undefined {
  if (text === undefined || text === '') return undefined;
  if (/^(1|true|yes)$/i.test(text)) return true;
  if (/^(0|false|no)$/i.test(text)) return false;
  throw new ConfigError(`expected true or false, got "${text}"`);
}

function list(text: string | undefined): string[] {
  return (text ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}
