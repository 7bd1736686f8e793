// The one schedule of the server's housekeeping: the retention purge of the side tables
// (purge.ts, on the periods of src/retention/) runs a minute after the server starts listening and every ten
// minutes after, in small batches with pauses, so orders never wait for it. Every process of a
// fleet runs it; they delete the same rows at worst, which is harmless (a row deleted by one is
// simply not found by the other).
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Store } from '../db/store.js';
import { purge, type PurgeReport } from './purge.js';

export const PURGE_EVERY_MS = 10 * 60_000;
const FIRST_RUN_MS = 60_000;
/** Rows per batch and the pause after each: a batch holds SQLite's write lock for a few ms. */
const BATCH_ROWS = 500;
const PAUSE_MS = 20;

export interface MaintenanceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly config: Pick<Config, 'orderingSessionTtlSeconds'>;
  readonly log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

export class Maintenance {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;
  /** Set by stop(): a purge in flight ends after its batch. */
  private closing = false;

  constructor(private readonly deps: MaintenanceDeps) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.closing = false;
    this.next(FIRST_RUN_MS);
  }

  /** Stops the schedule; a purge in flight ends after its current batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One purge of every side table; what went is logged. */
  async runOnce(): Promise<PurgeReport> {
    const started = Date.now();
    const report = await purge(this.deps.store, this.deps.clock.now(), this.deps.config, {
      batch: BATCH_ROWS,
      pauseMs: PAUSE_MS,
      stopped: () => this.closing,
    });
    if (Object.values(report).some((n) => n > 0)) this.deps.log?.info({ purged: report, ms: Date.now() - started }, 'retention purge');
    return report;
  }

  private next(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.runOnce()
        .catch((error: unknown) => this.deps.log?.warn({ err: error }, 'retention purge failed; the next run tries again'))
        .finally(() => {
          this.running = undefined;
          this.next(PURGE_EVERY_MS);
        });
    }, ms);
    this.timer.unref();
  }
}
