// Moves SQLite's WAL checkpoints off the request thread.
//
// In WAL mode the committing connection copies the log back into the database file once the
// log passes `wal_autocheckpoint` pages, and waits for that copy's fsync. better-sqlite3 is
// synchronous, so that wait stopped every request: commits that checkpointed took ten times
// as long as the others (docs/benchmarks.md). A worker thread with its own connection now runs
// PASSIVE checkpoints every CHECKPOINT_INTERVAL_MS; they never block the writer or readers, and
// the writer's own automatic checkpoint stays on at a higher threshold as a backstop, for when
// the worker falls behind. Durability does not depend on checkpoints: a commit is durable once
// its log frames are synced (synchronous=FULL), checkpointed or not.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const CHECKPOINT_INTERVAL_MS = 50;
/** The writer checkpoints by itself past this many log pages (4 KiB each): 32 MiB. */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 8192;

// The worker's whole program; CommonJS, because an `eval` worker is a script.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 0');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closing: the next tick retries */ }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(path: string): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path, intervalMs: CHECKPOINT_INTERVAL_MS } });
  worker.unref();
  // A failing checkpointer (the file gone, say) must not end the server; the writer's own
  // backstop checkpoints still keep the log bounded.
  worker.on('error', () => {});
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      // Unreferenced, the worker would not keep the process alive until it has closed its
      // connection: a caller awaiting stop() at the end of a script would then never resume.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
