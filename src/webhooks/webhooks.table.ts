import type { Generated } from 'kysely';

export interface WebhookEndpointsTable {
  id: Generated<number>;
  reseller_id: number;
  url: string;
  secret: string;
  /** 1 active, 0 disabled (kept for the delivery history). */
  active: number;
  created_at: string;
}

export type OrderEventType = 'order.placed' | 'order.authorized' | 'order.activated' | 'order.rejected' | 'order.refunded' | 'order.expiring' | 'order.expired';

export interface OrderEventsTable {
  id: Generated<number>;
  event_id: string;
  reseller_id: number;
  order_id: number;
  type: OrderEventType;
  dedup_key: string | null;
  payload_json: string;
  created_at: string;
}

export type DeliveryState = 'pending' | 'delivered' | 'failed';

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  event_row_id: number;
  endpoint_id: number;
  state: DeliveryState;
  attempts: number;
  next_attempt_at: string;
  lease_until: string | null;
  delivered_at: string | null;
  created_at: string;
}

export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: number;
  at: string;
  http_status: number | null;
  error: string | null;
  duration_ms: number;
}
