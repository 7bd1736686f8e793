// Usage lines and help texts, all printed from the command table (src/cli/commands.ts).
import { COMMAND_TABLE, isGroup, type CommandSpec, type EnvSpec, type FlagSpec, type GroupSpec, type LeafSpec } from './commands.js';
import { nearest } from './suggest.js';

export const HELP_FLAG = '-h, --help';

/** `placeorder funds credit --ap BRAND --amount AMOUNT [--memo TEXT] [--db PATH_OR_URL]` */
export function usageLine(path: readonly string[], leaf: LeafSpec): string {
  const flags = leaf.flags.map((f) => {
    const text = `--${f.name}${f.value ? ` ${f.value}` : ''}`;
    const shown = f.required ? text : `[${text}]`;
    return f.multiple ? `${shown}…` : shown;
  });
  return ['placeorder', ...path, ...(leaf.args ? [leaf.args] : []), ...flags].join(' ');
}

function columns(rows: ReadonlyArray<readonly [string, string]>): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

function flagRow(f: FlagSpec): [string, string] {
  const notes = [
    f.required ? 'required' : '',
    f.multiple ? 'may be repeated' : '',
    f.default !== undefined ? `default ${f.default}` : '',
    f.env ? `env ${f.env}` : '',
  ].filter((n) => n !== '');
  return [`--${f.name}${f.value ? ` ${f.value}` : ''}`, notes.length > 0 ? `${f.help} [${notes.join('; ')}]` : f.help];
}

/** What `placeorder … COMMAND --help` prints for a command that runs. */
export function leafHelp(path: readonly string[], leaf: LeafSpec): string {
  const env: EnvSpec[] = [
    ...leaf.flags.filter((f) => f.env).map((f) => ({ name: f.env!, help: `read when --${f.name} is not given` })),
    ...(leaf.env ?? []),
  ];
  return [
    `placeorder ${path.join(' ')}: ${leaf.summary}`,
    '',
    `usage: ${usageLine(path, leaf)}`,
    ...(leaf.requiredUnless ? [`       placeorder ${path.join(' ')} --${leaf.requiredUnless}`] : []),
    '',
    'options:',
    ...columns([...leaf.flags.map(flagRow), [HELP_FLAG, 'print this help']]),
    ...(env.length > 0 ? ['', 'environment (flags win over it):', ...columns(env.map((e) => [e.name, e.help]))] : []),
    ...(leaf.more ? ['', leaf.more] : []),
    '',
    'example:',
    `  ${leaf.example}`,
  ].join('\n');
}

/** What `placeorder GROUP --help` prints: its subcommands, each with its usage line. */
export function groupHelp(group: GroupSpec): string {
  return [
    `placeorder ${group.name}: ${group.summary}`,
    '',
    'usage:',
    ...group.subcommands.map((s) => `  ${usageLine([group.name, s.name], s)}`),
    '',
    'subcommands:',
    ...columns(group.subcommands.map((s) => [s.name, s.summary])),
    '',
    `'placeorder ${group.name} SUBCOMMAND --help' explains each option.`,
    '',
    'example:',
    `  ${group.subcommands[0]!.example}`,
  ].join('\n');
}

/** What `placeorder`, `placeorder help` and `placeorder --help` print. */
export function topHelp(): string {
  const rows = COMMAND_TABLE.flatMap((c): Array<[string, string]> =>
    isGroup(c) ? c.subcommands.map((s): [string, string] => [`${c.name} ${s.name}`, s.summary]) : [[c.name, c.summary]],
  );
  return [
    'placeorder: the !PlaceOrder ordering system for Web products',
    '',
    'usage: placeorder COMMAND [SUBCOMMAND] [options]',
    '',
    'commands:',
    ...columns(rows),
    '',
    "'placeorder help COMMAND' or 'placeorder COMMAND --help' lists a command's options, defaults and",
    'environment variables. --db takes a SQLite file path (default ./data/placeorder.db) or a',
    'postgres:// URL; without it the commands read PLACEORDER_DB.',
    '',
    'example:',
    '  placeorder serve --demo --allow-http',
  ].join('\n');
}

export function findCommand(name: string): CommandSpec | undefined {
  return COMMAND_TABLE.find((c) => c.name === name);
}

/** The table entry of a command that runs, by its words; main.ts has checked that there is one. */
export function leafAt(path: readonly string[]): LeafSpec {
  const command = findCommand(path[0] ?? '');
  const leaf = command && (isGroup(command) ? command.subcommands.find((s) => s.name === path[1]) : command);
  if (!leaf) throw new Error(`the command table has no "${path.join(' ')}"`);
  return leaf;
}

/** `unknown command "servr". Did you mean "serve"?` */
export function unknownCommand(name: string): string {
  return `unknown command "${name}".${didYouMean(name, COMMAND_TABLE.map((c) => c.name))} Run 'placeorder help' for the list.`;
}

/** `unknown funds command "shwo". Did you mean "show"?` and the subcommands there are. */
export function unknownSubcommand(group: GroupSpec, name: string): string {
  const names = group.subcommands.map((s) => s.name);
  return `unknown ${group.name} command "${name}".${didYouMean(name, names)}\nsubcommands: ${names.join(', ')} (placeorder ${group.name} --help)`;
}

/** `Unknown option '--ammount'. Did you mean '--amount'?` */
export function unknownOption(raw: string, leaf: LeafSpec): string {
  const match = raw.startsWith('--') ? nearest(raw.slice(2), leaf.flags.map((f) => f.name)) : undefined;
  return `Unknown option '${raw}'.${match ? ` Did you mean '--${match}'?` : ''}`;
}

function didYouMean(name: string, candidates: readonly string[]): string {
  const match = name === '' ? undefined : nearest(name, candidates);
  return match ? ` Did you mean "${match}"?` : '';
}
