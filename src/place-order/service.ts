// Places a validated order: resolves the customer (credentials verified off the event loop,
// before the transaction), prices the items, then commits it (order-commit.ts) with the orders
// that arrive together (order-batch.ts, through the store's group commit). This file knows
// orders, not threads or dialects. Throws PlaceOrderError for rule failures.
import type { Catalog, Plan } from '../catalog/catalog.js';
import type { Clock } from '../clock.js';
import { customerLogin } from '../customers/customers.repository.js';
import type { Store } from '../db/types.js';
import { Errors, fail } from '../errors.js';
import { readsHistory } from '../orders/account-rules.js';
import { priceOverrides, type NewItem } from '../orders/orders.repository.js';
import type { OrderStatus } from '../orders/orders.table.js';
import type { PasswordProver } from '../passwords/prover.js';
import { clockFor, forcedPlaceOrderError } from '../sandbox/sandbox.service.js';
import { CredentialStale, CustomerChanged, CustomerRaced, commitOrder, type CommitArgs, type CustomerPlan, type PlacedOrder } from './order-commit.js';
import { commitOrderUnit } from './order-unit.js';
import type { OrderRequest } from './validate.js';

export type { PlacedOrder } from './order-commit.js';

export interface PlaceOrderDeps {
  readonly store: Store;
  readonly catalog: Catalog;
  readonly clock: Clock;
  readonly passwords: PasswordProver;
}

export interface RequestFacts {
  readonly requestId: string;
  /** The request's parameters with every credential removed. */
  readonly auditParams: Record<string, string>;
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
      // Two first orders of one new login name raced, or another process changed the
      // customer's row between read and write: the order runs again (as returning).
      if ((error instanceof CustomerRaced || error instanceof CustomerChanged) && attempt < 3) {
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
