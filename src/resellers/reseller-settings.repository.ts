// The reseller as its console sees it, and the redirect origins the console manages. (The
// per-request reseller context of the API and the ordering page is ./resellers.repository.ts.)
import type { Db } from '../db/store.js';
import { permittedPppOf } from './reseller.js';

/** The signed-in console's reseller. */
export interface ConsoleReseller {
  readonly id: number;
  readonly ap: string;
  readonly suspended: boolean;
  /** PPP codes this reseller may sell; `null` means every product of the catalog. */
  readonly permittedPpp: ReadonlySet<number> | null;
}

export async function resellerById(db: Db, resellerId: number): Promise<ConsoleReseller | undefined> {
  const r = await db.selectFrom('resellers').select(['id', 'ap', 'suspended', 'permitted_ppp']).where('id', '=', resellerId).executeTakeFirst();
  return r && { id: r.id, ap: r.ap, suspended: r.suspended === 1, permittedPpp: permittedPppOf(r.permitted_ppp) };
}

export async function redirectOriginsOf(db: Db, resellerId: number): Promise<string[]> {
  const rows = await db.selectFrom('reseller_redirect_origins').select('origin').where('reseller_id', '=', resellerId).orderBy('origin').execute();
  return rows.map((r) => r.origin);
}

export async function removeRedirectOrigin(tx: Db, resellerId: number, origin: string): Promise<void> {
  await tx.deleteFrom('reseller_redirect_origins').where('reseller_id', '=', resellerId).where('origin', '=', origin).execute();
}
