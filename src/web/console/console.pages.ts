// The reseller console's pages. Rendering only: the routes fetch and decide.
import type { Catalog } from '../../catalog/catalog.js';
import type { Statement } from '../../funds/funds.service.js';
import type { OrderStatusView } from '../../orders/lifecycle.service.js';
import { html, type HtmlValue, type SafeHtml } from '../html.js';
import { money, termText } from '../ordering/ordering.page.js';
import { errorSummary, field, hidden, shell } from '../page.js';

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

/** The customer's name as the order gave it (name, or first and last name). */
export function customerName(contactJson: string): string {
  try {
    const c = JSON.parse(contactJson) as Record<string, string | undefined>;
    return c.name ?? [c.foreName, c.surName].filter((s) => s).join(' ');
  } catch {
    return '';
  }
}

export function day(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 10) : '';
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

export function signInPage(o: { action: string; title: string; csrf: string; error?: string; loginName?: string; intro: HtmlValue; errorCode: number }): SafeHtml {
  return shell({
    title: o.title,
    errorCode: o.errorCode,
    main: html`<h1>${o.title}</h1>
${o.intro}
${o.error ? errorSummary('Sign-in failed', [{ text: o.error, href: '#f-loginName' }]) : ''}
<form method="post" action="${o.action}" novalidate>
${hidden('csrf', o.csrf)}
${field({ name: 'loginName', label: 'Login name', autocomplete: 'username', maxLength: 64, value: o.loginName, required: true, error: o.error ? o.error : undefined, autofocus: true })}
${field({ name: 'loginPassword', label: 'Password', type: 'password', autocomplete: 'current-password', maxLength: 128, required: true })}
<button type="submit">Sign in</button>
</form>`,
  });
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

export function dashboardPage(f: ConsoleFrame, d: { balanceCents: number; creditLimitCents: number; currency: string; pendingCount: number; pendingCapped: boolean; pending: readonly OrderRowView[] }): SafeHtml {
  return consolePage(
    f,
    html`<h1>Dashboard</h1>
<div class="cards">
<section class="card" aria-labelledby="balance-h"><h2 id="balance-h">Balance</h2><p class="big" id="balance">${money(d.balanceCents, d.currency)}</p>${d.creditLimitCents > 0 ? html`<p class="hint">Credit limit ${money(d.creditLimitCents, d.currency)}</p>` : ''}</section>
<section class="card" aria-labelledby="pending-h"><h2 id="pending-h">Awaiting authorization</h2><p class="big">${d.pendingCount}${d.pendingCapped ? '+' : ''}</p><p><a href="/console/orders?status=pending_authorization">See all</a></p></section>
</div>
<h2>Orders awaiting your authorization</h2>
${ordersTable(d.pending, 'Newest first')}`,
  );
}

export interface OrdersFilterView {
  readonly status: string;
  readonly product: string;
  readonly from: string;
  readonly to: string;
  readonly email: string;
}

export function ordersPage(
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

export interface OrderActions {
  readonly authorize: boolean;
  readonly reject: boolean;
  readonly refund: boolean;
}

export function orderDetailPage(
  f: ConsoleFrame,
  o: {
    catalog: Catalog;
    view: OrderStatusView;
    contact: { customer: string; email: string; loginName: string | null; createdAt: string; authorizedAt: string | null; resellerPays: boolean; renews: string | null };
    actions: OrderActions;
    notice?: string | undefined;
  },
): SafeHtml {
  const v = o.view;
  return consolePage(
    f,
    html`<h1>Order ${v.orderNumber}</h1>
${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : ''}
<dl class="facts">
<dt>Status</dt><dd id="order-status">${statusText(v.status)}</dd>
<dt>Placed</dt><dd>${when(o.contact.createdAt)}</dd>
${o.contact.authorizedAt ? html`<dt>Authorized</dt><dd>${when(o.contact.authorizedAt)}</dd>` : ''}
<dt>Customer</dt><dd><span class="customer-name">${o.contact.customer}</span></dd>
<dt>Email</dt><dd>${o.contact.email}</dd>
${o.contact.loginName ? html`<dt>Customer login</dt><dd>${o.contact.loginName}</dd>` : ''}
<dt>Paid by</dt><dd>${o.contact.resellerPays ? 'You (reseller=Y): authorizing debits your funds' : 'The customer (reseller=N)'}</dd>
${o.contact.renews ? html`<dt>Renews licence</dt><dd><code>${o.contact.renews}</code></dd>` : ''}
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

export type ConsoleAction = 'authorize' | 'reject' | 'refund';

export const ACTION_TEXT: Record<ConsoleAction, { verb: string; button: string; explain: (amount: string) => string }> = {
  authorize: { verb: 'Authorize', button: 'Authorize order', explain: (a) => `Your funds will be debited by ${a} and the customer's licence starts now.` },
  reject: { verb: 'Reject', button: 'Reject order', explain: () => 'Nothing is debited; the order cannot be authorized afterwards.' },
  refund: { verb: 'Refund', button: 'Refund order', explain: (a) => `${a} goes back to your funds and the order's licences are revoked.` },
};

export function confirmPage(
  f: ConsoleFrame,
  o: { orderNumber: number; action: ConsoleAction; totalCents: number; currency: string; balanceCents: number; customer: string; error?: string | undefined },
): SafeHtml {
  const t = ACTION_TEXT[o.action];
  const amount = money(o.totalCents, o.currency);
  return consolePage(
    f,
    html`<h1>${t.verb} order ${o.orderNumber}?</h1>
${o.error ? errorSummary('This did not work', [{ text: o.error }]) : ''}
<p>Customer: <span class="customer-name">${o.customer}</span>. Total: ${amount}. Your balance: ${money(o.balanceCents, o.currency)}.</p>
<p>${t.explain(amount)}</p>
<form method="post" action="/console/orders/${o.orderNumber}/${o.action}">
${hidden('csrf', f.csrf)}
${o.action === 'refund'
      ? html`<div class="field"><label for="f-reason">Refund reason code</label><select id="f-reason" name="refundReasonCode">${Array.from({ length: 11 }, (_, i) => html`<option value="${i + 1}">${i + 1}</option>`)}</select></div>`
      : ''}
<div class="actions"><button type="submit"${o.action === 'authorize' ? '' : html` class="danger"`}>${t.button}</button><a class="button secondary" href="/console/orders/${o.orderNumber}">Cancel</a></div>
</form>`,
  );
}

export function ledgerPage(f: ConsoleFrame, s: Statement, shown: number): SafeHtml {
  return consolePage(
    f,
    html`<h1>Funds ledger</h1>
<p>Balance: <strong id="balance">${money(s.balanceCents, s.currency)}</strong>${s.creditLimitCents > 0 ? html` (credit limit ${money(s.creditLimitCents, s.currency)})` : ''}</p>
<p><a class="button secondary" href="/console/ledger.csv" download>Download CSV</a></p>
<div class="table-wrap"><table>
<caption class="hint">The newest ${shown} entries, oldest first, each with the balance just after it.</caption>
<thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Order</th><th scope="col" class="num">Amount</th><th scope="col" class="num">Balance</th><th scope="col">Memo</th></tr></thead>
<tbody>${s.entries.map(
      (e) =>
        html`<tr><td>${when(e.at)}</td><td>${e.kind.replace('_', ' ')}</td><td>${e.orderNumber !== null ? html`<a href="/console/orders/${e.orderNumber}">${e.orderNumber}</a>` : ''}</td><td class="num">${money(e.amountCents, s.currency)}</td><td class="num">${money(e.balanceCents, s.currency)}</td><td>${e.memo ?? ''}</td></tr>`,
    )}</tbody></table></div>`,
  );
}

export function orderingUrlPage(
  f: ConsoleFrame,
  o: { catalog: Catalog; chosen: ReadonlySet<number>; reseller: 'Y' | 'N'; url?: string | undefined; link?: string | undefined; form?: string | undefined; error?: string | undefined },
): SafeHtml {
  return consolePage(
    f,
    html`<h1>Ordering URLs</h1>
<p>Pick products; the page gives you a link to send to customers or put on your website, and an HTML form like the one in the API description. Customers who open it see an order page for exactly those products.</p>
${o.error ? errorSummary('There is a problem', [{ text: o.error }]) : ''}
<form method="get" action="/console/ordering-url">
${o.catalog.products.map(
      (p) => html`<fieldset><legend>${p.name}</legend>${p.plans.map(
        (plan) => html`<div class="choice"><input type="checkbox" id="u-${plan.ppp}" name="product" value="${plan.ppp}"${o.chosen.has(plan.ppp) ? html` checked` : ''}><label for="u-${plan.ppp}">${termText(plan.term)} (PPP ${plan.ppp})</label></div>`,
      )}</fieldset>`,
    )}
<fieldset><legend>Who charges the customer</legend>
<div class="choice"><input type="radio" id="u-res-Y" name="reseller" value="Y"${o.reseller === 'Y' ? html` checked` : ''}><label for="u-res-Y">I do (reseller=Y): I authorize each order and my funds are debited</label></div>
<div class="choice"><input type="radio" id="u-res-N" name="reseller" value="N"${o.reseller === 'N' ? html` checked` : ''}><label for="u-res-N">The vendor does (reseller=N)</label></div>
</fieldset>
<button type="submit">Build the URL</button>
</form>
${o.url
      ? html`<h2>Your ordering URL</h2>
<div class="field"><label for="out-url">Ordering URL</label><textarea id="out-url" readonly rows="2">${o.url}</textarea></div>
<p><a href="${o.url}">Open the ordering page</a></p>
<div class="field"><label for="out-link">HTML link</label><textarea id="out-link" readonly rows="3">${o.link}</textarea></div>
<div class="field"><label for="out-form">HTML form</label><textarea id="out-form" readonly rows="12">${o.form}</textarea></div>
<p class="hint">Select the text and copy it (this console runs no scripts).</p>`
      : ''}`,
  );
}

export function settingsPage(
  f: ConsoleFrame,
  o: {
    origins: readonly string[];
    seen: ReadonlyArray<Sighting>;
    ipAllow: readonly string[];
    clientAddress: string;
    loginName: string;
    notice?: string | undefined;
    errors: Readonly<Record<string, string | undefined>>;
    values: Readonly<Record<string, string | undefined>>;
  },
): SafeHtml {
  return consolePage(
    f,
    html`<h1>Settings</h1>
${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : ''}
${errorSummary(
      'There is a problem',
      Object.entries(o.errors)
        .filter(([, v]) => v)
        .map(([k, v]) => ({ text: v!, href: `#f-${k}` })),
    )}
<section aria-labelledby="origins-h">
<h2 id="origins-h">Redirect origins</h2>
<p>successURL and errorURL may point only to these origins, and only these sites may show your ordering page in an iframe.</p>
${o.origins.length === 0 ? html`<p>None yet.</p>` : html`<ul>${o.origins.map(
      (origin) => html`<li><code>${origin}</code> <form method="post" action="/console/settings/origins/remove" class="inline">${hidden('csrf', f.csrf)}${hidden('origin', origin)}<button type="submit" class="secondary" aria-label="Remove ${origin}">Remove</button></form></li>`,
    )}</ul>`}
${seenOrigins(f, o.seen)}
<form method="post" action="/console/settings/origins/add">
${hidden('csrf', f.csrf)}
${field({ name: 'origin', label: 'Add an origin', hint: 'Scheme and host, for example https://shop.example', value: o.values.origin, error: o.errors.origin, maxLength: 255 })}
<button type="submit">Add origin</button>
</form>
</section>
<section aria-labelledby="ip-h">
<h2 id="ip-h">IP allowlist of ${o.loginName}</h2>
<p>Addresses or CIDR blocks this API user may call from and sign in from, one a line. Empty allows every address. You are connected from <code>${o.clientAddress}</code>.</p>
<form method="post" action="/console/settings/ip-allow">
${hidden('csrf', f.csrf)}
<div class="field${o.errors.ipAllow ? ' invalid' : ''}"><label for="f-ipAllow">Allowed addresses</label>
${o.errors.ipAllow ? html`<p class="error" id="f-ipAllow-error">${o.errors.ipAllow}</p>` : ''}
<textarea id="f-ipAllow" name="ipAllow" rows="4"${o.errors.ipAllow ? html` aria-invalid="true" aria-describedby="f-ipAllow-error"` : ''}>${o.values.ipAllow ?? o.ipAllow.join('\n')}</textarea></div>
<button type="submit">Save allowlist</button>
</form>
</section>
<section aria-labelledby="pw-h">
<h2 id="pw-h">Change password</h2>
<form method="post" action="/console/settings/password" novalidate>
${hidden('csrf', f.csrf)}
${field({ name: 'currentPassword', label: 'Current password', type: 'password', autocomplete: 'current-password', error: o.errors.currentPassword, maxLength: 128 })}
${field({ name: 'newPassword', label: 'New password', type: 'password', autocomplete: 'new-password', hint: '8 to 128 characters.', error: o.errors.newPassword, maxLength: 128 })}
${field({ name: 'confirmPassword', label: 'New password again', type: 'password', autocomplete: 'new-password', error: o.errors.confirmPassword, maxLength: 128 })}
<button type="submit">Change password</button>
</form>
</section>`,
  );
}

/**
 * Origins of successURL/errorURL targets seen in orders but not registered (issue 16): their
 * customers were shown a link instead of being redirected. One click registers one, through the
 * same CSRF-protected form and strict origin check as typing it in.
 */
interface Sighting {
  origin: string;
  hits: number;
  last_seen_at: string;
  last_order_id: number | null;
}

function seenOrigins(f: ConsoleFrame, seen: ReadonlyArray<Sighting>): SafeHtml {
  if (seen.length === 0) return html``;
  return html`<h3>Seen in your orders, not registered</h3>
<p>Orders placed under your brand named these origins in successURL or errorURL. Their customers were shown the outcome and a link instead of being sent there. Anyone can place an order under your brand: check the order, and register an origin only if the site is yours.</p>
<ul>${seen.map(
    (s) => html`<li><code>${s.origin}</code> (${s.hits} ${s.hits === 1 ? 'time' : 'times'}, last ${s.last_seen_at.slice(0, 10)}${s.last_order_id !== null ? html`, in <a href="/console/orders/${s.last_order_id}">order ${s.last_order_id}</a>` : ''}) <form method="post" action="/console/settings/origins/add" class="inline">${hidden('csrf', f.csrf)}${hidden('origin', s.origin)}<button type="submit" aria-label="Register ${s.origin}">Register</button></form></li>`,
  )}</ul>`;
}
