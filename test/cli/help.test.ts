// Help everywhere: every command and subcommand of the table answers --help, -h and `help …`
// with its usage, flags, defaults, environment and an example, exit 0; a mistyped command,
// subcommand or flag is refused naming the nearest valid one, exit 2.
import { describe, expect, it } from 'vitest';
import { COMMAND_TABLE, isGroup, type LeafSpec } from '../../src/cli/commands.js';
import { CliError, parseFlags } from '../../src/cli/common.js';
import { editDistance, nearest } from '../../src/cli/suggest.js';
import { DEFAULTS } from '../../src/config.js';
import { cli } from './capture.js';

/** Every command that runs, with its words: [['serve'], ['funds', 'credit'], …]. */
const LEAVES: Array<[string[], LeafSpec]> = COMMAND_TABLE.flatMap((c): Array<[string[], LeafSpec]> =>
  isGroup(c) ? c.subcommands.map((s): [string[], LeafSpec] => [[c.name, s.name], s]) : [[[c.name], c]],
);

describe('placeorder help', () => {
  it('covers every command there is', () => {
    expect(LEAVES.map(([path]) => path.join(' '))).toEqual([
      'serve', 'migrate', 'reseller add', 'orders list', 'orders mark-paid', 'orders cancel',
      'funds credit', 'funds adjust', 'funds show', 'api-user password', 'api-user unlock',
      'catalog list', 'catalog price', 'redirect-secret', 'conformance', 'clock advance', 'clock show',
      'clock reset', 'sandbox reset', 'purge', 'webhooks add', 'webhooks list', 'webhooks remove', 'webhooks events',
      'notifications list', 'notifications retry',
    ]);
  });

  it('placeorder, help, --help and -h list every command and exit 0', async () => {
    for (const argv of [[], ['help'], ['--help'], ['-h']]) {
      const r = await cli(argv);
      expect(r.code, argv.join(' ')).toBe(0);
      expect(r.err).toBe('');
      expect(r.out).toContain('usage: placeorder COMMAND [SUBCOMMAND] [options]');
      for (const [path, leaf] of LEAVES) expect(r.out).toMatch(new RegExp(`^  ${path.join(' ')} +${leaf.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    }
  });

  it.each(LEAVES.map(([path, leaf]) => [path.join(' '), path, leaf] as const))('%s --help, -h and help %s print usage, every flag, the environment and an example', async (_name, path, leaf) => {
    for (const argv of [[...path, '--help'], [...path, '-h'], ['help', ...path], [...path, '--bogus', '--help']]) {
      const r = await cli(argv);
      expect(r.code, argv.join(' ')).toBe(0);
      expect(r.err).toBe('');
      expect(r.out).toContain(`usage: placeorder ${path.join(' ')}${leaf.args ? ` ${leaf.args}` : ''}`);
      for (const f of leaf.flags) {
        expect(r.out).toMatch(new RegExp(`^  --${f.name}${f.value ? ` ${f.value}` : ''} +\\S`, 'm'));
        if (f.default !== undefined) expect(r.out).toContain(`default ${f.default}`);
        if (f.env) expect(r.out).toContain(f.env);
      }
      for (const e of leaf.env ?? []) expect(r.out).toContain(e.name);
      expect(r.out).toMatch(new RegExp(`^example:\\n  placeorder ${path.join(' ')}\\b`, 'm'));
    }
  });

  it.each(COMMAND_TABLE.filter(isGroup).map((g) => [g.name, g] as const))('%s alone, --help and help %s list its subcommands', async (_name, group) => {
    for (const argv of [[group.name], [group.name, '--help'], [group.name, '-h'], ['help', group.name]]) {
      const r = await cli(argv);
      expect(r.code, argv.join(' ')).toBe(0);
      for (const s of group.subcommands) expect(r.out).toContain(`  placeorder ${group.name} ${s.name}`);
    }
  });

  it('shows the real defaults and the environment that matters', async () => {
    const serve = (await cli(['serve', '--help'])).out;
    expect(serve).toMatch(new RegExp(`--port N +TCP port.*default ${DEFAULTS.port}; env PORT`));
    expect(serve).toMatch(/--host H +address to listen on \[default 127\.0\.0\.1; env HOST\]/);
    expect(serve).toContain('PLACEORDER_WEB_SECRET');
    expect((await cli(['api-user', 'password', '--help'])).out).toContain('PLACEORDER_ARGON2_MEMORY_KIB');
    expect((await cli(['funds', 'credit', '--help'])).out).toContain('--db PATH_OR_URL  the database: a SQLite file or a postgres:// URL [default ./data/placeorder.db; env PLACEORDER_DB]');
  });

  it('accepts every flag that the help names (and -h is help, not a flag)', () => {
    for (const [path, leaf] of LEAVES) {
      const args = leaf.flags.flatMap((f) => (f.value ? [`--${f.name}`, f.name === 'amount' ? '1.00' : 'x'] : [`--${f.name}`]));
      const { values } = parseFlags(args, path);
      for (const f of leaf.flags) expect(values[f.name], `${path.join(' ')} --${f.name}`).toEqual(f.value ? (f.multiple ? ['x'] : f.name === 'amount' ? '1.00' : 'x') : true);
    }
  });
});

describe('nearest-name suggestions', () => {
  it('name the flag meant, or none when nothing is close', async () => {
    const cases: Array<[string[], string]> = [
      [['funds', 'credit', '--ap', 'x', '--ammount', '1.00'], "placeorder funds: Unknown option '--ammount'. Did you mean '--amount'?"],
      [['funds', 'credit', '--ap', 'x', '--amuont=1.00'], "Unknown option '--amuont'. Did you mean '--amount'?"],
      [['orders', 'list', '--jsno'], "Unknown option '--jsno'. Did you mean '--json'?"],
      [['serve', '--alow-http'], "Unknown option '--alow-http'. Did you mean '--allow-http'?"],
      [['reseller', 'add', '--redirect-orign', 'https://a.example'], "Did you mean '--redirect-origin'?"],
      [['webhooks', 'add', '--ap', 'x', '--ulr', 'https://a.example'], "Did you mean '--url'?"],
      [['servr'], 'placeorder: unknown command "servr". Did you mean "serve"?'],
      [['webhook', 'list'], 'unknown command "webhook". Did you mean "webhooks"?'],
      [['help', 'fnuds'], 'unknown command "fnuds". Did you mean "funds"?'],
      [['funds', 'shwo'], 'placeorder funds: unknown funds command "shwo". Did you mean "show"?'],
      [['webhooks', 'evnets'], 'unknown webhooks command "evnets". Did you mean "events"?'],
      [['help', 'orders', 'mark-payed'], 'unknown orders command "mark-payed". Did you mean "mark-paid"?'],
    ];
    for (const [argv, message] of cases) {
      const r = await cli(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toContain(message);
    }
    for (const argv of [['reseller', 'add', '--bogus'], ['frobnicate'], ['orders', 'list', '-x']]) {
      const r = await cli(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(/Unknown option '(--bogus|-x)'\.\n|unknown command "frobnicate"\. Run/);
      expect(r.err).not.toContain('Did you mean');
    }
  });

  it('an unknown flag comes with the usage of that command and where to find more', async () => {
    const r = await cli(['catalog', 'price', '--pp', '9974', '--amount', '1.00']);
    expect(r.err).toBe(
      "placeorder catalog: Unknown option '--pp'. Did you mean '--ppp'?\nusage: placeorder catalog price --ppp CODE --amount AMOUNT [--db PATH_OR_URL]\nhelp:  placeorder catalog price --help\n",
    );
  });

  it('required flags are still refused by name before anything runs', () => {
    expect(() => parseFlags(['--ap', 'x', '--amount=-1.00'], ['funds', 'adjust'])).toThrow(new CliError(
      '--memo is required for an adjustment (say why)\nusage: placeorder funds adjust --ap BRAND --amount AMOUNT --memo TEXT [--db PATH_OR_URL]\nhelp:  placeorder funds adjust --help',
    ));
  });

  it('measure distance with a swap of neighbours as one edit', () => {
    expect(editDistance('amount', 'amount')).toBe(0);
    expect(editDistance('amuont', 'amount')).toBe(1);
    expect(editDistance('ammount', 'amount')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(nearest('x', ['ap', 'db'])).toBeUndefined();
    expect(nearest('amo', ['ap', 'amount', 'memo'])).toBe('amount');
    expect(nearest('AMOUNT', ['amount'])).toBe('amount');
    expect(nearest('bogus', ['ap', 'login', 'password', 'db'])).toBeUndefined();
  });
});
