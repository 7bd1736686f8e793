// The one table of the command line: every command, subcommand and flag, with what it means,
// its default and environment variable, and an example. The parser (src/cli/common.ts) takes
// the flags it accepts from here and the help (src/cli/help.ts) prints from here, so a flag
// cannot be accepted without being documented, nor documented without being accepted.
import { DEFAULTS } from '../config.js';

export interface FlagSpec {
  /** Without the dashes: `amount` is `--amount`. */
  readonly name: string;
  /** The value's placeholder in usage lines; absent for an on/off flag. */
  readonly value?: string;
  /** May be given more than once. */
  readonly multiple?: boolean;
  /** The parser refuses the command without it; a string says why, after "--x is required". */
  readonly required?: boolean | string;
  readonly help: string;
  readonly default?: string;
  /** The environment variable read when the flag is not given. */
  readonly env?: string;
}

export interface EnvSpec {
  readonly name: string;
  readonly help: string;
}

/** A command that runs: `serve`, or a subcommand such as `funds credit`. */
export interface LeafSpec {
  readonly name: string;
  readonly summary: string;
  /** Positional arguments, as shown in the usage line (`ORDER`). */
  readonly args?: string;
  readonly flags: readonly FlagSpec[];
  /** With this flag given, the required flags are not (`conformance --list`). */
  readonly requiredUnless?: string;
  /** Environment variables that matter besides the flags' own. */
  readonly env?: readonly EnvSpec[];
  /** Where to read on, printed after the environment. */
  readonly more?: string;
  readonly example: string;
}

/** A command with subcommands, such as `funds`. */
export interface GroupSpec {
  readonly name: string;
  readonly summary: string;
  readonly subcommands: readonly LeafSpec[];
}

export type CommandSpec = LeafSpec | GroupSpec;

export function isGroup(c: CommandSpec): c is GroupSpec {
  return 'subcommands' in c;
}

const DB: FlagSpec = { name: 'db', value: 'PATH_OR_URL', help: 'the database: a SQLite file or a postgres:// URL', default: DEFAULTS.db, env: 'PLACEORDER_DB' };
const AP: FlagSpec = { name: 'ap', value: 'BRAND', help: "the reseller's brand (its ap)", required: true };
const JSON_OUT: FlagSpec = { name: 'json', help: 'print JSON instead of tab-separated lines' };
const limit = (fallback: number, most: number): FlagSpec => ({ name: 'limit', value: 'N', help: `at most N entries, 1 to ${most}`, default: String(fallback) });
const HASHING: readonly EnvSpec[] = [
  { name: 'PLACEORDER_ARGON2_MEMORY_KIB', help: `argon2id memory for the password hash (default ${DEFAULTS.argon2.memoryCost})` },
  { name: 'PLACEORDER_ARGON2_TIME_COST', help: `argon2id passes (default ${DEFAULTS.argon2.timeCost})` },
];

const SERVE: LeafSpec = {
  name: 'serve',
  summary: 'run the HTTP server: the API, the ordering pages, the console, the portal and the start page',
  flags: [
    { name: 'port', value: 'N', help: 'TCP port (0 picks a free one)', default: String(DEFAULTS.port), env: 'PORT' },
    { name: 'host', value: 'H', help: 'address to listen on', default: DEFAULTS.host, env: 'HOST' },
    DB,
    { name: 'allow-http', help: 'accept plain HTTP (local development only; logged as a warning)', env: 'PLACEORDER_ALLOW_HTTP' },
    { name: 'demo', help: "create the spec's demo resellers if missing and show them on the start page (/)" },
    { name: 'trusted-proxy', value: 'ADDR_OR_CIDR', multiple: true, help: 'a proxy whose X-Forwarded-Proto is believed', env: 'PLACEORDER_TRUSTED_PROXIES' },
    { name: 'log-level', value: 'LEVEL', help: 'fatal, error, warn, info, debug, trace or silent', default: DEFAULTS.logLevel, env: 'PLACEORDER_LOG_LEVEL' },
    { name: 'pg-pool', value: 'N', help: 'PostgreSQL connections of this process', default: String(DEFAULTS.pgPoolSize), env: 'PLACEORDER_PG_POOL' },
    { name: 'pg-statement-timeout-ms', value: 'MS', help: 'PostgreSQL statement timeout', default: String(DEFAULTS.pgStatementTimeoutMs), env: 'PLACEORDER_PG_STATEMENT_TIMEOUT_MS' },
    { name: 'tls-cert', value: 'PEM', help: 'TLS certificate file (with --tls-key: serve HTTPS)', env: 'PLACEORDER_TLS_CERT' },
    { name: 'tls-key', value: 'PEM', help: 'TLS private key file', env: 'PLACEORDER_TLS_KEY' },
  ],
  env: [
    { name: 'PLACEORDER_WEB_SECRET', help: 'key that signs web forms, at least 32 characters; one for all processes (default: random per process)' },
    { name: 'PLACEORDER_ORDERING_TTL_SECONDS', help: `how long an ordering form stays valid (default ${DEFAULTS.orderingSessionTtlSeconds})` },
    { name: 'PLACEORDER_WRITER_THREAD', help: 'SQLite: commit orders on a writer thread (default true)' },
    ...HASHING,
    { name: 'PLACEORDER_MAX_HASHES', help: `password hashes at once (default ${DEFAULTS.maxConcurrentHashes})` },
    { name: 'PLACEORDER_REFUND_PERIOD_DAYS', help: `refund period after authorization (default ${DEFAULTS.refundPeriodDays})` },
    { name: 'PLACEORDER_API_PASSWORD_MAX_AGE_DAYS', help: `API-user password lifetime, 0 = never expires (default ${DEFAULTS.apiPasswordMaxAgeDays})` },
    { name: 'PLACEORDER_RATE_ADDRESS_PER_SECOND', help: 'rate limit per client address, with _BURST (docs/reliability.md)' },
    { name: 'PLACEORDER_RATE_RESELLER_PER_SECOND', help: 'rate limit per reseller, with _BURST' },
  ],
  more: 'Every setting, with its range (lockouts, timeouts, idempotency): README.md, "Configuration".',
  example: 'placeorder serve --demo --allow-http',
};

export const COMMAND_TABLE: readonly CommandSpec[] = [
  SERVE,
  { name: 'migrate', summary: 'bring the database schema up to date', flags: [DB], example: 'placeorder migrate --db postgres://placeorder@db.internal/placeorder' },
  {
    name: 'reseller',
    summary: 'add a reseller',
    subcommands: [
      {
        name: 'add',
        summary: 'create a reseller and its first API user',
        flags: [
          AP,
          { name: 'login', value: 'NAME', help: "the API user's login name", required: true },
          { name: 'password', value: 'PW', help: "the API user's password, 8 to 128 characters", required: true },
          { name: 'validated', help: 'its billing details are validated (reseller=Y orders need it, -38 otherwise)' },
          { name: 'redirect-origin', value: 'ORIGIN', multiple: true, help: 'an origin successURL/errorURL may point to, like https://shop.example' },
          { name: 'ip-allow', value: 'CIDR', multiple: true, help: 'an address or CIDR block the API user may call from (default: any)' },
          { name: 'credit-limit', value: 'AMOUNT', help: 'how far the balance may go below zero, like 500.00', default: '0.00' },
          { name: 'sandbox', help: 'a sandbox reseller: errors on demand, a test clock, no money moves, data can be wiped' },
          DB,
        ],
        env: HASHING,
        example: "placeorder reseller add --ap mybrand --login mybrand-api --password 'a long passphrase' --validated --redirect-origin https://shop.example",
      },
    ],
  },
  {
    name: 'orders',
    summary: 'list orders; mark a paid reseller=N order paid, or cancel an unpaid one',
    subcommands: [
      {
        name: 'list',
        summary: 'list orders, newest first',
        flags: [
          { ...AP, required: false, help: 'only this brand' },
          limit(1000, 100_000),
          { name: 'before', value: 'ORDER', help: 'the next page: orders numbered below this one' },
          JSON_OUT,
          DB,
        ],
        example: 'placeorder orders list --ap mybrand --limit 20 --before 1042',
      },
      { name: 'mark-paid', summary: "a reseller=N order's customer paid: activate it", args: 'ORDER', flags: [DB], example: 'placeorder orders mark-paid 1042' },
      { name: 'cancel', summary: 'withdraw an unpaid order', args: 'ORDER', flags: [DB], example: 'placeorder orders cancel 1042' },
    ],
  },
  {
    name: 'funds',
    summary: "a reseller's funds: top-ups, corrections, balance and ledger",
    subcommands: [
      {
        name: 'credit',
        summary: 'record money the reseller paid in',
        flags: [AP, { name: 'amount', value: 'AMOUNT', help: 'the amount paid in, like 123.45', required: true }, { name: 'memo', value: 'TEXT', help: 'a note kept with the ledger entry, at most 200 characters' }, DB],
        example: "placeorder funds credit --ap mybrand --amount 500.00 --memo 'wire 2026-11'",
      },
      {
        name: 'adjust',
        summary: 'correct the balance, up or down',
        flags: [
          AP,
          { name: 'amount', value: 'AMOUNT', help: 'the correction, either sign; write a negative one as --amount=-12.34', required: true },
          { name: 'memo', value: 'TEXT', help: 'why the balance changes, at most 200 characters', required: 'for an adjustment (say why)' },
          DB,
        ],
        example: "placeorder funds adjust --ap mybrand --amount=-1.00 --memo 'bank fee'",
      },
      { name: 'show', summary: 'the balance and the ledger', flags: [AP, JSON_OUT, limit(1000, 100_000), DB], example: 'placeorder funds show --ap mybrand --limit 20' },
    ],
  },
  {
    name: 'api-user',
    summary: "an API user's new password, or the early end of its lockout",
    subcommands: [
      {
        name: 'password',
        summary: 'set a new password (restarts its lifetime and ends any lockout)',
        flags: [{ name: 'login', value: 'NAME', help: "the API user's login name", required: true }, { name: 'password', value: 'PW', help: 'the new password, 8 to 128 characters', required: true }, DB],
        env: HASHING,
        example: "placeorder api-user password --login mybrand-api --password 'a new long passphrase'",
      },
      { name: 'unlock', summary: 'end a lockout early', flags: [{ name: 'login', value: 'NAME', help: "the API user's login name", required: true }, DB], example: 'placeorder api-user unlock --login mybrand-api' },
    ],
  },
  {
    name: 'catalog',
    summary: 'the catalog and the operator prices',
    subcommands: [
      { name: 'list', summary: 'every pricing code with its product, term and price', flags: [JSON_OUT, DB], example: 'placeorder catalog list --json' },
      {
        name: 'price',
        summary: "set a pricing code's price",
        flags: [{ name: 'ppp', value: 'CODE', help: 'the pricing code (PPP), see catalog list', required: true }, { name: 'amount', value: 'AMOUNT', help: 'the new price, like 12.34', required: true }, DB],
        example: 'placeorder catalog price --ppp 9974 --amount 45.00',
      },
    ],
  },
  {
    name: 'redirect-secret',
    summary: "give a reseller a new secret that signs its redirects (printed once), or remove it",
    flags: [AP, { name: 'clear', help: 'remove the secret: redirects are no longer signed' }, DB],
    example: 'placeorder redirect-secret --ap mybrand',
  },
  {
    name: 'conformance',
    summary: "check any server speaking this API against the API's rules",
    requiredUnless: 'list',
    flags: [
      { name: 'url', value: 'BASE_URL', help: 'the server, like https://secure.example.com', required: true },
      { name: 'ap', value: 'BRAND', help: 'a (sandbox) brand on that server', required: true },
      { name: 'login', value: 'API_USER', help: 'an API user of the brand, for the reseller endpoint checks (with --password)' },
      { name: 'password', value: 'PW', help: "the API user's password" },
      { name: 'check', value: 'ID', multiple: true, help: 'run only this check (see --list)' },
      { name: 'timeout-ms', value: 'N', help: 'per request, 100 to 600000' },
      { name: 'list', help: 'list the checks and exit' },
    ],
    example: 'placeorder conformance --url http://127.0.0.1:8080 --ap resellerbrand --login resellerbrand-api --password demo-password',
  },
  {
    name: 'clock',
    summary: "a sandbox reseller's test clock",
    subcommands: [
      { name: 'advance', summary: 'move the clock forward (renewal windows, expiry)', args: 'DURATION', flags: [AP, DB], example: 'placeorder clock advance --ap mybrand-test 40d   # also 12h, 90m, 2w, 30s' },
      { name: 'show', summary: "print the clock's time", flags: [AP, DB], example: 'placeorder clock show --ap mybrand-test' },
      { name: 'reset', summary: 'back to real time', flags: [AP, DB], example: 'placeorder clock reset --ap mybrand-test' },
    ],
  },
  {
    name: 'sandbox',
    summary: "a sandbox reseller's reset",
    subcommands: [{ name: 'reset', summary: 'wipe its orders, licences and events; the clock back to real time', flags: [AP, DB], example: 'placeorder sandbox reset --ap mybrand-test' }],
  },
  {
    name: 'purge',
    summary: 'delete side-table rows past their retention now, as the server does every 10 minutes',
    flags: [{ name: 'dry-run', help: 'count what would go, delete nothing' }, DB],
    example: 'placeorder purge --dry-run',
  },
  {
    name: 'webhooks',
    summary: "a reseller's webhook endpoints and events",
    subcommands: [
      {
        name: 'add',
        summary: 'register an endpoint (prints its signing secret once)',
        flags: [AP, { name: 'url', value: 'URL', help: 'where events are POSTed (https, or http to this machine)', required: true }, { name: 'secret', value: 'SECRET', help: 'the signing secret (default: a new random one)' }, DB],
        example: 'placeorder webhooks add --ap mybrand --url https://shop.example/placeorder-hooks',
      },
      { name: 'list', summary: 'the endpoints, active and removed', flags: [AP, DB], example: 'placeorder webhooks list --ap mybrand' },
      { name: 'remove', summary: 'remove an endpoint; its undelivered events are not sent', flags: [AP, { name: 'id', value: 'N', help: 'the endpoint number, see webhooks list', required: true }, DB], example: 'placeorder webhooks remove --ap mybrand --id 3' },
      { name: 'events', summary: 'the newest events and their deliveries', flags: [AP, { ...limit(50, 200) }, JSON_OUT, DB], example: 'placeorder webhooks events --ap mybrand --limit 10' },
    ],
  },
  {
    name: 'notifications',
    summary: "a reseller's email messages (docs/notifications.md)",
    subcommands: [
      { name: 'list', summary: 'the newest messages: sent, pending, failed', flags: [AP, { ...limit(50, 500) }, JSON_OUT, DB], example: 'placeorder notifications list --ap mybrand --limit 20' },
      {
        name: 'retry',
        summary: 'send failed messages again, with a fresh retry schedule',
        flags: [AP, { name: 'id', value: 'N', multiple: true, help: 'a failed message, see notifications list (repeatable)', required: true }, DB],
        example: 'placeorder notifications retry --ap mybrand --id 12 --id 13',
      },
    ],
  },
];
