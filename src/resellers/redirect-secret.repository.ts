// The reseller's redirect secret (resellers.redirect_secret, created by the foundation migration).
import type { Db } from '../db/store.js';

export async function redirectSecretOf(db: Db, ap: string): Promise<string | null | undefined> {
  const row = await db.selectFrom('resellers').select('redirect_secret').where('ap', '=', ap).executeTakeFirst();
  return row?.redirect_secret;
}

/** Sets (or, with null, clears) the secret; false when no reseller has this brand. */
export async function setRedirectSecret(tx: Db, ap: string, secret: string | null): Promise<boolean> {
  const r = await tx.updateTable('resellers').set({ redirect_secret: secret }).where('ap', '=', ap).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
