// The polling loop of the outboxes (webhook deliveries, email messages): a round every `pollMs`,
// and before a round, at most once every `scanEveryMs`, the scan that adds what time has made
// due (expiry events, reminders). A failed round is logged and the loop goes on; `stop` waits
// for the round in flight, and `abandon` (tests) drops its outcomes as a killed process would.
// It lives beside the outboxes' retry schedule, below both of them.

export interface DispatcherLog {
  warn(obj: object, msg: string): void;
}

export interface LoopOptions {
  readonly pollMs: number;
  readonly scanEveryMs: number;
  readonly log?: DispatcherLog | undefined;
  /** What the log says of a failed round. */
  readonly failure: string;
}

export abstract class OutboxLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;
  private lastScan = 0;
  /** Bumped by `abandon`: outcomes of older rounds are dropped, as if the process had died. */
  protected generation = 0;

  constructor(private readonly loop: LoopOptions) {}

  /** One round of the outbox; returns how many items it took on. */
  abstract runOnce(): Promise<number>;

  /** Adds to the outbox what time has made due. */
  protected abstract scan(): Promise<unknown>;

  /** Called by `abandon` after the loop stopped: ends the work in flight, if it can be ended. */
  protected dropInFlight(): void {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.next(0);
  }

  /** Stops polling and waits for the round in flight to finish and record its outcomes. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Tests: drop everything in flight without recording it, as a killed process would. */
  abandon(): void {
    this.stopped = true;
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.dropInFlight();
  }

  private next(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => this.next(this.loop.pollMs));
    }, ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      if (Date.now() - this.lastScan >= this.loop.scanEveryMs) {
        this.lastScan = Date.now();
        await this.scan();
      }
      await this.runOnce();
    } catch (error) {
      // A database hiccup must not end the loop; the next round tries again.
      this.loop.log?.warn({ err: error }, this.loop.failure);
    }
  }
}
