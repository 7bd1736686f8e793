// The customer portal's pages. Rendering only.
import { html, type SafeHtml } from '../html.js';
import { money } from '../ordering/ordering.page.js';
import { hidden, shell } from '../page.js';
import { statusText } from '../console/kit.js';

/**
 * An order's state as its customer reads it. The console's words are the reseller's ("Awaiting
 * your authorization"); the customer is not the one who authorizes.
 */
const CUSTOMER_STATUS_TEXT: Record<string, string> = { pending_authorization: 'Awaiting your reseller’s authorization' };

function customerStatusText(status: string): string {
  return CUSTOMER_STATUS_TEXT[status] ?? statusText(status);
}

export interface LicenceView {
  readonly product: string;
  readonly status: string;
  readonly start: string;
  readonly expiry: string;
  readonly code: string;
  readonly orderNumber: number;
  /** The ordering page for a renewal, when the licence is within the renewal window. */
  readonly renewHref?: string | undefined;
  readonly renewFrom?: string | undefined;
}

export function portalPage(o: {
  csrf: string;
  name: string;
  loginName: string;
  licences: readonly LicenceView[];
  waiting: ReadonlyArray<{ id: number; status: string; createdAt: string; totalCents: number; currency: string }>;
}): SafeHtml {
  return shell({
    title: 'My licences',
    errorCode: 0,
    header: html`<span class="brand">My licences</span><span>Signed in as ${o.loginName}</span>
<form method="post" action="/account/sign-out">${hidden('csrf', o.csrf)}<button type="submit">Sign out</button></form>`,
    main: html`<h1>My licences</h1>
<p>Hello <span class="customer-name">${o.name}</span>.</p>
${o.licences.length === 0
      ? html`<p>You have no licences yet.</p>`
      : html`<div class="table-wrap"><table class="stack">
<thead><tr><th scope="col">Product</th><th scope="col">Status</th><th scope="col">Starts</th><th scope="col">Expires</th><th scope="col">Licence code</th><th scope="col">Renewal</th></tr></thead>
<tbody>${o.licences.map(
          (l) =>
            html`<tr><td data-label="Product">${l.product}</td><td data-label="Status">${l.status}</td><td data-label="Starts">${l.start}</td><td data-label="Expires">${l.expiry}</td><td data-label="Licence code"><code>${l.code}</code></td><td data-label="Renewal">${l.renewHref ? html`<a href="${l.renewHref}">Renew ${l.product}</a>` : l.renewFrom ? html`<span class="hint">From ${l.renewFrom}</span>` : ''}</td></tr>`,
        )}</tbody></table></div>`}
${o.waiting.length > 0
      ? html`<h2>Orders not active yet</h2><ul>${o.waiting.map((w) => html`<li>Order ${w.id}, ${money(w.totalCents, w.currency)}: ${customerStatusText(w.status)}</li>`)}</ul>`
      : ''}`,
  });
}
