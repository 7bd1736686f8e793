// GET /console/orders: the reseller's orders, newest first, filtered by status, product, dates
// and customer email, paged by a keyset cursor (docs/web.md, "Orders list").
import type { Catalog } from '../../catalog/catalog.js';
import { Errors } from '../../errors.js';
import { listResellerOrders, type ListedOrder } from '../../orders/order-reads.repository.js';
import type { OrderStatus } from '../../orders/orders.table.js';
import { html, type SafeHtml } from '../html.js';
import { errorSummary, field, sendPage } from '../page.js';
import { queryForm } from '../request.js';
import { STATUS_TEXT, consolePage, ordersTable, type ConsoleFrame, type OrderRowView } from './kit.js';
import { rowViews } from './order-rows.js';
import type { ConsolePage, ConsoleRouter, Signed } from './router.js';

/** Rows per page of the orders list. */
export const PAGE_SIZE = 50;
const DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

/** The filter's fields, as the query string names them (in the order its links write them), each with the longest value read. */
const FILTER_FIELDS = { status: 40, product: 40, from: 10, to: 10, email: 255 } as const;

type OrdersFilterView = { readonly [Name in keyof typeof FILTER_FIELDS]: string };

export const orders: ConsolePage = (r) => {
  r.get('/console/orders', async (req, reply, s) => {
    const q = queryForm(req);
    const filter = Object.fromEntries(Object.entries(FILTER_FIELDS).map(([name, max]) => [name, q.text(name, max)])) as OrdersFilterView;
    const error = filterError(r, filter);
    const after = parseCursor(q.text('after', 80));
    const rows = error ? [] : await listOrders(r, s, filter, after);
    const more = rows.length > PAGE_SIZE;
    const page = rows.slice(0, PAGE_SIZE);
    const base = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== ''));
    const last = page[page.length - 1];
    const next = more && last ? new URLSearchParams([...base, ['after', `${last.createdAt}~${last.orderNumber}`]]) : undefined;
    return sendPage(
      reply,
      ordersPage(s.frame('orders', 'Orders', error ? Errors.INVALID_VALUE.code : 0), {
        catalog: r.ctx.catalog,
        filter,
        rows: await rowViews(r.ctx, page),
        nextHref: next ? `/console/orders?${next.toString()}` : undefined,
        firstHref: after ? `/console/orders${base.size > 0 ? `?${base.toString()}` : ''}` : undefined,
        error,
      }),
      { errorCode: error ? Errors.INVALID_VALUE.code : 0 },
    );
  });
};

function filterError(r: ConsoleRouter, filter: OrdersFilterView): string | undefined {
  if (filter.status !== '' && !(filter.status in STATUS_TEXT)) return 'Choose a status from the list.';
  if (filter.product !== '' && !r.ctx.catalog.product(filter.product)) return 'Choose a product from the list.';
  if ((filter.from !== '' && !validDate(filter.from)) || (filter.to !== '' && !validDate(filter.to))) return 'Dates are written YYYY-MM-DD.';
  return undefined;
}

function listOrders(r: ConsoleRouter, s: Signed, filter: OrdersFilterView, after: ReturnType<typeof parseCursor>): Promise<ListedOrder[]> {
  // "expired" is shown for active orders whose licences ended; it is not stored.
  const status = filter.status === '' || filter.status === 'expired' ? undefined : (filter.status as OrderStatus);
  return listResellerOrders(r.ctx.store.db, {
    resellerId: s.resellerId,
    status: filter.status === 'expired' ? 'active' : status,
    productCode: filter.product || undefined,
    emailKey: filter.email ? filter.email.toLowerCase() : undefined,
    from: filter.from ? `${filter.from}T00:00:00.000Z` : undefined,
    to: filter.to ? new Date(Date.parse(`${filter.to}T00:00:00.000Z`) + 86_400_000).toISOString() : undefined,
    after,
    limit: PAGE_SIZE + 1,
  });
}

function validDate(text: string): boolean {
  return DATE.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00.000Z`));
}

/** `created_at~id` of the previous page's last row. */
function parseCursor(text: string): { createdAt: string; id: number } | undefined {
  const m = /^([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{8,12}Z)~([1-9][0-9]{0,15})$/.exec(text);
  return m ? { createdAt: m[1]!, id: Number(m[2]) } : undefined;
}

function ordersPage(
  f: ConsoleFrame,
  o: { catalog: Catalog; filter: OrdersFilterView; rows: readonly OrderRowView[]; nextHref?: string | undefined; firstHref?: string | undefined; error?: string | undefined },
): SafeHtml {
  const sel = (a: string, b: string) => (a === b ? html` selected` : '');
  return consolePage(
    f,
    html`<h1>Orders</h1>
${o.error ? errorSummary('There is a problem', [{ text: o.error }]) : ''}
<form method="get" action="/console/orders" class="filters" role="search" aria-label="Filter orders">
<div class="field"><label for="f-status">Status</label><select id="f-status" name="status"><option value="">Any status</option>${Object.entries(STATUS_TEXT).map(
      ([k, v]) => html`<option value="${k}"${sel(k, o.filter.status)}>${v}</option>`,
    )}</select></div>
<div class="field"><label for="f-product">Product</label><select id="f-product" name="product"><option value="">Any product</option>${o.catalog.products.map(
      (p) => html`<option value="${p.code}"${sel(p.code, o.filter.product)}>${p.name}</option>`,
    )}</select></div>
${field({ name: 'from', label: 'Placed from', type: 'date', value: o.filter.from })}
${field({ name: 'to', label: 'Placed until', type: 'date', value: o.filter.to })}
${field({ name: 'email', label: 'Customer email', type: 'search', value: o.filter.email, maxLength: 255 })}
<div class="field"><button type="submit">Filter</button></div>
</form>
${ordersTable(o.rows, 'Newest first')}
<nav class="actions" aria-label="Pages">${o.firstHref ? html`<a class="button secondary" href="${o.firstHref}">Newest orders</a>` : ''}${o.nextHref ? html`<a class="button secondary" href="${o.nextHref}" rel="next">Older orders</a>` : ''}</nav>`,
  );
}
