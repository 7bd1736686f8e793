// The parts of the SQLite writer thread that do not need the built server (those are in
// test/scale/writer-thread.test.ts): errors crossing the thread boundary keep what the answer is
// made of, and a thread that cannot start is reported at start, not on the first order.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Mutex } from '../../src/db/sqlite-writer.js';
import { WriterThread, serializeError } from '../../src/db/writer-thread.js';
import { Errors, PlaceOrderError, fail } from '../../src/errors.js';
import { commitOrderUnit } from '../../src/place-order/service.js';

describe('the SQLite writer thread', () => {
  it('a PlaceOrderError crosses back with its code, item and exact message', () => {
    const original = fail(Errors.RENEWAL_TOO_EARLY, 'licenceCode', '2027-01-31');
    // What structured clone carries: the serialized form, copied.
    const revived = commitOrderUnit.revive!(structuredClone(serializeError(original)));
    expect(revived).toBeInstanceOf(PlaceOrderError);
    expect(revived).toMatchObject({ code: original.code, item: 'licenceCode', message: original.message });
    expect(revived!.message).toContain('2027-01-31');
  });

  it('the retry signals cross back as themselves; anything else is a plain error with its code', () => {
    for (const name of ['CustomerRaced', 'CredentialStale']) {
      expect(commitOrderUnit.revive!({ name, message: '' })?.name).toBe(name);
    }
    const sqlite = Object.assign(new Error('UNIQUE constraint failed: orders.id'), { code: 'SQLITE_CONSTRAINT_UNIQUE' });
    expect(serializeError(sqlite)).toEqual({ name: 'Error', message: sqlite.message, code: 'SQLITE_CONSTRAINT_UNIQUE', item: undefined });
    expect(commitOrderUnit.revive!(serializeError(sqlite))).toBeUndefined();
    expect(serializeError('a string thrown')).toMatchObject({ name: 'Error', message: 'a string thrown' });
  });

  it('a thread that cannot start is reported when the store opens, with the reason', async () => {
    // Running from the TypeScript sources, the compiled worker file does not exist beside this
    // module: exactly the failure a broken installation would meet.
    const dir = mkdtempSync(join(tmpdir(), 'placeorder-writer-'));
    try {
      const thread = new WriterThread(join(dir, 'x.db'), new Mutex(), 8);
      await expect(thread.start()).rejects.toThrow(/the SQLite writer thread did not start/);
      await thread.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
