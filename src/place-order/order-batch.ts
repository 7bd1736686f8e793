// Many orders in one transaction (group commit, decisions 2 and 13): the same rules and the same
// queries as an order by itself (order-commit.ts), a handful of statements for the whole batch
// instead of eight an order, on either dialect's executor.
import { customersForOrders, insertCustomers, type StoredCustomer } from '../customers/customers.repository.js';
import type { Outcome } from '../db/portable-unit.js';
import type { Executor } from '../db/prepared.js';
import { PlaceOrderError } from '../errors.js';
import { assertOrderNumbers } from '../orders/order-numbers.js';
import { insertAudits, insertOrdersMany } from '../orders/orders.repository.js';
import { orderReceivedMessages } from '../notifications/messages.js';
import { insertMessages } from '../notifications/notifications.repository.js';
import { newOrderEvent } from '../webhooks/events.js';
import { insertEventsMany } from '../webhooks/webhooks.repository.js';
import {
  CredentialStale,
  CustomerRaced,
  auditOf,
  confirmCustomer,
  saveCustomer,
  eventFacts,
  newCustomerOf,
  newOrderOf,
  placedFacts,
  placedOrder,
  type CommitArgs,
  type PlacedOrder,
} from './order-commit.js';

/**
 * An order whose rules read no history and that activates nothing: nothing it checks can depend
 * on another order of the batch, but for its customer's row, which the batch carries from one
 * order to the next itself. Nor can it change what another order's rules read (it holds no
 * once-per-account or SWP product, no offer, no renewal), so the orders of a moment that are
 * not batchable may commit after the batch, on their own, with the outcomes they would have had
 * in the order of arrival.
 */
export function batchable(a: CommitArgs): boolean {
  return a.status !== 'active' && a.ruleItems.length === 0 && a.offerCode === null && a.licenceCode === null;
}

interface Passed {
  readonly index: number;
  readonly args: CommitArgs;
  readonly at: string;
  readonly customerId: number | null;
}

/**
 * The orders of a batch, as commitOrder would commit each in turn, each failing alone: the
 * customers of the batch read in one statement and confirmed in turn (a customer's row carried
 * from one of its orders to the next, and written once, at the end, if the orders changed it),
 * new customers created in one statement (a name taken, in
 * the database or earlier in the batch: CustomerRaced, and the request runs again as a returning
 * customer's), then the orders, items, audit records, events and deliveries of every order that
 * passed, a statement each. Throws only for what fails the batch (then nothing of it is kept).
 */
export async function commitOrdersTogether(x: Executor, batch: readonly CommitArgs[]): Promise<Array<Outcome<PlacedOrder>>> {
  const outcomes: Array<Outcome<PlacedOrder>> = new Array(batch.length);
  const stamps = batch.map((a) => new Date(a.nowMs).toISOString());
  // Each customer as read, and as the batch's orders leave it (written at the end, by id).
  const read = new Map<number, StoredCustomer>(
    (await customersForOrders(x, batch.flatMap((a) => (a.customer.kind === 'existing' ? [a.customer.id] : [])))).map((c) => [c.id, c]),
  );
  const customers = new Map<number, { row: StoredCustomer; at: string }>();
  const created = await insertCustomers(x, batch.flatMap((a, k) => newCustomerOf(a, stamps[k]!) ?? []));
  const passed: Passed[] = [];
  for (const [index, args] of batch.entries()) {
    const at = stamps[index]!;
    const customer = args.customer;
    let customerId: number | null = null;
    if (customer.kind === 'existing') {
      try {
        const row = confirmCustomer(customer, args, at, customers.get(customer.id)?.row ?? read.get(customer.id));
        customers.set(customer.id, { row, at });
      } catch (error) {
        if (!(error instanceof CredentialStale || error instanceof PlaceOrderError)) throw error;
        outcomes[index] = { ok: false, error };
        continue;
      }
      customerId = customer.id;
    } else if (customer.kind === 'create') {
      customerId = created.get(customer.loginName) ?? null;
      // The first order of the batch with the name has it; the others run again as returning.
      created.delete(customer.loginName);
      if (customerId === null) {
        outcomes[index] = { ok: false, error: new CustomerRaced() };
        continue;
      }
    }
    passed.push({ index, args, at, customerId });
  }
  // Row locks in ascending id order in every process: two batches never wait on each other in a circle.
  for (const id of [...customers.keys()].sort((a, b) => a - b)) {
    const { row, at } = customers.get(id)!;
    await saveCustomer(x, read.get(id)!, row, at);
  }
  const numbers = await insertOrdersMany(
    x,
    passed.map((p) => ({ order: newOrderOf(p.args, p.customerId, p.at), items: p.args.items })),
  );
  assertOrderNumbers(numbers, passed.length);
  await insertAudits(
    x,
    passed.map((p, k) => auditOf(p.args, numbers[k]!, p.at)),
  );
  await insertEventsMany(
    x,
    passed.map((p, k) => ({ resellerId: p.args.resellerId, ...newOrderEvent('order.placed', eventFacts(p.args, numbers[k]!, p.at)) })),
  );
  await insertMessages(
    x,
    passed.flatMap((p, k) => orderReceivedMessages(placedFacts(p.args, numbers[k]!, p.at))),
  );
  passed.forEach((p, k) => (outcomes[p.index] = { ok: true, value: placedOrder(p.args, numbers[k]!) }));
  return outcomes;
}
