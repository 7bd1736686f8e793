// Commits a validated order: resolves the customer (credentials verified off the event loop,
// before the transaction), prices the items, then writes customer, order, items, the audit
// record and the order's events in one durable transaction — a portable unit, which under
// `serve` on SQLite runs on the writer thread (src/db/writer-thread.ts), with a batch form for
// the orders that commit together (commitOrdersTogether; decision 2 in docs/decisions.md).
// Throws PlaceOrderError for rule failures.
import type { Catalog, Plan } from '../catalog/catalog.js';
import type { Clock } from '../clock.js';
import {
  customerForOrder,
  customerLogin,
  insertCustomer,
  isUniqueViolation,
  replaceCustomerDetails,
  type StoredCustomer,
} from '../customers/customers.repository.js';
import { PasswordProver } from '../passwords/prover.js';
import { clearThrottle } from '../passwords/throttle.repository.js';
import { rawSqlite } from '../db/raw-sqlite.js';
import type { Db, Dialect, Store } from '../db/store.js';
import type { PortableUnit } from '../db/writer-thread.js';
import { Errors, PlaceOrderError, errorByCode, fail } from '../errors.js';
import {
  insertAudit,
  insertOrder,
  insertOrdersMany,
  priceOverrides,
  type AuditEntry,
  type NewItem,
  type NewOrder,
  type NewOrderWrite,
} from '../orders/orders.repository.js';
import type { OrderStatus } from '../orders/orders.table.js';
import { checkAccountRules, readsHistory, type AccountRulesInput } from '../orders/account-rules.js';
import { changeStatus } from '../orders/lifecycle.repository.js';
import { activate } from '../orders/lifecycle.service.js';
import type { ContactDetails, OrderRequest } from './validate.js';
import { newOrderEvent, recordOrderEvents, type OrderEventFacts } from '../webhooks/events.js';
import { insertEventsMany } from '../webhooks/webhooks.repository.js';
import { clockFor, forcedPlaceOrderError } from '../sandbox/sandbox.service.js';
import { orderReceivedMessages, type PlacedOrderFacts } from '../notifications/messages.js';
import { insertMessages } from '../notifications/notifications.repository.js';

export interface PlaceOrderDeps {
  readonly store: Store;
  readonly catalog: Catalog;
  readonly clock: Clock;
  readonly passwords: PasswordProver;
}

export interface PlacedOrder {
  readonly orderNumber: number;
  readonly status: OrderStatus;
  readonly totalCents: number;
  readonly currency: string;
}

export interface RequestFacts {
  readonly requestId: string;
  /** The request's parameters with every credential removed. */
  readonly auditParams: Record<string, string>;
}

/** How the order's customer is settled before the transaction. */
type CustomerPlan =
  | { kind: 'guest' }
  | { kind: 'existing'; id: number; passwordHash: string; recalled: boolean }
  | { kind: 'create'; loginName: string; passwordHash: string };

class CustomerRaced extends Error {
  override name = 'CustomerRaced';
}
/** A remembered credential no longer matches the account: prove the password again. */
class CredentialStale extends Error {
  override name = 'CredentialStale';
}

/**
 * An order past every check that needs no transaction: the sandbox's forced errors and test
 * clock (src/sandbox, docs/integrators.md), prices, and the customer's password (-16). What is
 * left is its commit, which an Idempotency-Key can now guard in the scope of `caller`.
 */
export interface PreparedOrder {
  readonly order: OrderRequest;
  /** The reseller's clock: a sandbox reseller's own test clock. */
  readonly clock: Clock;
  /** The client's address: whose share of the hashing pool a second proof would use. */
  readonly source: string;
  readonly items: readonly NewItem[];
  readonly totalCents: number;
  readonly status: OrderStatus;
  readonly customer: CustomerPlan;
  /** The login the order is placed under, proven (or new); undefined for a guest order. */
  readonly caller: string | undefined;
}

export async function prepareOrder(deps: PlaceOrderDeps, order: OrderRequest, source: string): Promise<PreparedOrder> {
  const clock = await clockFor(deps.store.db, deps.clock, order.reseller);
  const forced = forcedPlaceOrderError(order, clock);
  if (forced) throw forced;
  const items = await priceItems(deps, order);
  const totalCents = items.reduce((sum, i) => sum + i.priceCents, 0);
  const status: OrderStatus = order.resellerPays ? 'pending_authorization' : totalCents === 0 ? 'active' : 'awaiting_payment';
  const customer = await settleCustomer(deps, order, source, true);
  return { order, clock, source, items, totalCents, status, customer, caller: order.loginName };
}

/** What follows the ladder for an order that no Idempotency-Key guards (the ordering page). */
export async function placeCheckedOrder(
  deps: PlaceOrderDeps,
  order: OrderRequest,
  facts: RequestFacts & { source: string },
): Promise<PlacedOrder> {
  return commitPreparedOrder(deps, await prepareOrder(deps, order, facts.source), facts);
}

export async function commitPreparedOrder(deps: PlaceOrderDeps, prepared: PreparedOrder, facts: RequestFacts): Promise<PlacedOrder> {
  const { order, items, status, totalCents, clock } = prepared;
  // Only what the account rules read, and only when they read anything: the arguments cross to
  // the writer thread by copy.
  const ruleItems = order.items.map((i) => ({ no: i.no, plan: { product: pick(i.plan.product) } }));
  const rulesRead = readsHistory({ offerCode: order.offerCode, licenceCode: order.licenceCode, items: ruleItems });
  const contactJson = JSON.stringify(order.contact);
  let customer = prepared.customer;
  for (let attempt = 1; ; attempt++) {
    // One literal with every field (not a spread of the attempt-invariant ones): a spread of
    // sixteen fields cost several µs per order on the main thread (docs/benchmarks.md).
    const args: CommitArgs = {
      dialect: deps.store.dialect,
      nowMs: clock.now().getTime(),
      currency: deps.catalog.currency,
      resellerId: order.reseller.id,
      customer,
      emailAddress: order.emailAddress,
      contactJson,
      suppliedContact: order.suppliedContact,
      resellerPays: order.resellerPays,
      region: order.region,
      offerCode: order.offerCode ?? null,
      licenceCode: order.licenceCode ?? null,
      ruleItems: rulesRead ? ruleItems : [],
      items,
      status,
      totalCents,
      requestId: facts.requestId,
      auditParams: facts.auditParams,
    };
    try {
      // A free reseller=N order is activated at once, which needs the catalog: it commits on
      // this thread. Every other order is a portable unit (src/db/writer-thread.ts).
      return status === 'active'
        ? await deps.store.write((tx) => commitOrder(tx, args, deps.catalog))
        : await deps.store.writePortable(commitOrderUnit, args);
    } catch (error) {
      // Two first orders of one new login name raced; the loser runs again as returning.
      if (error instanceof CustomerRaced && attempt < 3) {
        customer = await settleCustomer(deps, order, prepared.source, true);
        continue;
      }
      if (error instanceof CredentialStale && attempt < 3) {
        deps.passwords.forget(customerAttempt(order, prepared.source));
        customer = await settleCustomer(deps, order, prepared.source, false);
        continue;
      }
      throw error;
    }
  }
}

function pick(product: Plan['product']): Pick<Plan['product'], 'code' | 'swp' | 'oncePerAccount'> {
  return { code: product.code, swp: product.swp, oncePerAccount: product.oncePerAccount };
}

async function priceItems(deps: PlaceOrderDeps, order: OrderRequest): Promise<NewItem[]> {
  const overrides = await priceOverrides(deps.store.db, order.items.map((i) => i.plan.ppp));
  const offer = order.offerCode ? deps.catalog.offer(order.offerCode) : undefined;
  return order.items.map((i) => {
    const list = overrides.get(i.plan.ppp) ?? i.plan.listPriceCents;
    const free =
      offer?.appliesTo !== undefined &&
      i.plan.product.swp === offer.appliesTo.swp &&
      i.plan.term === offer.appliesTo.term;
    return {
      itemNo: i.no,
      ppp: i.plan.ppp,
      productCode: i.plan.product.code,
      term: i.plan.term,
      listPriceCents: list,
      priceCents: free ? 0 : list,
      visibility: i.visibility,
      macAddress: i.macAddress ?? null,
    };
  });
}

function customerAttempt(order: OrderRequest, source: string) {
  return { realm: 'customer' as const, loginName: order.loginName!, password: order.loginPassword!, source };
}

/**
 * -16: a returning customer proves the password (src/passwords/prover.ts: locked names refused
 * before any hash, unknown names at the cost of one, every failure counted). A "new" customer
 * whose login name exists is treated as returning when the password verifies (a retried request
 * must not fail). A new account cannot own the licence a renewal names, so such an order is
 * refused as a wrong password would be: otherwise `licenceCode=BOGUS` told free names (-4) from
 * taken ones (-16) without placing anything (issue 13, finding 5).
 */
async function settleCustomer(deps: PlaceOrderDeps, order: OrderRequest, source: string, recall: boolean): Promise<CustomerPlan> {
  if (order.customerMode === 'guest') return { kind: 'guest' };
  const attempt = customerAttempt(order, source);
  // Credentials proven before need no read here: the transaction checks the stored hash and
  // that the name is not locked.
  const known = recall ? deps.passwords.recall(attempt) : undefined;
  if (known) return { kind: 'existing', id: known.id, passwordHash: known.hash, recalled: true };
  const login = await deps.passwords.find('customer', attempt.loginName, () => customerLogin(deps.store.db, attempt.loginName));
  if (login.account === undefined && order.customerMode === 'new' && !deps.passwords.locked(login)) {
    if (order.licenceCode === undefined) return { kind: 'create', loginName: attempt.loginName, passwordHash: await deps.passwords.hashNew(attempt) };
    await deps.passwords.refuse(attempt, login);
    throw fail(Errors.LOGIN_FAILED);
  }
  const account = await deps.passwords.prove(attempt, login);
  if (!account) throw fail(Errors.LOGIN_FAILED);
  return { kind: 'existing', id: account.id, passwordHash: account.passwordHash, recalled: false };
}

/** Everything the order's transaction needs, as plain data (it may cross threads). */
export interface CommitArgs {
  readonly dialect: Dialect;
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

/** The order's transaction as a portable unit: it runs on the SQLite writer thread. */
export const commitOrderUnit: PortableUnit<CommitArgs, PlacedOrder> = {
  name: 'place-order.commit',
  run: (tx, args) => commitOrder(tx, args, undefined),
  many: {
    // Orders whose rules read no history and that create no customer: nothing one of them
    // checks can depend on another of the batch, but for their customer's row, which the batch
    // form carries from one order to the next itself.
    accepts: (batch) =>
      batch.every(
        (a) =>
          a.dialect === 'sqlite' &&
          a.status !== 'active' &&
          a.customer.kind !== 'create' &&
          a.ruleItems.length === 0 &&
          a.offerCode === null &&
          a.licenceCode === null,
      ),
    run: commitOrdersTogether,
  },
  revive(e) {
    if (e.name === CustomerRaced.name) return new CustomerRaced();
    if (e.name === CredentialStale.name) return new CredentialStale();
    const def = e.name === 'PlaceOrderError' && typeof e.code === 'number' ? errorByCode(e.code) : undefined;
    return def && Object.assign(fail(def, e.item), { message: e.message });
  },
};

/**
 * The account of a returning customer, in the order's transaction: -16 again (the password may
 * have changed since it was verified, by another request or another process), then "any
 * address details supplied here will replace any details supplied on previous occasions"
 * (spec): the supplied fields replace theirs, fields not sent are kept. Returns the row as it
 * now stands.
 */
async function confirmCustomer(
  tx: Db,
  customer: Extract<CustomerPlan, { kind: 'existing' }>,
  args: CommitArgs,
  at: string,
  stored: StoredCustomer | undefined,
): Promise<StoredCustomer> {
  function check(row: StoredCustomer | undefined): asserts row is StoredCustomer {
    if (row?.password_hash !== customer.passwordHash) throw customer.recalled ? new CredentialStale() : fail(Errors.LOGIN_FAILED);
    // Locked by failures counted since the password was proven (or remembered): -16 all the same.
    if (PasswordProver.isLocked(row.locked_until, at)) throw fail(Errors.LOGIN_FAILED);
  }
  const merge = (row: StoredCustomer) => JSON.stringify({ ...(JSON.parse(row.details_json) as object), ...args.suppliedContact });
  check(stored);
  // A proven password ends the count of failed checks, remembered or not (outside attack, 5).
  if ((stored.failures ?? 0) > 0) {
    await clearThrottle(tx, 'customer', stored.login_name);
    stored = { ...stored, failures: null };
  }
  let merged = merge(stored);
  // Rewriting identical details changes nothing but takes the row's write lock, which on
  // PostgreSQL serialized every order of one customer behind the previous commit.
  if (stored.email_address === args.emailAddress && stored.details_json === merged) return stored;
  if (args.dialect === 'postgres') {
    // Concurrent orders of one customer run in concurrent transactions there: merge into the
    // row as it is once locked, or one order's fields could be lost to the other's.
    const locked = await customerForOrder(tx, customer.id, { forUpdate: true });
    check(locked);
    stored = locked;
    merged = merge(stored);
    if (stored.email_address === args.emailAddress && stored.details_json === merged) return stored;
  }
  await replaceCustomerDetails(tx, customer.id, args.emailAddress, merged, at);
  return { ...stored, email_address: args.emailAddress, details_json: merged };
}

function newOrderOf(args: CommitArgs, customerId: number | null, at: string): NewOrder {
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

function auditOf(args: CommitArgs, at: string): Omit<AuditEntry, 'orderId'> {
  return { at, kind: 'place_order', requestId: args.requestId, resellerId: args.resellerId, params: args.auditParams };
}

/** The customer's order_received email (src/notifications/messages.ts). */
function placedFacts(args: CommitArgs, orderNumber: number, at: string): PlacedOrderFacts {
  const { resellerId, emailAddress, contactJson, resellerPays, status, totalCents, currency, items } = args;
  return { resellerId, orderNumber, emailAddress, contactJson, resellerPays, status, totalCents, currency, items, at };
}

function eventFacts(args: CommitArgs, orderNumber: number, at: string): OrderEventFacts {
  return { resellerId: args.resellerId, orderNumber, status: args.status, totalCents: args.totalCents, currency: args.currency, at };
}

async function commitOrder(tx: Db, args: CommitArgs, catalog: Catalog | undefined): Promise<PlacedOrder> {
  const at = new Date(args.nowMs).toISOString();
  const clock: Clock = { now: () => new Date(args.nowMs) };
  const customer = args.customer;
  let customerId: number | null = null;
  if (customer.kind === 'existing') {
    await confirmCustomer(tx, customer, args, at, await customerForOrder(tx, customer.id));
    customerId = customer.id;
  } else if (customer.kind === 'create') {
    try {
      customerId = await insertCustomer(tx, {
        loginName: customer.loginName,
        passwordHash: customer.passwordHash,
        emailAddress: args.emailAddress,
        detailsJson: args.contactJson,
        at,
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new CustomerRaced();
      throw error;
    }
  }
  // The account rules -45, -73 and -56 run here, after -16, inside the transaction.
  await checkAccountRules(tx, args.dialect, clock, {
    resellerId: args.resellerId,
    customerId,
    emailAddress: args.emailAddress,
    offerCode: args.offerCode ?? undefined,
    licenceCode: args.licenceCode ?? undefined,
    items: args.ruleItems,
  });
  const { status, totalCents } = args;
  const orderNumber = await insertOrder(tx, newOrderOf(args, customerId, at), args.items);
  // A free reseller=N order completes at once: activation always issues its licences.
  if (status === 'active') {
    if (!catalog) throw new Error('activating an order needs the catalog: commit it on the main thread');
    await activate(tx, catalog, { id: orderNumber, reseller_id: args.resellerId, customer_id: customerId, email_key: args.emailAddress.toLowerCase(), renews_licence: args.licenceCode }, new Date(at));
    await changeStatus(tx, orderNumber, { status, at, activatedAt: at });
  }
  await insertAudit(tx, { ...auditOf(args, at), orderId: orderNumber });
  // The reseller's webhook events, in this same transaction (src/webhooks/events.ts).
  await recordOrderEvents(tx, status === 'active' ? ['order.placed', 'order.activated'] : ['order.placed'], eventFacts(args, orderNumber, at));
  await insertMessages(tx, orderReceivedMessages(placedFacts(args, orderNumber, at)));
  return { orderNumber, status, totalCents, currency: args.currency };
}

/**
 * The batch form of commitOrder (commitOrderUnit.many), for orders that pass its `accepts`: each
 * order's customer is confirmed in turn, as commitOrder would, carrying the customer's row from
 * one order to the next; then the orders, items, audit records, events and deliveries of all
 * that passed are written with a few multi-row statements instead of seven statements an order
 * (docs/benchmarks.md). An order that fails -16 writes nothing, as in its own savepoint.
 */
async function commitOrdersTogether(tx: Db, batch: readonly CommitArgs[]): Promise<Array<{ ok: true; value: PlacedOrder } | { ok: false; error: unknown }>> {
  const raw = rawSqlite(tx);
  if (!raw) throw new Error('orders are committed together on SQLite only');
  const outcomes: Array<{ ok: true; value: PlacedOrder } | { ok: false; error: unknown }> = [];
  const customers = new Map<number, StoredCustomer | undefined>();
  const passed: Array<{ index: number; args: CommitArgs; at: string; write: NewOrderWrite }> = [];
  for (const [index, args] of batch.entries()) {
    const at = new Date(args.nowMs).toISOString();
    const customer = args.customer;
    if (customer.kind === 'existing') {
      const stored = customers.has(customer.id) ? customers.get(customer.id) : await customerForOrder(tx, customer.id);
      try {
        customers.set(customer.id, await confirmCustomer(tx, customer, args, at, stored));
      } catch (error) {
        if (!(error instanceof CredentialStale || error instanceof PlaceOrderError)) throw error;
        customers.set(customer.id, stored);
        outcomes[index] = { ok: false, error };
        continue;
      }
    }
    const customerId = customer.kind === 'existing' ? customer.id : null;
    passed.push({ index, args, at, write: { order: newOrderOf(args, customerId, at), items: args.items, audit: auditOf(args, at) } });
  }
  if (passed.length > 0) {
    const orderNumbers = insertOrdersMany(raw, passed.map((p) => p.write));
    insertEventsMany(
      raw,
      passed.map((p, k) => ({ resellerId: p.args.resellerId, ...newOrderEvent('order.placed', eventFacts(p.args, orderNumbers[k]!, p.at)) })),
    );
    await insertMessages(tx, passed.flatMap((p, k) => orderReceivedMessages(placedFacts(p.args, orderNumbers[k]!, p.at))));
    passed.forEach((p, k) => {
      outcomes[p.index] = { ok: true, value: { orderNumber: orderNumbers[k]!, status: p.args.status, totalCents: p.args.totalCents, currency: p.args.currency } };
    });
  }
  return outcomes;
}
