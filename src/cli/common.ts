// What every command shares: flag parsing by the command table (src/cli/commands.ts), opening
// the store, and the rule that a bad flag or value is a clear message and a non-zero exit, never a stack trace.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { pino, type Logger } from 'pino';
import { chunkedSink } from './log-destination.js';
import { parseCents } from '../money.js';
import { loadConfig, type Config } from '../config.js';
import { argon2Hasher, type Hasher } from '../customers/hasher.js';
import { ensureSchema, openStore, type Store } from '../db/store.js';
import type { LeafSpec } from './commands.js';
import { unknownOption, usageLine } from './help.js';

export class CliError extends Error {
  override name = 'CliError';
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
};

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | string[] | undefined>;

/** A command's arguments, parsed by its entry in the command table. */
export class Invocation {
  constructor(
    /** The subcommand (`credit` of `funds credit`), if the command has any. */
    readonly sub: string | undefined,
    readonly usage: string,
    private readonly values: Values,
    readonly positionals: readonly string[],
  ) {}

  string(name: string): string | undefined {
    return this.values[name] as string | undefined;
  }

  /** A flag's value that must be there: the table's required flags are, and conditional ones are checked here. */
  required(name: string, why?: string): string {
    const value = this.string(name);
    if (value === undefined || value === '') throw new CliError(`--${name} is required${why ? ` ${why}` : ''}\nusage: ${this.usage}`);
    return value;
  }

  bool(name: string): boolean {
    return this.values[name] === true;
  }

  list(name: string): string[] | undefined {
    return this.values[name] as string[] | undefined;
  }
}

function optionsOf(leaf: LeafSpec): Options {
  const options: Options = { help: { type: 'boolean', short: 'h' } };
  for (const f of leaf.flags) options[f.name] = { type: f.value ? 'string' : 'boolean', ...(f.multiple ? { multiple: true } : {}) };
  return options;
}

/**
 * Parses a command's arguments by its table entry, or answers 'help' when -h/--help is among
 * them. Flags the table does not list are refused naming the nearest one that it does; then
 * node's parser (strict) refuses values it cannot take, and the required flags are checked.
 */
export function parseInvocation(path: readonly string[], leaf: LeafSpec, args: string[]): Invocation | 'help' {
  const usage = `${usageLine(path, leaf)}\nhelp:  placeorder ${path.join(' ')} --help`;
  const options = optionsOf(leaf);
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  const named = tokens.flatMap((t) => (t.kind === 'option' ? [t] : []));
  if (named.some((t) => t.name === 'help')) return 'help';
  const unknown = named.find((t) => !Object.hasOwn(options, t.name));
  if (unknown) throw new CliError(`${unknownOption(unknown.rawName, leaf)}\nusage: ${usage}`);
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\nusage: ${usage}`);
  }
  const invocation = new Invocation(path[1], usage, parsed.values as Values, parsed.positionals);
  if (!(leaf.requiredUnless && invocation.bool(leaf.requiredUnless))) {
    for (const f of leaf.flags) if (f.required) invocation.required(f.name, typeof f.required === 'string' ? f.required : undefined);
  }
  return invocation;
}

/** "123.45" → 12345 cents, or a clear error naming the flag. */
export function parseAmount(text: string, name = 'amount'): number {
  const cents = parseCents(text);
  if (cents === undefined) throw new CliError(`--${name} must be an amount like 123.45, got "${text}"`);
  return cents;
}

/** Opens the configured store with the schema this build knows (a fresh one is migrated). */
export async function openConfiguredStore(config: Config, options: { writerThread?: boolean } = {}): Promise<Store> {
  const store = await openStore(config.db, {
    poolSize: config.pgPoolSize,
    statementTimeoutMs: config.pgStatementTimeoutMs,
    writerThread: options.writerThread,
  });
  try {
    await ensureSchema(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

export async function withStore<T>(db: string | undefined, fn: (store: Store, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig({ db });
  const store = await openConfiguredStore(config);
  try {
    return await fn(store, config);
  } finally {
    await store.close();
  }
}

export function hasherFor(config: Config): Hasher {
  return argon2Hasher({
    ...config.argon2,
    maxConcurrent: config.maxConcurrentHashes,
    maxQueued: config.maxQueuedHashes,
  });
}

/** Collected log lines are written at least this often, however few there are. */
const LOG_FLUSH_INTERVAL_MS = 250;

/**
 * Standard output, in chunks (src/cli/log-destination.ts): one write per 64 KiB of lines
 * instead of one per access line, and at least every LOG_FLUSH_INTERVAL_MS, so a quiet server's
 * lines still appear at once. What is collected is written when the process exits; a power cut
 * can lose the last quarter second of lines (orders themselves are durable).
 */
export function loggerFor(config: Config): Logger {
  const sink = chunkedSink(1);
  setInterval(() => sink.flush(), LOG_FLUSH_INTERVAL_MS).unref();
  process.on('exit', () => sink.flushSync());
  return pino({ level: config.logLevel, base: { pid: process.pid } }, sink);
}
