// The order's transaction as a portable unit (src/db/portable-unit.ts): one order by itself
// (order-commit.ts), or the orders that arrive together in one transaction (order-batch.ts), on
// SQLite's writer thread or main connection, or in a PostgreSQL batch transaction.
import type { PortableUnit } from '../db/portable-unit.js';
import { errorByCode, fail } from '../errors.js';
import { commitOrdersTogether, batchable } from './order-batch.js';
import { CredentialStale, CustomerChanged, CustomerRaced, commitOrder, type CommitArgs, type PlacedOrder } from './order-commit.js';

const REVIVED = new Map<string, () => Error>([
  [CustomerRaced.name, () => new CustomerRaced()],
  [CredentialStale.name, () => new CredentialStale()],
  [CustomerChanged.name, () => new CustomerChanged()],
]);

export const commitOrderUnit: PortableUnit<CommitArgs, PlacedOrder> = {
  name: 'place-order.commit',
  module: import.meta.url,
  // A free order activates, which needs the catalog: those commit on the main thread (service.ts).
  run: (tx, args) => commitOrder(tx, args, undefined),
  many: { accepts: batchable, run: commitOrdersTogether },
  revive(e) {
    const known = REVIVED.get(e.name);
    if (known) return known();
    const def = e.name === 'PlaceOrderError' && typeof e.code === 'number' ? errorByCode(e.code) : undefined;
    return def && Object.assign(fail(def, e.item), { message: e.message });
  },
};
