// The PostgreSQL write path re-runs a unit of work that PostgreSQL aborted as a deadlock victim
// (40P01) or a serialization failure (40001): the caller sees one success, never the conflict.
// PostgreSQL only: SQLite has one writer, so two units cannot deadlock there.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, Store } from '../../src/db/store.js';
import { DIALECTS, freshStore } from '../helpers/dialects.js';

describe.each(DIALECTS.filter((d) => d === 'postgres'))('write retries (%s)', (dialect) => {
  let store: Store & { location: string };
  beforeAll(async () => {
    store = await freshStore(dialect);
    // A scratch table of this test's own; the schema's tables are not needed here.
    await sql`create table retry_probe (id int primary key, n int not null)`.execute(store.db);
    await sql`insert into retry_probe values (1, 0), (2, 0)`.execute(store.db);
    // Detect the deadlock quickly (the server default is 1 s).
    await sql`alter database ${sql.id(new URL(store.location).pathname.slice(1))} set deadlock_timeout = '100ms'`.execute(store.db);
  });
  afterAll(() => store.close());

  it('two units locking two rows in opposite order: the deadlock victim is re-run and both succeed', async () => {
    const attempts = { a: 0, b: 0 };
    let firstLocked!: () => void;
    const aHasRow1 = new Promise<void>((r) => (firstLocked = r));
    let secondLocked!: () => void;
    const bHasRow2 = new Promise<void>((r) => (secondLocked = r));
    const bump = (tx: Db, id: number) => sql`update retry_probe set n = n + 1 where id = ${id}`.execute(tx);

    // The units wait for each other only on their first attempt, to set the deadlock up; a
    // real unit does nothing but queries.
    const a = store.write(async (tx) => {
      attempts.a++;
      await bump(tx, 1);
      if (attempts.a === 1) {
        firstLocked();
        await bHasRow2;
      }
      await bump(tx, 2);
      return 'a';
    });
    const b = store.write(async (tx) => {
      attempts.b++;
      if (attempts.b === 1) await aHasRow1;
      await bump(tx, 2);
      if (attempts.b === 1) secondLocked();
      await bump(tx, 1);
      return 'b';
    });
    expect(await Promise.all([a, b])).toEqual(['a', 'b']);
    // Exactly one of the two was chosen as the victim and ran twice.
    expect(attempts.a + attempts.b).toBe(3);
    // Each unit's effects are in the database once: the victim's first attempt was rolled back.
    const rows = await sql<{ id: number; n: number }>`select id, n from retry_probe order by id`.execute(store.db);
    expect(rows.rows).toEqual([
      { id: 1, n: 2 },
      { id: 2, n: 2 },
    ]);
  });

  it('a unit that keeps failing with a serialization failure gives up after five attempts', async () => {
    let attempts = 0;
    const failing = store.write(async (tx) => {
      attempts++;
      await sql`select 1`.execute(tx);
      throw Object.assign(new Error('could not serialize access due to concurrent update'), { code: '40001' });
    });
    await expect(failing).rejects.toMatchObject({ code: '40001' });
    expect(attempts).toBe(5);
  });
});
