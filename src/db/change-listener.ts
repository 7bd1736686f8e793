// LISTEN placeorder_changes on a connection of its own (migration 009): each notice forgets the
// read cache; while the connection is down nothing is kept, and it is opened again after a
// pause. A notice is delivered at the commit of the transaction that changed a cached table.
import pg from 'pg';
import type { ReadCache } from './read-cache.js';

export const CHANGES_CHANNEL = 'placeorder_changes';
/** The listening connection's application_name (the pool's is `placeorder`). */
export const LISTENER_NAME = 'placeorder listen';
/** Pause before opening a lost listening connection again. */
const RECONNECT_MS = 1_000;

export class ChangeListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly cache: ReadCache,
  ) {}

  /** Listens; if that fails the store still works, keeping nothing, and tries again later. */
  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 10_000, application_name: LISTENER_NAME });
    const lost = () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.cache.setListening(false);
      void client.end().catch(() => {});
      this.later();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', this.cache.invalidate);
    try {
      await client.connect();
      await client.query(`listen ${CHANGES_CHANNEL}`);
    } catch {
      client.removeAllListeners();
      client.on('error', () => {});
      await client.end().catch(() => {});
      this.later();
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.cache.setListening(true);
  }

  private later(): void {
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.start();
    }, RECONNECT_MS);
    this.retry.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    this.cache.setListening(false);
    await client?.end().catch(() => {});
  }
}
