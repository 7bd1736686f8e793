// Group commit on PostgreSQL (decision 13): the portable units that arrive within one turn of
// the event loop (at most maxBatch; more wait for the next batch) commit in ONE transaction
// through their batch form, a handful of multi-row statements for the whole batch, on a
// connection of the pool. At most MAX_IN_FLIGHT batches commit at once: while one waits for its
// commit to reach the disk, the next gathers and starts.
//
// Outcomes are those of committing each unit on its own: the batch form fails an order alone
// (a wrong password, a name taken) without failing the batch. If the batch form itself throws
// before COMMIT (a constraint, a deadlock, a lost connection), the transaction is rolled back
// and every unit of it commits on its own instead, with the usual bounded retries. A connection
// lost before COMMIT (nothing of the batch can be durable) runs the batch once more on another
// connection; lost again, every unit commits on its own, once (shorter transactions get through
// between cuts; a unit whose connection is lost answers -14 alone). A statement cancelled (a
// timeout) fails every unit at once (-14) rather than piling work onto a database in trouble.
// If COMMIT itself fails, whether the batch is durable is unknown: nothing is retried (that
// could place an order twice) and every unit fails.
import type pg from 'pg';
import type { Outcome, PortableUnit } from './portable-unit.js';
import { PostgresExecutor } from './prepared.js';
import type { Unit } from './types.js';

/** Batches committing at once, per process. */
const MAX_IN_FLIGHT = 2;

interface Job {
  readonly unit: PortableUnit<unknown, unknown>;
  readonly args: unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** The batch failed in a way that running its units again would not mend, or could double. */
class BatchLost extends Error {
  override name = 'BatchLost';
  constructor(
    override readonly cause: unknown,
    /** The connection died before COMMIT was sent: nothing of the batch can be durable. */
    readonly beforeCommit: boolean,
  ) {
    super('batch lost');
  }

  /**
   * Whether running the batch's units again is safe and worth it: nothing of it is durable, and
   * no statement was cancelled on purpose (a timeout says the database is in trouble).
   */
  get rerunnable(): boolean {
    return this.beforeCommit && !cancelled(this.cause);
  }
}

/** A statement cancelled on purpose (statement_timeout, pg_cancel_backend): not worth a retry. */
function cancelled(error: unknown): boolean {
  return (error as { code?: unknown }).code === '57014';
}

/**
 * A socket error (ECONNRESET…), or SQLSTATE class 08 (connection exception) or 57 (operator
 * intervention: statement timeout, termination, shutdown). A connection that died otherwise is
 * found by its ROLLBACK failing.
 */
function connectionTrouble(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (!/^[0-9A-Z]{5}$/.test(code) || code.startsWith('08') || code.startsWith('57'));
}

export class PostgresBatches {
  private queue: Job[] = [];
  private inFlight = 0;
  private scheduled = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly pool: pg.Pool,
    private readonly write: <T>(unit: Unit<T>) => Promise<T>,
    private readonly maxBatch: number,
  ) {}

  run<A, R>(unit: PortableUnit<A, R>, args: A): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ unit: unit as PortableUnit<unknown, unknown>, args, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // The units of this turn go together.
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  /** Resolves once nothing is queued or committing. */
  idle(): Promise<void> {
    if (this.inFlight === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.commit(batch).finally(() => {
        this.inFlight--;
        this.pump();
        if (this.inFlight === 0 && this.queue.length === 0) this.idleWaiters.splice(0).forEach((w) => w());
      });
    }
  }

  /** Commits a batch: each kind of unit through its batch form, or unit by unit. */
  private async commit(batch: readonly Job[]): Promise<void> {
    const kinds = new Map<PortableUnit<unknown, unknown>, Job[]>();
    for (const job of batch) kinds.set(job.unit, [...(kinds.get(job.unit) ?? []), job]);
    await Promise.all([...kinds].map(([unit, jobs]) => this.commitKind(unit, jobs)));
  }

  private async commitKind(unit: PortableUnit<unknown, unknown>, jobs: readonly Job[]): Promise<void> {
    const together = unit.many ? jobs.filter((j) => unit.many!.accepts(j.args)) : [];
    const alone = jobs.filter((j) => !together.includes(j));
    await Promise.all([this.commitTogether(unit, together), ...alone.map((j) => this.commitAlone(unit, j))]);
  }

  private async commitTogether(unit: PortableUnit<unknown, unknown>, jobs: readonly Job[], attempt = 1): Promise<void> {
    if (jobs.length === 0) return;
    try {
      settle(jobs, await this.together(unit, jobs.map((j) => j.args)));
    } catch (error) {
      // A connection lost before COMMIT (a restart, a failover, pg_terminate_backend) took
      // nothing with it: the batch runs once more on another connection rather than answering
      // -14 for every order of it. A cancelled statement or a failed COMMIT is not run again.
      // A failed COMMIT (durable or not, nobody knows) or a cancelled statement: no unit runs again.
      if (error instanceof BatchLost && !error.rerunnable) {
        jobs.forEach((j) => j.reject(error.cause));
        return;
      }
      if (error instanceof BatchLost && attempt === 1) {
        await this.commitTogether(unit, jobs, attempt + 1);
        return;
      }
      // Rolled back (or lost twice before COMMIT, so nothing of it is durable): each unit
      // commits on its own, once. Connections cut again and again (a failover, an operator's
      // pg_terminate_backend every few ms) still let the orders between two cuts through,
      // where the whole batch, longer, would keep losing; a unit that loses its connection
      // answers -14 by itself.
      await Promise.all(jobs.map((j) => this.commitAlone(unit, j)));
    }
  }

  private commitAlone(unit: PortableUnit<unknown, unknown>, job: Job): Promise<void> {
    return this.write((tx) => unit.run(tx, job.args)).then(
      (value) => job.resolve(value),
      (error: unknown) => job.reject(error),
    );
  }

  /** The batch form in one transaction; throws (rolled back) if anything before COMMIT fails. */
  private async together(unit: PortableUnit<unknown, unknown>, args: readonly unknown[]): Promise<ReadonlyArray<Outcome>> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('begin').catch((e: Error) => {
        broken = e;
        throw new BatchLost(e, true);
      });
      let outcomes: ReadonlyArray<Outcome>;
      try {
        outcomes = await unit.many!.run(new PostgresExecutor(client), args);
        if (outcomes.length !== args.length) throw new Error(`${unit.name}: ${outcomes.length} outcomes for ${args.length} units`);
      } catch (error) {
        await client.query('rollback').catch((e: Error) => (broken = e));
        throw broken || connectionTrouble(error) ? new BatchLost(error, true) : error;
      }
      try {
        await client.query('commit');
      } catch (error) {
        broken = error as Error;
        throw new BatchLost(error, false);
      }
      return outcomes;
    } finally {
      // A connection whose state is unknown is not given back for reuse.
      client.release(broken);
    }
  }
}

function settle(jobs: readonly Job[], outcomes: ReadonlyArray<Outcome>): void {
  jobs.forEach((job, i) => {
    const o = outcomes[i]!;
    if (o.ok) job.resolve(o.value);
    else job.reject(o.error);
  });
}
