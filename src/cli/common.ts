// What every command shares: flag parsing by the command table (src/cli/commands.ts), opening
// the store, and the rule that a bad flag or value is a clear message and a non-zero exit, never a stack trace.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { pino, type Logger } from 'pino';
import { chunkedSink } from './log-destination.js';
import { parseCents } from '../money.js';
import { loadConfig, type Config } from '../config.js';
import { argon2Hasher, type Hasher } from '../passwords/hasher.js';
import { ensureSchema, openStore, type Store } from '../db/store.js';
import type { LeafSpec } from './commands.js';
import { leafAt, unknownOption, usageLine } from './help.js';

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

export interface ParsedFlags {
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
  /** The command's usage line and where its help is, for messages about its flags. */
  readonly usage: string;
}

function optionsOf(leaf: LeafSpec): Options {
  const options: Options = { help: { type: 'boolean', short: 'h' } };
  for (const f of leaf.flags) options[f.name] = { type: f.value ? 'string' : 'boolean', ...(f.multiple ? { multiple: true } : {}) };
  return options;
}

/** The options among a command's arguments, as node's parser splits them (values taken). */
function optionTokens(leaf: LeafSpec, args: string[]) {
  const { tokens } = parseArgs({ args, options: optionsOf(leaf), strict: false, allowPositionals: true, tokens: true });
  return tokens.flatMap((t) => (t.kind === 'option' ? [t] : []));
}

/** True when -h or --help is among the arguments (not as the value of another flag). */
export function wantsHelp(leaf: LeafSpec, args: string[]): boolean {
  return optionTokens(leaf, args).some((t) => t.name === 'help');
}

/**
 * Parses the arguments of the command at `path` (`['funds', 'credit']`) by its entry in the
 * command table: a flag the table does not list is refused naming the nearest one it does; then
 * node's parser (strict) refuses values it cannot take; then the required flags are checked.
 */
export function parseFlags(args: string[], path: readonly string[]): ParsedFlags {
  const leaf = leafAt(path);
  const usage = `${usageLine(path, leaf)}\nhelp:  placeorder ${path.join(' ')} --help`;
  const options = optionsOf(leaf);
  const unknown = optionTokens(leaf, args).find((t) => !Object.hasOwn(options, t.name));
  if (unknown) throw new CliError(`${unknownOption(unknown.rawName, leaf)}\nusage: ${usage}`);
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\nusage: ${usage}`);
  }
  const values = parsed.values as ParsedFlags['values'];
  if (!(leaf.requiredUnless && values[leaf.requiredUnless] === true)) {
    for (const f of leaf.flags) {
      if (f.required) requireFlag(values[f.name] as string | undefined, f.name, usage, typeof f.required === 'string' ? f.required : undefined);
    }
  }
  return { values, positionals: parsed.positionals, usage };
}

/** The value of a flag that must be there, or a message naming it (and why, if said). */
export function requireFlag(value: string | undefined, name: string, usage: string, why?: string): string {
  if (value === undefined || value === '') throw new CliError(`--${name} is required${why ? ` ${why}` : ''}\nusage: ${usage}`);
  return value;
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
