// The ordering page (the spec's "Ordering URLs"): the products on offer, the customer fields
// of !PlaceOrder, new or returning customer, and one button. Rendering only; the route decides
// what to show. The form posts to !PlaceOrder itself.
import type { Plan, TermCode } from '../../catalog/catalog.js';
import { formatCents } from '../../money.js';
import { html, type SafeHtml } from '../html.js';
import { errorSummary, field, fieldId, hidden, shell } from '../page.js';
import { TOKEN_FIELD } from './token.js';

export interface OfferedProduct {
  readonly plan: Plan;
  readonly priceCents: number;
}

/** A message shown beside one field (or, with `field` undefined, only in the summary). */
export interface FieldError {
  readonly field: string | undefined;
  readonly text: string;
}

export interface OrderFormView {
  readonly ap: string;
  readonly currency: string;
  readonly products: readonly OfferedProduct[];
  /** PPP codes ticked (all of them on a fresh page). */
  readonly chosen: ReadonlySet<number>;
  readonly token: string;
  /** Field name → value entered (passwords are never echoed back). */
  readonly values: ReadonlyMap<string, string>;
  readonly error?: FieldError | undefined;
  readonly errorCode: number;
  /** Shown above the form (the expired-session page). */
  readonly notice?: SafeHtml | undefined;
  readonly licenceCode?: string | undefined;
}

const TERM_TEXT: Record<TermCode, string> = {
  '30d': '30 days',
  '45d': '45 days',
  '90d': '90 days',
  '1y': '1 year',
  '2y': '2 years',
  '3y': '3 years',
  '4y': '4 years',
  '5y': '5 years',
};

export function termText(term: string): string {
  return TERM_TEXT[term as TermCode] ?? term;
}

export function money(cents: number, currency: string): string {
  return `${currency} ${formatCents(cents)}`;
}

/** The customer fields of the form, in the order shown: [name, label, type, autocomplete, maxLength, hint]. */
const DETAILS: ReadonlyArray<readonly [string, string, 'text' | 'email' | 'tel', string, number, string?]> = [
  ['emailAddress', 'Email address', 'email', 'email', 255],
  ['name', 'Full name', 'text', 'name', 128, 'Give your full name, or your first and last name below.'],
  ['foreName', 'First name', 'text', 'given-name', 64],
  ['surName', 'Last name', 'text', 'family-name', 64],
  ['organizationName', 'Organisation', 'text', 'organization', 64, 'Required for the Partner products.'],
  ['telephoneNumber', 'Telephone', 'tel', 'tel', 32],
];
const ADDRESS: ReadonlyArray<readonly [string, string, string, number, string?]> = [
  ['streetAddress1', 'Street address', 'address-line1', 128],
  ['streetAddress2', 'Street address, line 2', 'address-line2', 128],
  ['localityName', 'Town or city', 'address-level2', 128],
  ['stateOrProvinceName', 'State or province', 'address-level1', 128],
  ['postalCode', 'Postal code', 'postal-code', 40],
  ['countryName', 'Country code', 'country', 2, 'Two letters, for example US or GB. Without one, US is assumed.'],
];

/** The fields the page itself renders; an error on any other parameter is shown in the summary only. */
export const FORM_FIELDS: ReadonlySet<string> = new Set([
  ...DETAILS.map((d) => d[0]),
  ...ADDRESS.map((a) => a[0]),
  'isReturningCustomer',
  'loginName',
  'loginPassword',
  'product',
]);

export function orderFormPage(v: OrderFormView): SafeHtml {
  const errorFor = (name: string) => (v.error?.field === name ? v.error.text : undefined);
  const first = v.error?.field;
  const text = (name: string, label: string, type: 'text' | 'email' | 'tel', autocomplete: string, maxLength: number, hint?: string) =>
    field({ name, label, type, autocomplete, maxLength, hint, value: v.values.get(name), error: errorFor(name), autofocus: first === name, required: name === 'emailAddress' });
  const returning = (v.values.get('isReturningCustomer') ?? 'N').toUpperCase() === 'Y';
  const productsError = errorFor('product');
  const total = v.products.filter((p) => v.chosen.has(p.plan.ppp)).reduce((s, p) => s + p.priceCents, 0);
  const main = html`<h1>Place an order</h1>
<p>Sold by <strong>${v.ap}</strong>.</p>
${v.notice ?? ''}
${v.error ? errorSummary('There is a problem', [{ text: v.error.text, href: v.error.field ? `#${fieldId(v.error.field)}` : undefined }]) : ''}
${v.licenceCode ? html`<p class="notice">This order renews licence <code>${v.licenceCode}</code>. The new term starts when the current one ends.</p>` : ''}
<form method="post" action="/products/!PlaceOrder" novalidate>
${hidden(TOKEN_FIELD, v.token)}
<fieldset id="${fieldId('product')}" class="${productsError ? 'invalid' : ''}"${productsError ? html` aria-describedby="${fieldId('product')}-error"` : ''}>
<legend>Products</legend>
${productsError ? html`<p class="error" id="${fieldId('product')}-error">${productsError}</p>` : ''}
${v.products.map(
  (p) => html`<div class="choice"><input type="checkbox" id="p-${p.plan.ppp}" name="product" value="${p.plan.ppp}"${v.chosen.has(p.plan.ppp) ? html` checked` : ''}>
<label for="p-${p.plan.ppp}">${p.plan.product.name}, ${termText(p.plan.term)}: ${money(p.priceCents, v.currency)}</label></div>`,
)}
<p>Total of the products ticked: <strong>${money(total, v.currency)}</strong></p>
</fieldset>
<fieldset>
<legend>Your details</legend>
${DETAILS.map(([n, l, t, a, m, h]) => text(n, l, t, a, m, h))}
</fieldset>
<fieldset>
<legend>Address (optional)</legend>
${ADDRESS.map(([n, l, a, m, h]) => text(n, l, 'text', a, m, h))}
</fieldset>
<fieldset${errorFor('isReturningCustomer') ? html` aria-describedby="${fieldId('isReturningCustomer')}-error"` : ''}>
<legend>Your account</legend>
${errorFor('isReturningCustomer') ? html`<p class="error" id="${fieldId('isReturningCustomer')}-error">${errorFor('isReturningCustomer')}</p>` : ''}
<div class="choice"><input type="radio" id="${fieldId('isReturningCustomer')}" name="isReturningCustomer" value="N"${returning ? '' : html` checked`}>
<label for="${fieldId('isReturningCustomer')}">New customer</label></div>
<div class="choice"><input type="radio" id="f-returning-Y" name="isReturningCustomer" value="Y"${returning ? html` checked` : ''}>
<label for="f-returning-Y">Returning customer</label></div>
<p class="hint">New customers may choose a login name and password to see their licences later under “My licences”. Returning customers sign in with theirs.</p>
${field({ name: 'loginName', label: 'Login name', autocomplete: 'username', maxLength: 64, value: v.values.get('loginName'), error: errorFor('loginName'), autofocus: first === 'loginName' })}
${field({ name: 'loginPassword', label: 'Password', type: 'password', autocomplete: returning ? 'current-password' : 'new-password', maxLength: 128, error: errorFor('loginPassword'), autofocus: first === 'loginPassword' })}
</fieldset>
<button type="submit">Place order</button>
</form>`;
  return shell({ title: v.error ? 'Error: Place an order' : 'Place an order', errorCode: v.errorCode, main });
}

export interface PlacedView {
  readonly orderNumber: number;
  readonly totalCents: number;
  readonly currency: string;
  readonly status: string;
}

export function orderPlacedPage(p: PlacedView): SafeHtml {
  const next =
    p.status === 'pending_authorization'
      ? 'Your reseller will confirm it shortly; your licence starts once they have.'
      : p.status === 'awaiting_payment'
        ? 'It starts once your payment has been received.'
        : 'Your licence is active.';
  return shell({
    title: 'Order placed',
    errorCode: 0,
    main: html`<div class="success" role="status">
<h1>Order placed</h1>
<p>Your order number is</p>
<p class="order-number" id="order-number">${p.orderNumber}</p>
<p>Total: ${money(p.totalCents, p.currency)}. ${next}</p>
</div>
<p>Keep the order number for your records.</p>`,
  });
}

/** An error as the pages show it: `Error -4: …`. */
export function describe(e: { code: number; message: string }): string {
  return `Error ${e.code}: ${e.message}`;
}
