// Reading a placeorder database directly from a benchmark script (not through the server): the
// seed's values the scripts ask for, and how many orders there are.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The rows of one query on a SQLite file (read-only) or a postgres:// URL. */
export async function rows(location, text) {
  if (!/^postgres/.test(location)) {
    const Database = require('better-sqlite3');
    const db = new Database(location, { readonly: true });
    try {
      return db.prepare(text).all();
    } finally {
      db.close();
    }
  }
  const pg = require('pg');
  const c = new pg.Client({ connectionString: location });
  await c.connect();
  try {
    return (await c.query(text)).rows;
  } finally {
    await c.end();
  }
}

/** The newest order number: the difference over a run is the orders it placed. */
export async function newestOrder(location) {
  return Number((await rows(location, 'select max(id) as m from orders'))[0].m);
}
