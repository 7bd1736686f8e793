import type { Generated } from 'kysely';

/** One licence per item of an activated order. */
export interface LicencesTable {
  id: Generated<number>;
  /** Unguessable (120 random bits); customers quote it to renew. */
  code: string;
  order_id: number;
  item_no: number;
  reseller_id: number;
  /** Null for a guest order; guests' licences belong to their email address. */
  customer_id: number | null;
  email_key: string;
  product_code: string;
  ppp: number;
  starts_at: string;
  expires_at: string;
  /** The licence this one continues, for a renewal. */
  renews_licence_id: number | null;
  /** Set when the order is refunded. */
  revoked_at: string | null;
  created_at: string;
}
