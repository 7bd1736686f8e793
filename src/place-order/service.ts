// Commits a validated order: resolves the customer (credentials verified off the event loop,
// before the transaction), prices the items, then writes customer, order, items and the audit
// record in one durable transaction. Throws PlaceOrderError for rule failures.
import { randomBytes } from 'node:crypto';
import type { Catalog } from '../catalog/catalog.js';
import { isoNow, type Clock } from '../clock.js';
import type { CredentialCache } from '../customers/credential-cache.js';
import {
  findCustomerByLogin,
  insertCustomer,
  isUniqueViolation,
  customerForOrder,
  replaceCustomerDetails,
} from '../customers/customers.repository.js';
import type { Hasher } from '../customers/hasher.js';
import type { Store } from '../db/store.js';
import { Errors, fail } from '../errors.js';
import { insertAudit, insertOrder, priceOverrides, type NewItem } from '../orders/orders.repository.js';
import type { OrderStatus } from '../orders/orders.table.js';
import { checkAccountRules } from '../orders/account-rules.js';
import { changeStatus } from '../orders/lifecycle.repository.js';
import { activate } from '../orders/lifecycle.service.js';
import type { OrderRequest } from './validate.js';
import { recordOrderEvents } from '../webhooks/events.js';

export interface PlaceOrderDeps {
  readonly store: Store;
  readonly catalog: Catalog;
  readonly clock: Clock;
  readonly hasher: Hasher;
  readonly credentials: CredentialCache;
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

class CustomerRaced extends Error {}
/** A remembered credential no longer matches the account: prove the password again. */
class CredentialStale extends Error {}

export async function placeOrder(deps: PlaceOrderDeps, order: OrderRequest, facts: RequestFacts): Promise<PlacedOrder> {
  const items = await priceItems(deps, order);
  let recall = true;
  for (let attempt = 1; ; attempt++) {
    const customer = await settleCustomer(deps, order, recall);
    try {
      return await deps.store.write((tx) => commitOrder(tx, deps, order, facts, customer, items));
    } catch (error) {
      // Two first orders of one new login name raced; the loser runs again as returning.
      if (error instanceof CustomerRaced && attempt < 3) continue;
      if (error instanceof CredentialStale && attempt < 3) {
        deps.credentials.forget(order.loginName!, order.loginPassword!);
        recall = false;
        continue;
      }
      throw error;
    }
  }
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

/**
 * -16: a returning customer proves the password; a "new" customer whose login name exists is
 * treated as returning when the password verifies (a retried request must not fail). Unknown
 * names cost one hash verification too, so timing does not tell which names exist.
 */
async function settleCustomer(deps: PlaceOrderDeps, order: OrderRequest, recall: boolean): Promise<CustomerPlan> {
  if (order.customerMode === 'guest') return { kind: 'guest' };
  const loginName = order.loginName!;
  const password = order.loginPassword!;
  // Credentials proven before need no read here: the transaction checks the stored hash.
  const known = recall ? deps.credentials.recall(loginName, password) : undefined;
  if (known) return { kind: 'existing', id: known.id, passwordHash: known.hash, recalled: true };
  const row = await findCustomerByLogin(deps.store.db, loginName);
  if (!row) {
    if (order.customerMode === 'returning') {
      await deps.hasher.verify(await dummyHash(deps.hasher), password);
      throw fail(Errors.LOGIN_FAILED);
    }
    return { kind: 'create', loginName, passwordHash: await deps.hasher.hash(password) };
  }
  // A cache hit already refreshed the entry; remembering again would only cost another HMAC.
  const cached = deps.credentials.proven(loginName, password, row.password_hash);
  const proven = cached || (await deps.hasher.verify(row.password_hash, password));
  if (!proven) throw fail(Errors.LOGIN_FAILED);
  if (!cached) deps.credentials.remember(loginName, password, row.password_hash, row.id);
  return { kind: 'existing', id: row.id, passwordHash: row.password_hash, recalled: false };
}

/** A real hash (same cost as real ones) of a random password, verified for unknown names. */
const dummyHashes = new WeakMap<Hasher, Promise<string>>();
function dummyHash(hasher: Hasher): Promise<string> {
  let h = dummyHashes.get(hasher);
  if (!h) dummyHashes.set(hasher, (h = hasher.hash(randomBytes(24).toString('base64'))));
  return h;
}

async function commitOrder(
  tx: Parameters<Parameters<Store['write']>[0]>[0],
  deps: PlaceOrderDeps,
  order: OrderRequest,
  facts: RequestFacts,
  customer: CustomerPlan,
  items: readonly NewItem[],
): Promise<PlacedOrder> {
  const at = isoNow(deps.clock);
  const details = JSON.stringify(order.contact);
  let customerId: number | null = null;
  if (customer.kind === 'existing') {
    // The password may have changed since it was verified (another request, another process).
    const stored = await customerForOrder(tx, customer.id);
    if (stored?.password_hash !== customer.passwordHash) throw customer.recalled ? new CredentialStale() : fail(Errors.LOGIN_FAILED);
    customerId = customer.id;
    // "Any address details supplied here will replace any details supplied on previous
    // occasions" (spec): the supplied fields replace theirs; fields not sent are kept.
    const merged = JSON.stringify({ ...(JSON.parse(stored.details_json) as object), ...order.suppliedContact });
    // Rewriting identical details changes nothing but takes the row's write lock, which on
    // PostgreSQL serialized every order of one customer behind the previous commit.
    if (stored.email_address !== order.emailAddress || stored.details_json !== merged) {
      await replaceCustomerDetails(tx, customerId, order.emailAddress, merged, at);
    }
  } else if (customer.kind === 'create') {
    try {
      customerId = await insertCustomer(tx, {
        loginName: customer.loginName,
        passwordHash: customer.passwordHash,
        emailAddress: order.emailAddress,
        detailsJson: details,
        at,
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new CustomerRaced();
      throw error;
    }
  }
  // The account rules -45, -73 and -56 run here, after -16, inside the transaction.
  await checkAccountRules(tx, deps.store.dialect, deps.clock, { ...order, customerId });
  const totalCents = items.reduce((sum, i) => sum + i.priceCents, 0);
  const status: OrderStatus = order.resellerPays ? 'pending_authorization' : totalCents === 0 ? 'active' : 'awaiting_payment';
  const orderNumber = await insertOrder(
    tx,
    {
      resellerId: order.reseller.id,
      customerId,
      emailAddress: order.emailAddress,
      contactJson: details,
      resellerPays: order.resellerPays,
      status,
      totalCents,
      currency: deps.catalog.currency,
      region: order.region,
      offerCode: order.offerCode ?? null,
      renewsLicence: order.licenceCode ?? null,
      requestId: facts.requestId,
      at,
    },
    items,
  );
  // A free reseller=N order completes at once: activation always issues its licences.
  if (status === 'active') {
    await activate(tx, deps.catalog, { id: orderNumber, reseller_id: order.reseller.id, customer_id: customerId, email_key: order.emailAddress.toLowerCase(), renews_licence: order.licenceCode ?? null }, new Date(at));
    await changeStatus(tx, orderNumber, { status, at, activatedAt: at });
  }
  await insertAudit(tx, {
    at,
    kind: 'place_order',
    requestId: facts.requestId,
    resellerId: order.reseller.id,
    orderId: orderNumber,
    params: facts.auditParams,
  });
  // The reseller's webhook events, in this same transaction (src/webhooks/events.ts).
  const event = { resellerId: order.reseller.id, orderNumber, status, totalCents, currency: deps.catalog.currency, at };
  await recordOrderEvents(tx, status === 'active' ? ['order.placed', 'order.activated'] : ['order.placed'], event);
  return { orderNumber, status, totalCents, currency: deps.catalog.currency };
}
