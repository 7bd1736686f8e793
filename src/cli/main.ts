// The operator's command line: `placeorder <command> …`. What each command accepts, and its
// help, come from the command table (src/cli/commands.ts). Failures the operator can fix are
// one clear line (with the usage) and exit code 2; anything unexpected is one line and exit
// code 1. No stack traces.
import { ConfigError } from '../config.js';
import { SchemaError } from '../db/store.js';
import { catalogCommand } from './catalog.js';
import { fundsCommand } from './funds.js';
import { apiUserCommand } from './api-user.js';
import { CliError, processIo, wantsHelp, type Io } from './common.js';
import { isGroup, type CommandSpec, type GroupSpec, type LeafSpec } from './commands.js';
import { findCommand, groupHelp, leafHelp, topHelp, unknownCommand, unknownSubcommand } from './help.js';
import { clockCommand } from './clock.js';
import { conformanceCommand } from './conformance.js';
import { migrateCommand } from './migrate.js';
import { ordersCommand } from './orders.js';
import { purgeCommand } from './purge.js';
import { redirectSecretCommand } from './redirect-secret.js';
import { resellerCommand } from './reseller.js';
import { sandboxCommand } from './sandbox.js';
import { webhooksCommand } from './webhooks.js';
import { notificationsCommand } from './notifications.js';
import { serve } from './serve.js';

/** A command gets its arguments after its name; it parses them with parseFlags (src/cli/common.ts). */
type Command = (args: string[], io: Io) => Promise<number>;

/** What runs each command of the table (src/cli/commands.ts); the table says what it accepts. */
const COMMANDS: Record<string, Command> = {
  serve,
  migrate: migrateCommand,
  reseller: resellerCommand,
  orders: ordersCommand,
  funds: fundsCommand,
  'api-user': apiUserCommand,
  catalog: catalogCommand,
  'redirect-secret': redirectSecretCommand,
  conformance: conformanceCommand,
  clock: clockCommand,
  sandbox: sandboxCommand,
  webhooks: webhooksCommand,
  notifications: notificationsCommand,
  purge: purgeCommand,
};

/** The words of a command line matched against the table: a command to run, or help to print. */
type Target = { kind: 'run'; path: string[]; leaf: LeafSpec; rest: string[] } | { kind: 'help'; text: string };

function commandOf(name: string): CommandSpec {
  const command = findCommand(name);
  if (!command) throw new CliError(unknownCommand(name));
  return command;
}

function subcommandOf(group: GroupSpec, name: string): LeafSpec {
  const leaf = group.subcommands.find((s) => s.name === name);
  if (!leaf) throw new CliError(unknownSubcommand(group, name));
  return leaf;
}

function target(name: string, args: string[]): Target {
  const command = commandOf(name);
  if (!isGroup(command)) return { kind: 'run', path: [name], leaf: command, rest: args };
  const [sub, ...rest] = args;
  // `placeorder funds` alone, like `placeorder` alone, is a request for help.
  if (sub === undefined || sub === '--help' || sub === '-h') return { kind: 'help', text: groupHelp(command) };
  return { kind: 'run', path: [name, sub], leaf: subcommandOf(command, sub), rest };
}

/** `placeorder help [COMMAND [SUBCOMMAND]]`. */
function helpText(words: string[]): string {
  const [name, sub] = words;
  if (name === undefined) return topHelp();
  const command = commandOf(name);
  if (!isGroup(command)) return leafHelp([name], command);
  return sub === undefined ? groupHelp(command) : leafHelp([name, sub], subcommandOf(command, sub));
}

function printed(io: Io, text: string): number {
  io.out(text);
  return 0;
}

export async function run(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h') return printed(io, topHelp());
  const label = name === 'help' || !findCommand(name) ? 'placeorder' : `placeorder ${name}`;
  try {
    if (name === 'help') return printed(io, helpText(args));
    const t = target(name, args);
    if (t.kind === 'help') return printed(io, t.text);
    if (wantsHelp(t.leaf, t.rest)) return printed(io, leafHelp(t.path, t.leaf));
    return await COMMANDS[name]!(args, io);
  } catch (error) {
    if (error instanceof CliError || error instanceof ConfigError || error instanceof SchemaError) {
      io.err(`${label}: ${error.message}`);
      return 2;
    }
    const e = error as { code?: string; message?: string };
    io.err(`${label}: ${e.code ? `${e.code}: ` : ''}${(e.message ?? String(error)).split('\n')[0]}`);
    return 1;
  }
}
