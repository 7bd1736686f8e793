import type { Generated } from 'kysely';

export type MessageKind =
  | 'order_received'
  | 'licence_issued'
  | 'reminder_30'
  | 'reminder_7'
  | 'reminder_1'
  | 'reminder_0'
  | 'refund_done'
  | 'funds_low'
  | 'digest'
  | 'webhook_failing';

export type MessageState = 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled';

/** The message outbox (migration 010_notifications). */
export interface NotificationMessagesTable {
  id: Generated<number>;
  reseller_id: number;
  kind: MessageKind;
  subject_key: string;
  recipient: string;
  facts_json: string;
  state: MessageState;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface NotificationUnsubscribesTable {
  reseller_id: number;
  email_key: string;
  at: string;
}

export interface NotificationKeysTable {
  id: number;
  secret: string;
}
