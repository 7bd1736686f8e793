// The operator's command line: `placeorder <command> …`. Failures the operator can fix are one
// clear line and exit code 2; anything unexpected is one line and exit code 1. No stack traces.
import { ConfigError } from '../config.js';
import { SchemaError } from '../db/store.js';
import { catalogCommand } from './catalog.js';
import { fundsCommand } from './funds.js';
import { apiUserCommand } from './api-user.js';
import { CliError, processIo, type Io } from './common.js';
import { clockCommand } from './clock.js';
import { conformanceCommand } from './conformance.js';
import { migrateCommand } from './migrate.js';
import { ordersCommand } from './orders.js';
import { purgeCommand } from './purge.js';
import { redirectSecretCommand } from './redirect-secret.js';
import { resellerCommand } from './reseller.js';
import { sandboxCommand } from './sandbox.js';
import { webhooksCommand } from './webhooks.js';
import { serve } from './serve.js';

type Command = (args: string[], io: Io) => Promise<number>;

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
  purge: purgeCommand,
};

const HELP = `placeorder — the !PlaceOrder ordering system for Web products

usage: placeorder <command> [options]

commands:
  serve      run the HTTP server (--port, --host, --db, --allow-http, --demo, --trusted-proxy, --tls-cert, --tls-key)
  migrate    bring the database schema up to date
  reseller   add a reseller with its first API user (reseller add --ap … --login … --password …)
  orders     list orders, newest first (orders list [--ap BRAND] [--limit N] [--before ORDER] [--json])
             orders mark-paid ORDER (a reseller=N order was paid: activate it) | orders cancel ORDER
  funds      reseller funds (funds credit --ap … --amount … | funds adjust … | funds show --ap … [--json])
  api-user   an API user's new password or early unlock (api-user password --login … --password … | api-user unlock --login …)
  catalog    list the catalog or set a price (catalog list | catalog price --ppp … --amount …)
  redirect-secret  give a reseller a new secret that signs its redirects (--ap BRAND [--clear])
  conformance  check a server against the API's rules (--url BASE --ap BRAND [--login … --password …])
  clock      a sandbox reseller's test clock (clock advance --ap BRAND 40d | clock show | clock reset)
  sandbox    wipe a sandbox reseller's orders and events (sandbox reset --ap BRAND)
  webhooks   a reseller's webhook endpoints and events (webhooks add --ap BRAND --url URL | list | remove | events)
  purge      delete side-table rows past their retention now, as the server does every 10 minutes ([--dry-run])

--db takes a SQLite file path (default ./data/placeorder.db) or a postgres:// URL (env PLACEORDER_DB).`;

export async function run(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.out(HELP);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`placeorder: unknown command "${name}"\n\n${HELP}`);
    return 2;
  }
  try {
    return await command(args, io);
  } catch (error) {
    if (error instanceof CliError || error instanceof ConfigError || error instanceof SchemaError) {
      io.err(`placeorder ${name}: ${error.message}`);
      return 2;
    }
    const e = error as { code?: string; message?: string };
    io.err(`placeorder ${name}: ${e.code ? `${e.code}: ` : ''}${(e.message ?? String(error)).split('\n')[0]}`);
    return 1;
  }
}
