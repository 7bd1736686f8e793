// The SQLite writer thread (see writer-thread.ts): its own write connection, the portable units
// it may run, found by name, and one batch at a time, each committed with commitUnits exactly as
// the main thread commits its own. The main thread sends the next batch only after this one's
// answer, holding the process's write lock meanwhile.
import { parentPort, workerData } from 'node:worker_threads';
import { commitOrderUnit } from '../place-order/service.js';
import { commitTogether, commitUnits, openSqliteWriter } from './sqlite-writer.js';
import { serializeError, type BatchMessage, type DoneMessage, type PortableUnit } from './writer-thread.js';

/** Every portable unit, by name. A unit not listed here cannot run on this thread. */
const UNITS = new Map<string, PortableUnit<never, unknown>>([[commitOrderUnit.name, commitOrderUnit]]);

const port = parentPort!;
const writer = openSqliteWriter((workerData as { path: string }).path);
// The connection is open and took synchronous=FULL: the main thread may send batches.
port.postMessage('ready');

port.on('message', (message: BatchMessage | 'stop') => {
  if (message === 'stop') {
    void writer.db.destroy().finally(() => port.close());
    return;
  }
  const units = message.jobs.map((job) => {
    const unit = UNITS.get(job.name);
    return unit
      ? (tx: Parameters<typeof unit.run>[0]) => unit.run(tx, job.args as never)
      : () => Promise.reject(new Error(`no portable unit named ${job.name} on the writer thread`));
  });
  const answer = (outcomes: DoneMessage['outcomes']) => port.postMessage({ id: message.id, outcomes } satisfies DoneMessage);
  // A batch of one kind of unit first tries that unit's batch form, then one by one.
  const jobs = message.jobs.map((job) => ({ unit: UNITS.get(job.name) as PortableUnit<unknown, unknown> | undefined, args: job.args }));
  commitTogether(writer, jobs).then((outcomes) => outcomes ?? commitUnits(writer, units, { optimistic: true })).then(
    (outcomes) => answer(outcomes.map((o) => (o.ok ? o : { ok: false, error: serializeError(o.error) }))),
    // The batch could not even begin (the file locked by another process for longer than the
    // busy timeout, say): every unit of it fails, and the thread takes the next batch.
    (error: unknown) => answer(units.map(() => ({ ok: false, error: serializeError(error) }))),
  );
});
