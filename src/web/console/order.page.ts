// GET /console/orders/:n: one order, its items and licences, and the lifecycle steps the
// reseller may take on it now (authorize, reject, refund: src/web/console/order-actions.page.ts).
import type { Catalog } from '../../catalog/catalog.js';
import { formatCents } from '../../money.js';
import { orderStatusOf, refundDeadline, type OrderStatusView } from '../../orders/lifecycle.service.js';
import { orderContact, type OrderContact } from '../../orders/order-reads.repository.js';
import { html, type SafeHtml } from '../html.js';
import { money, termText } from '../ordering/ordering.page.js';
import { sendPage } from '../page.js';
import { queryForm } from '../request.js';
import { consolePage, notice, statusText, when, type ConsoleFrame } from './kit.js';
import { orderNotFound, orderNumberOf, type ConsolePage, type ConsoleRouter, type Signed } from './router.js';

export interface OrderActions {
  readonly authorize: boolean;
  readonly reject: boolean;
  readonly refund: boolean;
}

/** The order's lifecycle view and the parts the console shows besides, or undefined when it is not the reseller's. */
export async function loadDetail(r: ConsoleRouter, s: Signed, orderNumber: number) {
  const [view, contact] = await Promise.all([orderStatusOf(r.ctx, s.resellerId, orderNumber), orderContact(r.ctx.store.db, s.resellerId, orderNumber)]);
  return view && contact ? { view, contact } : undefined;
}

export type Detail = NonNullable<Awaited<ReturnType<typeof loadDetail>>>;

/** Which steps the reseller may take on the order now. */
export function actionsOf(r: ConsoleRouter, d: Detail): OrderActions {
  const pays = d.contact.resellerPays;
  const pending = d.view.status === 'pending_authorization' && pays;
  const refundable =
    pays && d.view.status === 'active' && d.contact.authorizedAt !== null && r.ctx.clock.now() <= refundDeadline(d.contact.authorizedAt, r.ctx.config.refundPeriodDays);
  return { authorize: pending, reject: pending, refund: refundable };
}

export const order: ConsolePage = (r) => {
  r.get('/console/orders/:n', async (req, reply, s) => {
    const n = orderNumberOf(req);
    const d = n === undefined ? undefined : await loadDetail(r, s, n);
    if (!d) return orderNotFound(reply, s);
    return sendPage(
      reply,
      orderDetailPage(s.frame('orders', `Order ${d.view.orderNumber}`), {
        catalog: r.ctx.catalog,
        view: d.view,
        contact: d.contact,
        actions: actionsOf(r, d),
        notice: doneNotice(queryForm(req).text('done', 20), d.view),
      }),
      { errorCode: 0 },
    );
  });
};

/** What the step just taken did (the `done` of the redirect after it). */
function doneNotice(done: string, v: OrderStatusView): string | undefined {
  if (done === 'authorize') return `Order ${v.orderNumber} is authorized; ${v.currency} ${formatCents(v.totalCents)} was debited from your funds.`;
  if (done === 'reject') return `Order ${v.orderNumber} is rejected.`;
  if (done === 'refund') return `Order ${v.orderNumber} is refunded; ${v.currency} ${formatCents(v.totalCents)} went back to your funds.`;
  return undefined;
}

function orderDetailPage(
  f: ConsoleFrame,
  o: {
    catalog: Catalog;
    view: OrderStatusView;
    contact: OrderContact;
    actions: OrderActions;
    notice?: string | undefined;
  },
): SafeHtml {
  const v = o.view;
  return consolePage(
    f,
    html`<h1>Order ${v.orderNumber}</h1>
${notice(o.notice)}
<dl class="facts">
<dt>Status</dt><dd id="order-status">${statusText(v.status)}</dd>
<dt>Placed</dt><dd>${when(o.contact.createdAt)}</dd>
${o.contact.authorizedAt ? html`<dt>Authorized</dt><dd>${when(o.contact.authorizedAt)}</dd>` : ''}
<dt>Customer</dt><dd><span class="customer-name">${o.contact.customerName}</span></dd>
<dt>Email</dt><dd>${o.contact.emailAddress}</dd>
${o.contact.customerLoginName ? html`<dt>Customer login</dt><dd>${o.contact.customerLoginName}</dd>` : ''}
<dt>Paid by</dt><dd>${o.contact.resellerPays ? 'You (reseller=Y): authorizing debits your funds' : 'The customer (reseller=N)'}</dd>
${o.contact.renewsLicence ? html`<dt>Renews licence</dt><dd><code>${o.contact.renewsLicence}</code></dd>` : ''}
<dt>Total</dt><dd>${money(v.totalCents, v.currency)}</dd>
</dl>
<h2>Items</h2>
<div class="table-wrap"><table>
<thead><tr><th scope="col">#</th><th scope="col">Product</th><th scope="col" class="num">Price</th><th scope="col">Licence code</th><th scope="col">Starts</th><th scope="col">Expires</th></tr></thead>
<tbody>${v.items.map((i) => {
      const plan = o.catalog.plan(i.ppp);
      return html`<tr><td>${i.itemNo}</td><td>${plan ? `${plan.product.name}, ${termText(plan.term)}` : i.ppp}</td><td class="num">${money(i.priceCents, v.currency)}</td><td><code>${i.licenceCode ?? ''}</code></td><td>${i.startDate ?? ''}</td><td>${i.expiryDate ?? ''}</td></tr>`;
    })}</tbody></table></div>
<div class="actions">
${o.actions.authorize ? html`<a class="button" href="/console/orders/${v.orderNumber}/authorize">Authorize…</a>` : ''}
${o.actions.reject ? html`<a class="button secondary" href="/console/orders/${v.orderNumber}/reject">Reject…</a>` : ''}
${o.actions.refund ? html`<a class="button secondary" href="/console/orders/${v.orderNumber}/refund">Refund…</a>` : ''}
<a class="button secondary" href="/console/orders">Back to orders</a>
</div>`,
  );
}
