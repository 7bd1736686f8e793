// The base of the reads that show orders with their reseller: the CLI's list, the portal's
// licences and waiting orders, the order of !GetOrderStatus. Each extends it with the columns
// and conditions of its own question; the join of an order to its reseller is written here once.
import type { Db } from '../db/store.js';

/** Every order joined to its reseller (the brand, the sandbox flag): an order always has one. */
export function ordersWithResellerQuery(db: Db) {
  return db.selectFrom('orders').innerJoin('resellers', 'resellers.id', 'orders.reseller_id');
}
