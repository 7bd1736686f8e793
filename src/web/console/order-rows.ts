// Rows of the console's order lists (dashboard, orders page) as the orders table shows them:
// each order with its products named from the catalog.
import type { AppContext } from '../../app-context.js';
import { termText } from '../ordering/ordering.page.js';
import { pppsOfOrders, type ListedOrder } from '../../orders/order-reads.repository.js';
import type { OrderRowView } from './kit.js';

export async function rowViews(ctx: AppContext, orders: readonly ListedOrder[]): Promise<OrderRowView[]> {
  const items = await pppsOfOrders(ctx.store.db, orders.map((o) => o.orderNumber));
  const names = new Map<number, string[]>();
  for (const i of items) {
    const plan = ctx.catalog.plan(i.ppp);
    const list = names.get(i.orderNumber) ?? [];
    list.push(plan ? `${plan.product.name}, ${termText(plan.term)}` : String(i.ppp));
    names.set(i.orderNumber, list);
  }
  return orders.map((o) => ({
    id: o.orderNumber,
    status: o.status,
    createdAt: o.createdAt,
    customer: o.customerName,
    email: o.emailAddress,
    products: (names.get(o.orderNumber) ?? []).join('; '),
    totalCents: o.totalCents,
    currency: o.currency,
  }));
}
