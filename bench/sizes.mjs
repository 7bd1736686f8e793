// `node bench/sizes.mjs PATH_OR_URL [--json]`: how big a placeorder database is, table by table
// (each with its indexes): SQLite's dbstat (pages in use; the file also holds free pages, which
// new rows reuse), PostgreSQL's pg_total_relation_size (heap, indexes and TOAST). With row
// counts, and the whole file or database. Used for docs/benchmarks.md ("Database size").
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const TABLES = [
  'orders', 'order_items', 'licences', 'customers', 'ledger_transactions', 'ledger_entries', 'audit_log',
  'order_events', 'webhook_deliveries', 'webhook_attempts', 'idempotency_keys', 'web_sessions', 'ordering_submissions', 'login_throttle',
];

/** { table: { rows, bytes } } and the total, for a SQLite file or a postgres:// URL. */
export async function sizesOf(location) {
  return /^postgres/.test(location) ? postgresSizes(location) : sqliteSizes(location);
}

function sqliteSizes(path) {
  const Database = require('better-sqlite3');
  const db = new Database(path, { readonly: true });
  try {
    const pages = new Map(db.prepare(`select s.tbl_name as t, sum(d.pgsize) as bytes from dbstat d join sqlite_schema s on s.name = d.name group by s.tbl_name`).all().map((r) => [r.t, r.bytes]));
    const tables = Object.fromEntries(TABLES.map((t) => [t, { rows: db.prepare(`select count(*) as n from ${t}`).get().n, bytes: pages.get(t) ?? 0 }]));
    const free = db.pragma('freelist_count', { simple: true }) * db.pragma('page_size', { simple: true });
    return { tables, totalBytes: statSync(path).size, freeBytes: free };
  } finally {
    db.close();
  }
}

async function postgresSizes(url) {
  const pg = require('pg');
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const tables = {};
    for (const t of TABLES) {
      const r = await c.query(`select (select count(*) from ${t}) as rows, pg_total_relation_size('${t}') as bytes`);
      tables[t] = { rows: Number(r.rows[0].rows), bytes: Number(r.rows[0].bytes) };
    }
    const total = await c.query('select pg_database_size(current_database()) as b');
    return { tables, totalBytes: Number(total.rows[0].b) };
  } finally {
    await c.end();
  }
}

const mib = (b) => (b / 1048576).toFixed(1);

if (import.meta.url === `file://${process.argv[1]}`) {
  const [location, json] = process.argv.slice(2);
  const s = await sizesOf(location);
  if (json === '--json') console.log(JSON.stringify(s));
  else {
    for (const [t, v] of Object.entries(s.tables)) console.log(`${t.padEnd(22)} ${String(v.rows).padStart(10)} rows ${mib(v.bytes).padStart(9)} MiB`);
    console.log(`${'total'.padEnd(22)} ${''.padStart(15)} ${mib(s.totalBytes).padStart(9)} MiB${s.freeBytes !== undefined ? ` (${mib(s.freeBytes)} MiB of it free pages)` : ''}`);
  }
}
