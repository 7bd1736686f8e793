// Every query about `login_throttle` (src/passwords/throttle.table.ts): failed password proofs
// per login name, counted in the database so that every process of a fleet sees them.
import type { Db } from '../db/store.js';
import type { LoginRealm } from './throttle.table.js';

export interface ThrottleState {
  readonly failures: number;
  readonly lockedUntil: string | null;
}

export async function throttleOf(db: Db, realm: LoginRealm, loginName: string): Promise<ThrottleState | undefined> {
  const row = await db
    .selectFrom('login_throttle')
    .select(['failures', 'locked_until'])
    .where('realm', '=', realm)
    .where('login_name', '=', loginName)
    .executeTakeFirst();
  return row && { failures: row.failures, lockedUntil: row.locked_until };
}

/**
 * Reserves one password check for a login name, before the hash is computed: counted as a
 * failure unless the proof then succeeds and clears the count. Concurrent guesses are counted
 * as they arrive, so a burst of them gets no more checks than a sequence would (issue 13,
 * outside attack, finding 4). The check that reaches `threshold` locks the name (it is still
 * made); any later one while the lock lasts is refused, uncounted. A lock that has ended starts
 * the count again. `lockRow` (PostgreSQL) locks the row for the transaction so that concurrent
 * reservations count one after the other; SQLite's writes already run one at a time.
 */
export async function reserveCheck(
  tx: Db,
  realm: LoginRealm,
  loginName: string,
  policy: { threshold: number; lockedUntil: string; at: string; lockRow: boolean },
): Promise<'check' | 'locked'> {
  const { at } = policy;
  await tx
    .insertInto('login_throttle')
    .values({ realm, login_name: loginName, failures: 0, locked_until: null, updated_at: at })
    .onConflict((oc) => oc.columns(['realm', 'login_name']).doNothing())
    .execute();
  const query = tx.selectFrom('login_throttle').select(['failures', 'locked_until']).where('realm', '=', realm).where('login_name', '=', loginName);
  const row = await (policy.lockRow ? query.forUpdate() : query).executeTakeFirstOrThrow();
  if (row.locked_until !== null && row.locked_until > at) return 'locked';
  const failures = (row.locked_until === null ? row.failures : 0) + 1;
  await tx
    .updateTable('login_throttle')
    .set({ failures, locked_until: failures >= policy.threshold ? policy.lockedUntil : null, updated_at: at })
    .where('realm', '=', realm)
    .where('login_name', '=', loginName)
    .execute();
  return 'check';
}

/** A proven password ends the count (and any lock the operator lifts: `api-user unlock`). */
export async function clearThrottle(tx: Db, realm: LoginRealm, loginName: string): Promise<boolean> {
  const r = await tx.deleteFrom('login_throttle').where('realm', '=', realm).where('login_name', '=', loginName).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Rows untouched since `before` whose lock (if any) has ended: they hold nothing any more. */
export async function purgeThrottle(tx: Db, before: string): Promise<number> {
  const r = await tx
    .deleteFrom('login_throttle')
    .where('updated_at', '<', before)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', before)]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
