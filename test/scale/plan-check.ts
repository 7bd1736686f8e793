// Reads a query's plan and says what in it does not scale: a full scan of a large table, a full
// walk of one of its indexes, or a sort whose input is a large table's rows. SQLite's plan is
// `EXPLAIN QUERY PLAN`; PostgreSQL's `EXPLAIN (FORMAT JSON)` (never ANALYZE: nothing runs).
import { CompiledQuery, type Compilable } from 'kysely';
import type { Store } from '../../src/db/store.js';

/** Tables that grow with orders (the issue's list, and webhook_attempts, which grows as fast). */
export const LARGE_TABLES: ReadonlySet<string> = new Set([
  'orders',
  'order_items',
  'licences',
  'ledger_entries',
  'ledger_transactions',
  'audit_log',
  'customers',
  'order_events',
  'webhook_deliveries',
  'webhook_attempts',
  'idempotency_keys',
]);

/** What a query may do that the rules would otherwise refuse, and why it is bounded anyway. */
/** Sorting more rows than this, as PostgreSQL estimates them, counts as a sort of a large table's rows. */
const SORT_ROWS = 200;

export interface Allowance {
  /** A sort, of rows already narrowed to a few (a customer's licences, say). */
  readonly sort?: string;
  /** Walking a large table (or an index of it) in index order under a LIMIT: it stops after N rows. */
  readonly orderedWalk?: string;
}

export interface PlanCase {
  readonly name: string;
  readonly query: Compilable | CompiledQuery;
  readonly allow?: Allowance;
}

export interface Plan {
  /** One line per step, for messages. */
  readonly text: string;
  readonly problems: string[];
}

function compiled(q: Compilable | CompiledQuery): CompiledQuery {
  return 'compile' in q ? q.compile() : q;
}

/** Table names by the names the SQL uses for them (aliases included). */
function tablesByName(sqlText: string): Map<string, string> {
  const names = new Map<string, string>();
  const re = /\b(?:from|join|update|into)\s+"?(\w+)"?(?:\s+(?:as\s+)?"?(\w+)"?)?/gi;
  for (const m of sqlText.matchAll(re)) {
    const table = m[1]!.toLowerCase();
    names.set(table, table);
    const alias = m[2]?.toLowerCase();
    if (alias && !['where', 'on', 'set', 'select', 'inner', 'left', 'join', 'order', 'group', 'limit', 'values', 'using'].includes(alias)) names.set(alias, table);
  }
  return names;
}

export async function planOf(store: Store, q: Compilable | CompiledQuery, allow: Allowance = {}): Promise<Plan> {
  const c = compiled(q);
  return store.dialect === 'sqlite' ? sqlitePlan(store, c, allow) : postgresPlan(store, c, allow);
}

async function sqlitePlan(store: Store, c: CompiledQuery, allow: Allowance): Promise<Plan> {
  const r = await store.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${c.sql}`, [...c.parameters]));
  const lines = r.rows.map((row) => row.detail);
  const names = tablesByName(c.sql);
  const problems: string[] = [];
  let largeSeen = false;
  for (const line of lines) {
    const m = /^(SCAN|SEARCH) (\w+)(?: AS \w+)?( USING (?:COVERING )?INDEX \w+| USING INTEGER PRIMARY KEY)?/.exec(line);
    const table = m ? names.get(m[2]!.toLowerCase()) ?? m[2]!.toLowerCase() : undefined;
    if (m && table && LARGE_TABLES.has(table)) {
      largeSeen = true;
      if (m[1] === 'SCAN' && !allow.orderedWalk) problems.push(`${m[3] ? 'walks every entry of an index of' : 'scans all of'} ${table}: ${line}`);
    }
    if (/USE TEMP B-TREE/.test(line) && largeSeen && !allow.sort) problems.push(`sorts rows of a large table: ${line}`);
  }
  return { text: lines.join('\n'), problems };
}

interface PgNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Plan Rows'?: number;
  Plans?: PgNode[];
}

async function postgresPlan(store: Store, c: CompiledQuery, allow: Allowance): Promise<Plan> {
  const r = await store.db.executeQuery<{ 'QUERY PLAN': Array<{ Plan: PgNode }> }>(CompiledQuery.raw(`explain (format json) ${c.sql}`, [...c.parameters]));
  const root = r.rows[0]!['QUERY PLAN'][0]!.Plan;
  const problems: string[] = [];
  const lines: string[] = [];
  const walk = (node: PgNode, depth: number): boolean => {
    const relation = node['Relation Name'];
    lines.push(`${'  '.repeat(depth)}${node['Node Type']}${relation ? ` on ${relation}` : ''}${node['Index Name'] ? ` using ${node['Index Name']}` : ''}${node['Index Cond'] ? ` (${node['Index Cond']})` : ''}`);
    const large = relation !== undefined && LARGE_TABLES.has(relation);
    if (large && node['Node Type'] === 'Seq Scan') problems.push(`scans all of ${relation}`);
    if (large && /Index/.test(node['Node Type']) && !node['Index Cond'] && !allow.orderedWalk) problems.push(`walks every entry of ${node['Index Name']} on ${relation}`);
    let below = large;
    for (const child of node.Plans ?? []) below = walk(child, depth + 1) || below;
    // PostgreSQL estimates what it sorts: a sort of a few rows (a page's deliveries) is not one of
    // a reseller's orders. SQLite says nothing of the sort's size; its sorts need an allowance.
    const input = node.Plans?.[0]?.['Plan Rows'] ?? 0;
    if (/Sort/.test(node['Node Type']) && below && !allow.sort && input > SORT_ROWS) problems.push(`sorts rows of a large table (${input} estimated)`);
    return below;
  };
  walk(root, 0);
  return { text: lines.join('\n'), problems };
}
