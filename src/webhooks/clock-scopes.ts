// The clocks a time-driven scan runs on: the server's for every reseller but the sandbox
// resellers whose test clock was moved, and each of those on its own clock (docs/integrators.md).
// The webhook expiry scan and the notification scheduler (src/mail/scheduler.ts) both walk these;
// they live here, below mail/, beside the query of the moved clocks.
import type { Clock } from '../clock.js';
import type { Db } from '../db/store.js';
import { movedSandboxClocks } from './expiry.repository.js';

export interface ClockScope {
  /** Stable per scope, for a scan's progress marks. */
  readonly key: string;
  /** The scope's now, in milliseconds. */
  readonly now: number;
  readonly scope: { readonly onlyReseller?: number; readonly exceptResellers?: readonly number[] };
}

export async function clockScopes(db: Db, clock: Clock): Promise<ClockScope[]> {
  const moved = await movedSandboxClocks(db);
  const base = clock.now().getTime();
  return [
    { key: 'all', now: base, scope: { exceptResellers: moved.map((m) => m.reseller_id) } },
    ...moved.map((m) => ({ key: `sandbox:${m.reseller_id}`, now: base + m.offset_seconds * 1000, scope: { onlyReseller: m.reseller_id } })),
  ];
}

/** A scope's now for one reseller: its own clock if it is a sandbox reseller with a moved clock. */
export function nowOf(scopes: readonly ClockScope[], resellerId: number): number {
  return (scopes.find((s) => s.scope.onlyReseller === resellerId) ?? scopes[0]!).now;
}
