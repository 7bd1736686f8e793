import type { ColumnType, Generated } from 'kysely';

export type OrderStatus =
  | 'pending_authorization'
  | 'awaiting_payment'
  | 'active'
  | 'rejected'
  | 'refunded'
  | 'cancelled'
  | 'expired';

export interface OrdersTable {
  /** The order number. */
  id: Generated<number>;
  reseller_id: number;
  /** Null for a guest order (no credentials given). */
  customer_id: number | null;
  /** Lower-cased; the per-account rules of guest orders apply per email address. */
  email_key: string;
  email_address: string;
  contact_json: string;
  /** 1 when reseller=Y: the reseller authorizes and is debited. */
  reseller_pays: number;
  status: OrderStatus;
  total_cents: number;
  currency: string;
  region: string;
  offer_code: string | null;
  /** The licence code this order renews, if it is a renewal. */
  renews_licence: string | null;
  request_id: string;
  created_at: string;
  updated_at: string;
  // Lifecycle (migration 002): when each step happened, null until it has.
  /** The reseller authorized it (reseller=Y); the refund period runs from here. */
  authorized_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** The operator recorded the customer's payment (reseller=N). */
  paid_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** Licences were issued. */
  activated_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** Rejected, refunded or cancelled. */
  closed_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** 1–11, given with !AutoRefund. */
  refund_reason_code: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface OrderItemsTable {
  order_id: number;
  item_no: number;
  ppp: number;
  product_code: string;
  term: string;
  list_price_cents: number;
  price_cents: number;
  visibility: number;
  mac_address: string | null;
}

export interface AuditTable {
  id: Generated<number>;
  at: string;
  kind: string;
  request_id: string;
  reseller_id: number | null;
  order_id: number | null;
  /** The request's parameters as JSON, every credential removed. */
  params_json: string;
}

export interface PriceOverridesTable {
  ppp: number;
  price_cents: number;
  updated_at: string;
}
