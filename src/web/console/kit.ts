// The console's page kit: the frame every page is drawn in (title, navigation, sign-out), the
// words for an order's status, the orders table, and the signed-in router each page registers
// its routes with (src/web/console/router.ts). Rendering only: the pages fetch and decide.
import { html, type HtmlValue, type SafeHtml } from '../html.js';
import { money } from '../ordering/ordering.page.js';
import { hidden, shell } from '../page.js';

export const STATUS_TEXT: Record<string, string> = {
  pending_authorization: 'Awaiting your authorization',
  awaiting_payment: 'Awaiting payment',
  active: 'Active',
  rejected: 'Rejected',
  refunded: 'Refunded',
  cancelled: 'Cancelled',
  expired: 'Expired',
};

export function statusText(status: string): string {
  return STATUS_TEXT[status] ?? status;
}

export function when(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export interface ConsoleFrame {
  readonly ap: string;
  readonly csrf: string;
  readonly title: string;
  readonly errorCode?: number;
  readonly current: 'dashboard' | 'orders' | 'ledger' | 'ordering-url' | 'notifications' | 'settings';
}

const NAV: ReadonlyArray<readonly [ConsoleFrame['current'], string, string]> = [
  ['dashboard', '/console', 'Dashboard'],
  ['orders', '/console/orders', 'Orders'],
  ['ledger', '/console/ledger', 'Funds ledger'],
  ['ordering-url', '/console/ordering-url', 'Ordering URLs'],
  ['notifications', '/console/notifications', 'Notifications'],
  ['settings', '/console/settings', 'Settings'],
];

export function consolePage(f: ConsoleFrame, main: HtmlValue): SafeHtml {
  return shell({
    title: `${f.title} · ${f.ap} · placeorder console`,
    errorCode: f.errorCode ?? 0,
    header: html`<span class="brand">placeorder console · ${f.ap}</span>
<nav aria-label="Console"><ul class="nav">${NAV.map(
      ([key, href, label]) => html`<li><a href="${href}"${key === f.current ? html` aria-current="page"` : ''}>${label}</a></li>`,
    )}</ul></nav>
<form method="post" action="/console/sign-out">${hidden('csrf', f.csrf)}<button type="submit">Sign out</button></form>`,
    main,
  });
}

/** A notice above a page's content, announced to screen readers ("The origin was added."). */
export function notice(text: string | undefined): HtmlValue {
  return text ? html`<p class="notice" role="status">${text}</p>` : '';
}

export interface OrderRowView {
  readonly id: number;
  readonly status: string;
  readonly createdAt: string;
  readonly customer: string;
  readonly email: string;
  readonly products: string;
  readonly totalCents: number;
  readonly currency: string;
}

export function ordersTable(rows: readonly OrderRowView[], caption: string): SafeHtml {
  if (rows.length === 0) return html`<p>No orders.</p>`;
  return html`<div class="table-wrap"><table class="stack">
<caption class="hint">${caption}</caption>
<thead><tr><th scope="col">Order</th><th scope="col">Placed</th><th scope="col">Customer</th><th scope="col">Products</th><th scope="col" class="num">Total</th><th scope="col">Status</th></tr></thead>
<tbody>${rows.map(
    (r) => html`<tr><td data-label="Order"><a href="/console/orders/${r.id}">${r.id}</a></td><td data-label="Placed">${when(r.createdAt)}</td><td data-label="Customer"><span class="customer-name">${r.customer}</span><br><span class="hint">${r.email}</span></td><td data-label="Products">${r.products}</td><td class="num" data-label="Total">${money(r.totalCents, r.currency)}</td><td data-label="Status">${statusText(r.status)}</td></tr>`,
  )}</tbody></table></div>`;
}
