// Reads kept between requests on PostgreSQL: the reseller a request names and the operator's
// prices, which every order reads and which change a few times a day (decision 13).
//
// An entry is kept only while this process listens to the database's change notifications
// (LISTEN placeorder_changes; a trigger on each cached table notifies, in the writing
// transaction, whoever changed it: another process, the CLI, plain SQL). Any notification, any
// write of this process through the store, and the listening connection's loss or return forget
// every entry; a load that began before such an event is used once but not kept. An entry also
// expires after MAX_AGE_MS whatever happens, which bounds how long a notification delayed in
// transit (never lost: the connection would be) can leave a change unseen. On SQLite nothing is
// kept: its reads cost microseconds and share a snapshot per event-loop turn instead.

/** Longest an entry serves, notifications or not. */
export const MAX_AGE_MS = 5_000;
/** Most entries kept (one per reseller that ordered lately, and the prices). */
const MAX_ENTRIES = 10_000;

interface Entry {
  readonly value: Promise<unknown>;
  readonly at: number;
}

export class ReadCache {
  private entries = new Map<string, Entry>();
  private generation = 0;
  private listening = false;

  constructor(private readonly now: () => number = Date.now) {}

  /** Forgets every entry, and every load in flight is no longer kept. */
  readonly invalidate = (): void => {
    this.generation++;
    if (this.entries.size > 0) this.entries = new Map();
  };

  /** Entries are kept only while notifications arrive; a change of state forgets them all. */
  setListening(listening: boolean): void {
    this.listening = listening;
    this.invalidate();
  }

  /**
   * The value under `key`: kept, or loaded (once for every request that asks while it loads).
   * `keep` says whether a loaded value may be kept (an unknown brand is not: the names asked
   * for are the caller's choice, the resellers that exist are not).
   */
  get<T>(key: string, load: () => Promise<T>, keep: (value: T) => boolean = () => true): Promise<T> {
    if (!this.listening) return load();
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.at < MAX_AGE_MS) return hit.value as Promise<T>;
    const generation = this.generation;
    const value = load();
    const entry: Entry = { value, at: this.now() };
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, entry);
    const forget = () => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    };
    value.then((v) => {
      // Changed while it loaded: this request uses it, nobody keeps it.
      if (generation !== this.generation || !keep(v)) forget();
    }, forget);
    return value;
  }
}

/** The caches of the store's read handles (PostgreSQL). */
const caches = new WeakMap<object, ReadCache>();

export function registerReadCache(db: object, cache: ReadCache): void {
  caches.set(db, cache);
}

/** A read through the cache of `db`, when it has one; otherwise simply the read. */
export function cachedRead<T>(db: object, key: string, load: () => Promise<T>, keep?: (value: T) => boolean): Promise<T> {
  const cache = caches.get(db);
  return cache ? cache.get(key, load, keep) : load();
}
