// Which messages a fact causes: pure functions from plain facts to outbox rows. The facts go
// into the row as they are; templates.ts renders them when the message is sent.
import type { NewMessage } from './notifications.repository.js';
import type { MessageKind } from './notifications.table.js';

/** The customer's name as an order gives it: `name`, or fore- and surname. */
export function contactName(contactJson: string): string {
  try {
    const c = JSON.parse(contactJson) as Record<string, unknown>;
    const text = (k: string) => (typeof c[k] === 'string' ? (c[k] as string) : '');
    return text('name') || [text('foreName'), text('surName')].filter((s) => s).join(' ');
  } catch {
    return '';
  }
}

/** What a placed order tells its customer (order_received). */
export interface PlacedOrderFacts {
  readonly resellerId: number;
  readonly orderNumber: number;
  readonly emailAddress: string;
  readonly contactJson: string;
  /** reseller=Y: the reseller authorizes and charges; reseller=N: the customer pays. */
  readonly resellerPays: boolean;
  readonly status: string;
  readonly totalCents: number;
  readonly currency: string;
  readonly items: ReadonlyArray<{ readonly ppp: number; readonly priceCents: number }>;
  readonly at: string;
}

export interface OrderReceivedView {
  orderNumber: number;
  name: string;
  resellerPays: boolean;
  status: string;
  totalCents: number;
  currency: string;
  items: Array<{ ppp: number; priceCents: number }>;
}

/** The order_received message of a placed order. */
export function orderReceivedMessages(f: PlacedOrderFacts): NewMessage[] {
  const facts: OrderReceivedView = {
    orderNumber: f.orderNumber,
    name: contactName(f.contactJson),
    resellerPays: f.resellerPays,
    status: f.status,
    totalCents: f.totalCents,
    currency: f.currency,
    items: f.items.map((i) => ({ ppp: i.ppp, priceCents: i.priceCents })),
  };
  return [{ resellerId: f.resellerId, kind: 'order_received', subjectKey: `order:${f.orderNumber}`, recipient: f.emailAddress, facts, at: f.at }];
}

export interface LicenceView {
  code: string;
  ppp: number;
  expiresAt: string;
}

export interface LicenceIssuedView {
  orderNumber: number;
  name: string;
  licences: LicenceView[];
}

export interface RefundDoneView {
  orderNumber: number;
  name: string;
  totalCents: number;
  currency: string;
}

/** The expiry reminder (0 days) is still sent this long after a licence expired (a server that was down). */
export const EXPIRED_REMINDER_LOOKBACK_DAYS = 7;

/** Days before expiry of each reminder, and its kind. */
export const REMINDERS: ReadonlyArray<{ readonly kind: MessageKind; readonly days: number }> = [
  { kind: 'reminder_30', days: 30 },
  { kind: 'reminder_7', days: 7 },
  { kind: 'reminder_1', days: 1 },
  { kind: 'reminder_0', days: 0 },
];

export interface ReminderView extends LicenceView {
  orderNumber: number;
  name: string;
  days: number;
  ap: string;
}

export interface FundsLowView {
  balanceCents: number;
  thresholdCents: number;
  currency: string;
  orderNumber: number;
}

export interface DigestView {
  day: string;
  count: number;
  orders: Array<{ orderNumber: number; createdAt: string; totalCents: number; currency: string }>;
}

export interface WebhookFailingView {
  endpointId: number;
  url: string;
  since: string;
  pending: number;
}

/** Kinds a customer may unsubscribe from; every other message is transactional and always goes. */
export const REMINDER_KINDS: ReadonlySet<MessageKind> = new Set(REMINDERS.map((r) => r.kind));

/** Kinds sent to the reseller (mail_notices_to), not to a customer. */
export const RESELLER_KINDS: ReadonlySet<MessageKind> = new Set(['funds_low', 'digest', 'webhook_failing']);
