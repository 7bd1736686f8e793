// An order's transaction: the customer confirmed (or created), the account rules, the order with
// its items, its audit record and its webhook events, durable together (decision 1). This file
// is the order by itself; order-batch.ts writes many at once with the same rules and queries,
// and order-unit.ts makes the two one portable unit.
import type { Catalog } from '../catalog/catalog.js';
import type { Clock } from '../clock.js';
import { customerForOrder, insertCustomers, replaceCustomerDetails, type NewCustomer, type StoredCustomer } from '../customers/customers.repository.js';
import { dialectOfHandle, type Executor } from '../db/prepared.js';
import type { Db } from '../db/types.js';
import { Errors, fail } from '../errors.js';
import { checkAccountRules, type AccountRulesInput } from '../orders/account-rules.js';
import { changeStatus } from '../orders/lifecycle.repository.js';
import { activate } from '../orders/lifecycle.service.js';
import { insertAudit, insertOrder, type AuditEntry, type NewItem, type NewOrder } from '../orders/orders.repository.js';
import type { OrderStatus } from '../orders/orders.table.js';
import { PasswordProver } from '../passwords/prover.js';
import { clearThrottle } from '../passwords/throttle.repository.js';
import { orderReceivedMessages, type PlacedOrderFacts } from '../notifications/messages.js';
import { insertMessages } from '../notifications/notifications.repository.js';
import { recordOrderEvents, type OrderEventFacts } from '../webhooks/events.js';
import type { ContactDetails } from './validate.js';

export interface PlacedOrder {
  readonly orderNumber: number;
  readonly status: OrderStatus;
  readonly totalCents: number;
  readonly currency: string;
}

/** How the order's customer is settled before the transaction. */
export type CustomerPlan =
  | { kind: 'guest' }
  | { kind: 'existing'; id: number; passwordHash: string; recalled: boolean }
  | { kind: 'create'; loginName: string; passwordHash: string };

/** Two first orders of one new login name raced; the loser runs again as a returning customer. */
export class CustomerRaced extends Error {
  override name = 'CustomerRaced';
}
/** A remembered credential no longer matches the account: prove the password again. */
export class CredentialStale extends Error {
  override name = 'CredentialStale';
}
/** The customer's row changed between its read and its update (another process's order). */
export class CustomerChanged extends Error {
  override name = 'CustomerChanged';
}

/** Everything the order's transaction needs, as plain data (it may cross threads). */
export interface CommitArgs {
  /** The request's clock (a sandbox reseller's own), read before the transaction. */
  readonly nowMs: number;
  readonly currency: string;
  readonly resellerId: number;
  readonly customer: CustomerPlan;
  readonly emailAddress: string;
  readonly contactJson: string;
  readonly suppliedContact: ContactDetails;
  readonly resellerPays: boolean;
  readonly region: string;
  readonly offerCode: string | null;
  readonly licenceCode: string | null;
  readonly ruleItems: AccountRulesInput['items'];
  readonly items: readonly NewItem[];
  readonly status: OrderStatus;
  readonly totalCents: number;
  readonly requestId: string;
  readonly auditParams: Record<string, string>;
}

/**
 * The account of a returning customer, as the order leaves it: -16 again (the password may have
 * changed since it was verified, by another request or another process), then "any address
 * details supplied here will replace any details supplied on previous occasions" (spec): the
 * supplied fields replace theirs, fields not sent are kept. A proven password also ends the
 * count of failed checks (outside attack, 5). Writes nothing: saveCustomer does.
 */
export function confirmCustomer(customer: Extract<CustomerPlan, { kind: 'existing' }>, args: CommitArgs, at: string, stored: StoredCustomer | undefined): StoredCustomer {
  if (stored?.password_hash !== customer.passwordHash) throw customer.recalled ? new CredentialStale() : fail(Errors.LOGIN_FAILED);
  // Locked by failures counted since the password was proven (or remembered): -16 all the same.
  if (PasswordProver.isLocked(stored.locked_until, at)) throw fail(Errors.LOGIN_FAILED);
  const merged = JSON.stringify({ ...(JSON.parse(stored.details_json) as object), ...args.suppliedContact });
  return { ...stored, email_address: args.emailAddress, details_json: merged, failures: null };
}

/**
 * Writes what confirmCustomer changed, if anything: the failure count ended, the details
 * replaced — only if the row is still as `read` (CustomerChanged otherwise). Identical details
 * are not rewritten: that changes nothing but takes the row's write lock, which on PostgreSQL
 * serialized every order of one customer behind the previous commit.
 */
export async function saveCustomer(on: Executor | Db, read: StoredCustomer, now: StoredCustomer, at: string): Promise<void> {
  if ((read.failures ?? 0) > 0) await clearThrottle(on, 'customer', read.login_name);
  if (read.email_address === now.email_address && read.details_json === now.details_json) return;
  if (!(await replaceCustomerDetails(on, read, now.email_address, now.details_json, at))) throw new CustomerChanged();
}

export function newCustomerOf(args: CommitArgs, at: string): NewCustomer | undefined {
  const c = args.customer;
  return c.kind === 'create' ? { loginName: c.loginName, passwordHash: c.passwordHash, emailAddress: args.emailAddress, detailsJson: args.contactJson, at } : undefined;
}

export function newOrderOf(args: CommitArgs, customerId: number | null, at: string): NewOrder {
  return {
    resellerId: args.resellerId,
    customerId,
    emailAddress: args.emailAddress,
    contactJson: args.contactJson,
    resellerPays: args.resellerPays,
    status: args.status,
    totalCents: args.totalCents,
    currency: args.currency,
    region: args.region,
    offerCode: args.offerCode,
    renewsLicence: args.licenceCode,
    requestId: args.requestId,
    at,
  };
}

export function auditOf(args: CommitArgs, orderId: number, at: string): AuditEntry {
  return { at, kind: 'place_order', requestId: args.requestId, resellerId: args.resellerId, orderId, params: args.auditParams };
}

export function eventFacts(args: CommitArgs, orderNumber: number, at: string): OrderEventFacts {
  return { resellerId: args.resellerId, orderNumber, status: args.status, totalCents: args.totalCents, currency: args.currency, at };
}

/** The customer's order_received email (src/notifications/messages.ts). */
export function placedFacts(args: CommitArgs, orderNumber: number, at: string): PlacedOrderFacts {
  const { resellerId, emailAddress, contactJson, resellerPays, status, totalCents, currency, items } = args;
  return { resellerId, orderNumber, emailAddress, contactJson, resellerPays, status, totalCents, currency, items, at };
}

export function placedOrder(args: CommitArgs, orderNumber: number): PlacedOrder {
  return { orderNumber, status: args.status, totalCents: args.totalCents, currency: args.currency };
}

/** The customer's id: confirmed (locked on PostgreSQL), created, or none for a guest. */
async function settleInTransaction(tx: Db, args: CommitArgs, at: string): Promise<number | null> {
  const customer = args.customer;
  if (customer.kind === 'existing') {
    const stored = await customerForOrder(tx, customer.id, { forUpdate: dialectOfHandle(tx) === 'postgres' });
    await saveCustomer(tx, stored!, confirmCustomer(customer, args, at, stored), at);
    return customer.id;
  }
  const created = newCustomerOf(args, at);
  if (!created) return null;
  const id = (await insertCustomers(tx, [created])).get(created.loginName);
  if (id === undefined) throw new CustomerRaced();
  return id;
}

/** One order in its own transaction (or savepoint): every order the batch form does not take. */
export async function commitOrder(tx: Db, args: CommitArgs, catalog: Catalog | undefined): Promise<PlacedOrder> {
  const at = new Date(args.nowMs).toISOString();
  const clock: Clock = { now: () => new Date(args.nowMs) };
  const customerId = await settleInTransaction(tx, args, at);
  // The account rules -45, -73 and -56 run here, after -16, inside the transaction.
  await checkAccountRules(tx, dialectOfHandle(tx), clock, {
    resellerId: args.resellerId,
    customerId,
    emailAddress: args.emailAddress,
    offerCode: args.offerCode ?? undefined,
    licenceCode: args.licenceCode ?? undefined,
    items: args.ruleItems,
  });
  const { status } = args;
  const orderNumber = await insertOrder(tx, newOrderOf(args, customerId, at), args.items);
  // A free reseller=N order completes at once: activation always issues its licences.
  if (status === 'active') {
    if (!catalog) throw new Error('activating an order needs the catalog: commit it on the main thread');
    const row = { id: orderNumber, reseller_id: args.resellerId, customer_id: customerId, email_key: args.emailAddress.toLowerCase(), renews_licence: args.licenceCode };
    await activate(tx, catalog, row, new Date(at));
    await changeStatus(tx, orderNumber, { status, at, activatedAt: at });
  }
  await insertAudit(tx, auditOf(args, orderNumber, at));
  // The reseller's webhook events, in this same transaction (src/webhooks/events.ts).
  await recordOrderEvents(tx, status === 'active' ? ['order.placed', 'order.activated'] : ['order.placed'], eventFacts(args, orderNumber, at));
  await insertMessages(tx, orderReceivedMessages(placedFacts(args, orderNumber, at)));
  return placedOrder(args, orderNumber);
}
