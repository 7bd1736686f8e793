// The reseller's mail settings (columns of `resellers`, migration 010): the brand its
// customers' messages carry and where its own notices go.
import type { Db } from '../db/store.js';

export interface BrandRow {
  id: number;
  ap: string;
  mail_sender_name: string | null;
  mail_reply_to: string | null;
  mail_footer: string | null;
  mail_notices_to: string | null;
  funds_threshold_cents: number | null;
  currency: string;
  /** A sandbox reseller, whose orders move no money. */
  sandbox: boolean;
}

export async function brandOf(db: Db, resellerId: number): Promise<BrandRow | undefined> {
  const row = await db
    .selectFrom('resellers')
    .select(['id', 'ap', 'mail_sender_name', 'mail_reply_to', 'mail_footer', 'mail_notices_to', 'funds_threshold_cents', 'currency', 'sandbox'])
    .where('id', '=', resellerId)
    .executeTakeFirst();
  return row && { ...row, sandbox: row.sandbox === 1 };
}

export interface BrandSettings {
  readonly senderName: string | null;
  readonly replyTo: string | null;
  readonly footer: string | null;
  readonly noticesTo: string | null;
  readonly fundsThresholdCents: number | null;
}

export async function setBrand(tx: Db, resellerId: number, b: BrandSettings): Promise<void> {
  await tx
    .updateTable('resellers')
    .set({
      mail_sender_name: b.senderName,
      mail_reply_to: b.replyTo,
      mail_footer: b.footer,
      mail_notices_to: b.noticesTo,
      funds_threshold_cents: b.fundsThresholdCents,
    })
    .where('id', '=', resellerId)
    .execute();
}
