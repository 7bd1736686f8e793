// Every query about Idempotency-Key rows (table in ./idempotency.table.ts). Each write is its
// own small durable unit: the claim must be visible to every other process before the request
// it guards runs, and the stored answer durable before the client reads it.
import { sql } from 'kysely';
import type { Db } from '../db/store.js';
import type { Answer } from '../wire/answer.js';
import type { IdempotencyKeysTable } from './idempotency.table.js';

export type KeyRow = IdempotencyKeysTable;

export interface Claim {
  scope: string;
  key: string;
  endpoint: string;
  salt: string;
  fingerprint: string;
  owner: string;
  at: string;
  expiresAt: string;
}

/** Inserts the claim unless the key exists; true when this request now owns the key. */
export async function insertClaim(tx: Db, c: Claim): Promise<boolean> {
  const rows = await tx
    .insertInto('idempotency_keys')
    .values({
      scope: c.scope,
      idem_key: c.key,
      endpoint: c.endpoint,
      salt: c.salt,
      fingerprint: c.fingerprint,
      state: 'running',
      owner: c.owner,
      claimed_at: c.at,
      expires_at: c.expiresAt,
      status: null,
      content_type: null,
      location: null,
      body: null,
      error_code: null,
      headers: null,
    })
    .onConflict((oc) => oc.columns(['scope', 'idem_key']).doNothing())
    .returning('owner')
    .execute();
  return rows.length === 1;
}

export function findKeyQuery(db: Db, scope: string, key: string) {
  return db.selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).where('idem_key', '=', key);
}

export async function findKey(db: Db, scope: string, key: string): Promise<KeyRow | undefined> {
  return findKeyQuery(db, scope, key).executeTakeFirst();
}

/**
 * Takes over a claim whose holder died (its lease ran out); true when this request got it. The
 * owner stays the first request's id: the taking-over request continues that logical request
 * under its id, so whatever any attempt committed can be found by it. `claimed_at` makes the
 * takeover exclusive among retries that race for it.
 */
export async function takeOver(tx: Db, scope: string, key: string, owner: string, previousClaimedAt: string, at: string): Promise<boolean> {
  const r = await tx
    .updateTable('idempotency_keys')
    .set({ claimed_at: at })
    .where('scope', '=', scope)
    .where('idem_key', '=', key)
    .where('owner', '=', owner)
    .where('claimed_at', '=', previousClaimedAt)
    .where('state', '=', 'running')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function storeAnswer(tx: Db, scope: string, key: string, owner: string, a: Answer): Promise<void> {
  await tx
    .updateTable('idempotency_keys')
    .set({
      state: 'done',
      error_code: a.errorCode,
      status: a.status,
      content_type: a.contentType,
      location: a.location ?? null,
      body: a.body,
      headers: a.headers === undefined ? null : JSON.stringify(a.headers),
    })
    .where('scope', '=', scope)
    .where('idem_key', '=', key)
    .where('owner', '=', owner)
    .execute();
}

/** Gives a claim up (the answer was not one to keep, such as -14): a retry runs afresh. */
export async function releaseClaim(tx: Db, scope: string, key: string, owner: string): Promise<void> {
  await tx
    .deleteFrom('idempotency_keys')
    .where('scope', '=', scope)
    .where('idem_key', '=', key)
    .where('owner', '=', owner)
    .where('state', '=', 'running')
    .execute();
}

/** Removes one expired row (so the key can be claimed again); only if it is still that row. */
export async function deleteExpired(tx: Db, scope: string, key: string, owner: string, now: string): Promise<void> {
  await tx
    .deleteFrom('idempotency_keys')
    .where('scope', '=', scope)
    .where('idem_key', '=', key)
    .where('owner', '=', owner)
    .where('expires_at', '<=', now)
    .execute();
}

/** Expired keys, at most `limit` (oldest first, from `idempotency_keys_expires`): one batch of the retention purge. */
export function purgeExpiredQuery(tx: Db, now: string, limit: number) {
  const batch = tx.selectFrom('idempotency_keys').select(['scope', 'idem_key']).where('expires_at', '<=', now).orderBy('expires_at').limit(limit);
  // The time condition twice: the outer one lets PostgreSQL find the rows to delete in the index too.
  return tx.deleteFrom('idempotency_keys').where('expires_at', '<=', now).where(sql<boolean>`(scope, idem_key) in (${batch})`);
}

export async function purgeExpired(tx: Db, now: string, limit: number): Promise<number> {
  return Number((await purgeExpiredQuery(tx, now, limit).executeTakeFirst()).numDeletedRows);
}

export function countExpiredQuery(db: Db, now: string) {
  return db.selectFrom('idempotency_keys').select((eb) => eb.fn.countAll<number>().as('n')).where('expires_at', '<=', now);
}
