// The parts of the SQLite writer thread that do not need the built server (those are in
// test/scale/writer-thread.test.ts): errors crossing the thread boundary keep what the answer is
// made of, and a thread that cannot start is reported at start, not on the first order.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Mutex } from '../../src/db/sqlite-writer.js';
import { serializeError } from '../../src/db/portable-unit.js';
import { WriterThread } from '../../src/db/writer-thread.js';
import { Errors, PlaceOrderError, fail } from '../../src/errors.js';
import { commitOrderUnit } from '../../src/place-order/order-unit.js';

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

describe('a writer thread that dies', () => {
  it("fails only the batch it held (nothing of it committed), and the next batch starts a new thread", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'placeorder-writer-'));
    // A stand-in for the worker: ready at once; the first thread dies on its first batch, the
    // next one answers every unit with the number of jobs it was sent.
    const program = join(dir, 'stand-in.mjs');
    writeFileSync(
      program,
      `import { parentPort, workerData } from 'node:worker_threads';
import { existsSync, writeFileSync } from 'node:fs';
parentPort.postMessage('ready');
parentPort.on('message', (m) => {
  if (m === 'stop') return parentPort.close();
  if (!existsSync(workerData.path)) { writeFileSync(workerData.path, 'died once'); process.exit(3); }
  parentPort.postMessage({ id: m.id, outcomes: m.jobs.map(() => ({ ok: true, value: m.jobs.length })) });
});
`,
    );
    const unit = { name: 'test.unit', module: 'test:unit', run: async () => 0 };
    const thread = new WriterThread(join(dir, 'marker'), new Mutex(), 8, undefined, pathToFileURL(program));
    try {
      await thread.start();
      const lost = await Promise.allSettled([thread.run(unit, 1), thread.run(unit, 2)]);
      expect(lost.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      expect(String((lost[0] as PromiseRejectedResult).reason)).toMatch(/the writer thread exited \(code 3\)/);
      const next = await Promise.all([thread.run(unit, 3), thread.run(unit, 4), thread.run(unit, 5)]);
      expect(next).toEqual([3, 3, 3]);
    } finally {
      await thread.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
