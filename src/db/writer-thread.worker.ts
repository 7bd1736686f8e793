// The SQLite writer thread (see writer-thread.ts): its own write connection, the portable units
// it is sent, found by module and name (imported on first use: db/ imports nothing above it),
// and one batch at a time, each committed with commitUnits exactly as the main thread commits
// its own. The main thread sends the next batch only after this one's answer, holding the
// process's write lock meanwhile.
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError, unitsOf, type PortableUnit } from './portable-unit.js';
import { commitTogether, commitUnits, openSqliteWriter } from './sqlite-writer.js';
import type { BatchMessage, DoneMessage } from './writer-thread.js';

/** The units of each module imported so far, by the module's URL, then by name. */
const modules = new Map<string, Promise<Map<string, PortableUnit<unknown, unknown>>>>();

async function unitOf(job: BatchMessage['jobs'][number]): Promise<PortableUnit<unknown, unknown> | undefined> {
  let units = modules.get(job.module);
  if (!units) modules.set(job.module, (units = unitsOf(job.module)));
  return (await units).get(job.name);
}

const port = parentPort!;
const writer = openSqliteWriter((workerData as { path: string }).path);
// The connection is open and took synchronous=FULL: the main thread may send batches.
port.postMessage('ready');

async function commitBatch(message: BatchMessage): Promise<DoneMessage['outcomes']> {
  const jobs = await Promise.all(message.jobs.map(async (job) => ({ unit: await unitOf(job), args: job.args, job })));
  const units = jobs.map(({ unit, args, job }) =>
    unit
      ? (tx: Parameters<typeof unit.run>[0]) => unit.run(tx, args)
      : () => Promise.reject(new Error(`no portable unit named ${job.name} in ${job.module}`)),
  );
  // A batch of one kind of unit first tries that unit's batch form, then one by one.
  const outcomes = (await commitTogether(writer, jobs)) ?? (await commitUnits(writer, units, { optimistic: true }));
  return outcomes.map((o) => (o.ok ? o : { ok: false, error: serializeError(o.error) }));
}

port.on('message', (message: BatchMessage | 'stop') => {
  if (message === 'stop') {
    void writer.db.destroy().finally(() => port.close());
    return;
  }
  const answer = (outcomes: DoneMessage['outcomes']) => port.postMessage({ id: message.id, outcomes } satisfies DoneMessage);
  commitBatch(message).then(answer, (error: unknown) =>
    // The batch could not even begin (the file locked by another process for longer than the
    // busy timeout, say): every unit of it fails, and the thread takes the next batch.
    answer(message.jobs.map(() => ({ ok: false, error: serializeError(error) }))),
  );
});
