// The import direction between src/'s folders (docs/architecture.md): each folder sits in a
// tier, and a file may import only from its own tier or those below; and no two folders import
// each other, however indirectly. `*.table.ts` files are the schema: db/ assembles the Database
// type from them (STYLE.md 1), so an import of one counts as an import of the schema, which
// sits with db/; a table file itself imports only other table files.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '../../src');

/** Bottom to top. Root files (src/*.ts) are named by their file name. */
const TIERS: ReadonlyArray<readonly string[]> = [
  ['assert', 'clock', 'config', 'config-mail', 'config-values', 'errors', 'money', 'random-ids', 'wire', 'catalog'],
  ['db', 'schema'],
  [
    'app-context',
    'passwords',
    'rate-limits',
    'resellers',
    'customers',
    'licences',
    'funds',
    'orders',
    'webhooks',
    'idempotency',
    'sandbox',
    'maintenance',
    'retention',
    'sessions',
    'ordering-submissions',
    'observability',
    'notifications',
  ],
  ['place-order', 'reseller-api', 'web', 'products', 'openapi', 'server', 'app', 'cli', 'seed', 'conformance', 'mail'],
];

/**
 * Known violations, each `from -> to` between folders, with its reason and the issue that
 * removes it. The list only shrinks: an edge here that no longer occurs fails the test too.
 * It is empty: issue 18 moved the code of the last five to the rooms it belongs in.
 */
const KNOWN: Readonly<Record<string, string>> = {};

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly file: string;
  readonly target: string;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The folder (or root file) a path under src/ belongs to; table files are the schema. */
function roomOf(path: string): string {
  const rel = relative(SRC, path).split('\\').join('/');
  if (rel.endsWith('.table.ts')) return 'schema';
  const parts = rel.split('/');
  return parts.length > 1 ? parts[0]! : parts[0]!.replace(/\.ts$/, '');
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function edges(): Edge[] {
  const out: Edge[] = [];
  for (const file of filesUnder(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const target = normalize(join(dirname(file), (m[1] ?? m[2])!)).replace(/\.js$/, '.ts');
      const from = roomOf(file);
      const to = roomOf(target);
      if (from !== to) out.push({ from, to, file: relative(SRC, file), target: relative(SRC, target) });
    }
  }
  return out;
}

function tierOf(room: string): number {
  const tier = TIERS.findIndex((t) => t.includes(room));
  if (tier < 0) throw new Error(`src/${room} is in no tier of test/architecture/layers.test.ts: declare it (and in docs/architecture.md)`);
  return tier;
}

/** Rooms that reach each other through imports (strongly connected components of two or more). */
function cycles(all: readonly Edge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of all) next.set(e.from, (next.get(e.from) ?? new Set()).add(e.to));
  const reach = (start: string): Set<string> => {
    const seen = new Set<string>();
    const stack = [start];
    while (stack.length > 0) {
      for (const n of next.get(stack.pop()!) ?? []) {
        if (seen.has(n)) continue;
        seen.add(n);
        stack.push(n);
      }
    }
    return seen;
  };
  const rooms = [...next.keys()].sort();
  const reached = new Map(rooms.map((r) => [r, reach(r)]));
  const groups = new Map<string, string[]>();
  for (const a of rooms) {
    const group = rooms.filter((b) => b === a || (reached.get(a)!.has(b) && reached.get(b)?.has(a)));
    if (group.length > 1) groups.set(group.join(' '), group);
  }
  return [...groups.values()];
}

describe('the import direction between folders (docs/architecture.md)', () => {
  const all = edges();
  const counted = all.filter((e) => !(`${e.from} -> ${e.to}` in KNOWN));

  it('finds imports to check (the scan reads the sources)', () => {
    expect(all.length).toBeGreaterThan(100);
    expect(all.some((e) => e.from === 'place-order' && e.to === 'wire')).toBe(true);
  });

  it('declares every folder of src/ in a tier', () => {
    for (const e of all) {
      tierOf(e.from);
      tierOf(e.to);
    }
  });

  it('imports nothing from a higher tier (besides the known violations)', () => {
    const upward = counted.filter((e) => tierOf(e.to) > tierOf(e.from)).map((e) => `${e.file} -> ${e.target}`);
    expect(upward).toEqual([]);
  });

  it('has no import cycle between folders (besides the known violations)', () => {
    expect(cycles(counted)).toEqual([]);
  });

  it('table files import only table files', () => {
    expect(all.filter((e) => e.from === 'schema' && e.to !== 'schema').map((e) => e.file)).toEqual([]);
  });

  it('lists no known violation that no longer occurs', () => {
    const seen = new Set(all.map((e) => `${e.from} -> ${e.to}`));
    expect(Object.keys(KNOWN).filter((k) => !seen.has(k))).toEqual([]);
  });
});
