// `npm run bench -- --preload N`: a database that already holds N orders (the scale seed,
// src/seed/, as `npm run seed-scale` writes it), purged as a running server keeps it (so the
// side tables hold what their retention keeps, not a year of them), for the benchmark to place
// its orders into beside the empty database of the same run.
//
// Seeding a million orders takes minutes, so the seeded database is kept between runs: a SQLite
// file in the temporary folder, or a PostgreSQL database on the given server, named by the seed's
// format and N; each run works on a copy of it (a file copy; `create database … template …`).
// `--fresh-preload` seeds it again.
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, benchServer, runCli, stopProcess } from './servers.mjs';

const require = createRequire(import.meta.url);

/** The seeded database to copy from, seeded first if there is none yet. */
async function seededTemplate({ root, dialect, adminUrl, orders, fresh, log, runCli }) {
  const { SEED_FORMAT, seedOptions, seedScale } = await import(pathToFileURL(join(root, 'dist', 'seed', 'seed.js')).href);
  const name = `placeorder_bench_preload_v${SEED_FORMAT}_${orders}`;
  const location = dialect === 'sqlite' ? join(os.tmpdir(), `${name}.db`) : databaseUrl(adminUrl, name);
  const exists = dialect === 'sqlite' ? existsSync(location) : await pgExists(adminUrl, name);
  if (exists && !fresh) {
    log(`preload: reusing ${dialect === 'sqlite' ? location : name} (--fresh-preload seeds it again)`);
    return { location, name };
  }
  if (dialect === 'sqlite') for (const suffix of ['', '-wal', '-shm']) rmSync(location + suffix, { force: true });
  else await pgQuery(adminUrl, `drop database if exists ${name} with (force)`).then(() => pgQuery(adminUrl, `create database ${name}`));
  const started = Date.now();
  log(`preload: seeding ${orders} orders into ${dialect === 'sqlite' ? location : name} (kept for later runs)`);
  await seedScale(location, seedOptions(orders), (line) => log(`preload: ${line}`));
  // A running server purges every ten minutes: the database it serves holds what retention keeps.
  log(`preload: ${runCli(['purge', '--db', location]).trim().split('\n').slice(1, -1).map((l) => l.split('\t').filter((_, k) => k !== 1).join(' ')).join(', ')}`);
  log(`preload: seeded and purged in ${Math.round((Date.now() - started) / 1000)} s`);
  return { location, name };
}

/** A copy of the seeded database for this run: { location, drop() }. */
export async function preloadedDatabase(options) {
  const { dialect, adminUrl, dir, runCli } = options;
  const template = await seededTemplate(options);
  if (dialect === 'sqlite') {
    const location = join(dir, 'preloaded.db');
    copyFileSync(template.location, location);
    // On disk before the measurement starts: the kernel writing back gigabytes of the copy
    // during it made the first rounds' commits wait.
    const fd = openSync(location, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    runCli(['migrate', '--db', location]);
    return { location, drop: async () => undefined };
  }
  const name = `po_bench_pre_${Date.now()}_${process.pid}`;
  // A file copy (PostgreSQL 15's default copies through the WAL: gigabytes of it, checkpointed during the run).
  await pgQuery(adminUrl, `create database ${name} template ${template.name} strategy file_copy`).catch(() => pgQuery(adminUrl, `create database ${name} template ${template.name}`));
  const location = databaseUrl(adminUrl, name);
  runCli(['migrate', '--db', location]);
  return { location, drop: () => pgQuery(adminUrl, `drop database if exists ${name} with (force)`) };
}

/**
 * Runs `fn(server, location)` with a placeorder serving a copy of the kept seed of `orders`
 * orders (the brand `benchbrand` and its customer ready), and cleans everything up after.
 */
export async function withPreloadedServer({ dialect, adminUrl, orders, name, log }, fn) {
  const dir = mkdtempSync(join(os.tmpdir(), `placeorder-${name}-`));
  const pre = await preloadedDatabase({ root: ROOT, dialect, adminUrl, orders, fresh: false, dir, log, runCli });
  let server;
  try {
    server = await benchServer(pre.location, dir, name);
    return await fn(server, pre.location);
  } finally {
    if (server) await stopProcess(server.child);
    await pre.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function databaseUrl(adminUrl, name) {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function pgQuery(adminUrl, text) {
  const pg = require('pg');
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await c.query(text);
  } finally {
    await c.end();
  }
}

async function pgExists(adminUrl, name) {
  const pg = require('pg');
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return (await c.query('select 1 from pg_database where datname = $1', [name])).rows.length > 0;
  } finally {
    await c.end();
  }
}
