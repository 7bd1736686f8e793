// Portable units on a writer thread (SQLite, `placeorder serve`).
//
// better-sqlite3 is synchronous: on the main thread, every statement of an order and every
// commit's fsync stopped all request handling while it ran, about half of the main thread's
// busy time (docs/benchmarks.md; decision 8 in docs/decisions.md). A portable unit is a write unit that takes plain data and returns plain
// data, registered by name (writer-thread.worker.ts), so it can run on a thread of its own with
// its own connection: the main thread queues it, sends a batch of them in one message, and
// parses the next requests while the batch commits.
//
// The main thread's own write units (everything else: the lifecycle, funds, webhooks) still run
// on the main connection. Both writers take one lock (a Mutex on the main thread) around each
// batch, so at most one of them is in a transaction at a time and neither ever waits on
// SQLite's busy handler, which sleeps. A unit is acknowledged only after its batch committed.
import { Worker } from 'node:worker_threads';
import { reviveError, serializeError, type PortableUnit, type SerializedError } from './portable-unit.js';
import { Batcher, type BatchJob, type Mutex, type Outcome } from './sqlite-writer.js';

export type WorkerOutcome = { ok: true; value: unknown } | { ok: false; error: SerializedError };
export interface BatchMessage {
  readonly id: number;
  /** Each job's unit by its module and name (portable-unit.ts), and its arguments. */
  readonly jobs: ReadonlyArray<{ readonly module: string; readonly name: string; readonly args: unknown }>;
}
export interface DoneMessage {
  readonly id: number;
  readonly outcomes: readonly WorkerOutcome[];
}

interface Job extends BatchJob {
  unit: PortableUnit<unknown, unknown>;
  args: unknown;
}

/** True when the compiled worker file exists beside this module (not when tests run src/). */
export const WRITER_THREAD_AVAILABLE = import.meta.url.endsWith('.js');

export class WriterThread {
  private readonly batcher: Batcher<Job>;
  private worker: Worker | undefined;
  private exited: Promise<void> = Promise.resolve();
  private nextId = 1;
  private inFlight: { id: number; size: number; settle(outcomes: readonly WorkerOutcome[]): void } | undefined;

  constructor(
    private readonly path: string,
    lock: Mutex,
    maxBatch: number,
    afterCommit?: () => void,
    /** The thread's program; tests give a stand-in that dies on purpose. */
    private readonly workerUrl: URL = new URL('./writer-thread.worker.js', import.meta.url),
  ) {
    // The next batch goes to the writer thread first; this batch's answers are written while
    // it commits.
    this.batcher = new Batcher<Job>({ lock, maxBatch, commit: (batch) => this.commit(batch), afterCommit, settleAfterNextDispatch: true });
  }

  /**
   * Starts the thread and waits until its connection is open, so that a thread that cannot
   * start (the compiled worker missing, the file refusing synchronous=FULL) stops the server at
   * start, with the reason, instead of failing every order later.
   */
  async start(): Promise<void> {
    const worker = this.ensureWorker();
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: unknown) => {
        if (m !== 'ready') return;
        cleanup();
        resolve();
      };
      const onError = (error: Error) => {
        cleanup();
        reject(new Error(`the SQLite writer thread did not start: ${error.message}`));
      };
      const onExit = (code: number) => onError(new Error(`it exited with code ${code}`));
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
  }

  run<A, R>(unit: PortableUnit<A, R>, args: A): Promise<R> {
    return new Promise<R>((resolve, reject) =>
      this.batcher.add({ unit: unit as PortableUnit<unknown, unknown>, args, resolve: resolve as (v: unknown) => void, reject }),
    );
  }

  idle(): Promise<void> {
    return this.batcher.idle();
  }

  async stop(): Promise<void> {
    await this.idle();
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    worker.postMessage('stop');
    await this.exited;
  }

  private commit(batch: readonly Job[]): Promise<readonly Outcome[]> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<readonly WorkerOutcome[]>((resolve) => {
      this.inFlight = { id, size: batch.length, settle: resolve };
      const message: BatchMessage = { id, jobs: batch.map((j) => ({ module: j.unit.module, name: j.unit.name, args: j.args })) };
      worker.postMessage(message);
    }).then((outcomes) =>
      outcomes.map((o, i): Outcome => (o.ok ? o : { ok: false, error: reviveError(batch[i]!.unit, o.error) })),
    );
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerUrl, { workerData: { path: this.path } });
    this.worker = worker;
    worker.on('message', (m: DoneMessage | 'ready') => {
      if (m === 'ready' || this.inFlight?.id !== m.id) return;
      const { settle } = this.inFlight;
      this.inFlight = undefined;
      settle(m.outcomes);
    });
    const lost = (error: Error) => {
      // The thread died (its connection is gone with it): nothing of its open batch committed,
      // so every unit of it fails; the next batch starts a new thread.
      if (this.worker === worker) this.worker = undefined;
      const pending = this.inFlight;
      this.inFlight = undefined;
      pending?.settle(Array.from({ length: pending.size }, () => ({ ok: false as const, error: serializeError(error) })));
    };
    worker.on('error', lost);
    this.exited = new Promise<void>((resolve) =>
      worker.once('exit', (code) => {
        lost(new Error(`the writer thread exited (code ${code})`));
        resolve();
      }),
    );
    return worker;
  }
}
