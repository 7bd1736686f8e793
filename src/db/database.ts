// The whole schema as one type, assembled from each domain's table file.
import type { CustomersTable } from '../customers/customers.table.js';
import type { IdempotencyKeysTable } from '../idempotency/idempotency.table.js';
import type { FundsAccountsTable, LedgerEntriesTable, LedgerTransactionsTable } from '../funds/funds.table.js';
import type { LicencesTable } from '../licences/licences.table.js';
import type { AuditTable, OrderItemsTable, OrdersTable, PriceOverridesTable } from '../orders/orders.table.js';
import type { ApiUsersTable, RedirectOriginSightingsTable, RedirectOriginsTable, ResellersTable } from '../resellers/resellers.table.js';
import type { NotificationKeysTable, NotificationMessagesTable, NotificationUnsubscribesTable } from '../notifications/notifications.table.js';
import type { LoginThrottleTable } from '../passwords/throttle.table.js';
import type { SandboxClocksTable } from '../sandbox/sandbox.table.js';
import type { OrderEventsTable, WebhookAttemptsTable, WebhookDeliveriesTable, WebhookEndpointsTable } from '../webhooks/webhooks.table.js';
import type { WebSessionsTable } from '../sessions/sessions.table.js';
import type { OrderingSubmissionsTable } from '../ordering-submissions/ordering-submissions.table.js';

export interface Database {
  resellers: ResellersTable;
  reseller_redirect_origins: RedirectOriginsTable;
  api_users: ApiUsersTable;
  customers: CustomersTable;
  orders: OrdersTable;
  order_items: OrderItemsTable;
  audit_log: AuditTable;
  price_overrides: PriceOverridesTable;
  funds_accounts: FundsAccountsTable;
  ledger_transactions: LedgerTransactionsTable;
  ledger_entries: LedgerEntriesTable;
  licences: LicencesTable;
  idempotency_keys: IdempotencyKeysTable;
  sandbox_clocks: SandboxClocksTable;
  webhook_endpoints: WebhookEndpointsTable;
  order_events: OrderEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  web_sessions: WebSessionsTable;
  ordering_submissions: OrderingSubmissionsTable;
  login_throttle: LoginThrottleTable;
  redirect_origin_sightings: RedirectOriginSightingsTable;
  notification_messages: NotificationMessagesTable;
  notification_unsubscribes: NotificationUnsubscribesTable;
  notification_keys: NotificationKeysTable;
}
