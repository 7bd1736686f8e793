// Rows of the console's order lists (dashboard, orders page) as the orders table shows them:
// each order with its products named from the catalog.
import type { AppContext } from '../../app-context.js';
import { termText } from '../ordering/ordering.page.js';
import { itemsOfOrders, type OrderListRow } from './console.repository.js';
import { customerName, type OrderRowView } from './kit.js';

export async function rowViews(ctx: AppContext, rows: readonly OrderListRow[]): Promise<OrderRowView[]> {
  const items = await itemsOfOrders(ctx.store.db, rows.map((r) => r.id));
  const names = new Map<number, string[]>();
  for (const i of items) {
    const plan = ctx.catalog.plan(i.ppp);
    const list = names.get(i.order_id) ?? [];
    list.push(plan ? `${plan.product.name}, ${termText(plan.term)}` : String(i.ppp));
    names.set(i.order_id, list);
  }
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    createdAt: r.created_at,
    customer: customerName(r.contact_json),
    email: r.email_address,
    products: (names.get(r.id) ?? []).join('; '),
    totalCents: r.total_cents,
    currency: r.currency,
  }));
}
