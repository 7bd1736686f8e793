// A portable unit: a write unit that takes plain data and returns plain data, so that it can run
// wherever its executor is — on the SQLite writer thread, on the main thread, or in a
// PostgreSQL batch transaction — with a batch form for the units that commit together.
import type { Executor } from './prepared.js';
import type { Db } from './types.js';

export type Outcome<R = unknown> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * A write unit that may run on the writer thread: plain data in and out, found by name in its
 * module. It may run twice (a batch in which one unit fails runs again, each unit in a
 * savepoint, or one by one), so it must have no effect outside the database.
 */
export interface PortableUnit<A, R> {
  readonly name: string;
  /**
   * The URL of the module that exports this unit (its `import.meta.url`): the writer thread
   * imports it to find the unit, so db/ never imports the layers above it.
   */
  readonly module: string;
  run(tx: Db, args: A): Promise<R>;
  /**
   * Several units of this kind at once, where that is cheaper than one after the other: the
   * same effects and outcomes as running each in turn in one transaction, a failed one changing
   * nothing. `accepts` says whether it can for these arguments; when it cannot, or when `run`
   * throws (the transaction is then rolled back), the units run one by one instead. It runs on
   * an executor of prepared statements inside the transaction the store began, on either
   * dialect (SQLite's writer, a PostgreSQL connection of the pool).
   */
  readonly many?: {
    accepts(args: readonly A[]): boolean;
    run(executor: Executor, args: readonly A[]): Promise<ReadonlyArray<Outcome<R>>>;
  };
  /** Rebuilds an error this unit threw on the writer thread; undefined for a generic Error. */
  revive?(error: SerializedError): Error | undefined;
}

/** An error as it crosses threads (structured clone keeps neither classes nor extra fields). */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly code?: string | number | undefined;
  readonly item?: string | undefined;
}

export function serializeError(error: unknown): SerializedError {
  const e = error as { name?: unknown; message?: unknown; code?: unknown; item?: unknown };
  return {
    name: typeof e.name === 'string' ? e.name : 'Error',
    message: typeof e.message === 'string' ? e.message : String(error),
    code: typeof e.code === 'string' || typeof e.code === 'number' ? e.code : undefined,
    item: typeof e.item === 'string' ? e.item : undefined,
  };
}

export function reviveError(unit: PortableUnit<unknown, unknown>, s: SerializedError): Error {
  const revived = unit.revive?.(s);
  if (revived) return revived;
  return Object.assign(new Error(s.message), { name: s.name, code: s.code });
}

/** The units a module exports, by name (the writer thread's registry). */
export async function unitsOf(moduleUrl: string): Promise<Map<string, PortableUnit<unknown, unknown>>> {
  const exports = (await import(moduleUrl)) as Record<string, unknown>;
  const units = new Map<string, PortableUnit<unknown, unknown>>();
  for (const value of Object.values(exports)) {
    const unit = value as Partial<PortableUnit<unknown, unknown>> | null;
    if (unit && typeof unit === 'object' && typeof unit.name === 'string' && typeof unit.run === 'function' && unit.module === moduleUrl) {
      units.set(unit.name, unit as PortableUnit<unknown, unknown>);
    }
  }
  return units;
}
