// What a reseller puts on its own site to sell through !PlaceOrder: an ordering URL (which opens
// the ordering page), an HTML link to it, and an HTML form like the spec's example that posts
// straight to the API. The console's URL builder and the start page both show these, so they
// are built here once.
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.js';
import type { Catalog } from '../../catalog/catalog.js';
import { html, type SafeHtml } from '../html.js';
import { isHttps } from '../request.js';
import { termText } from './ordering.page.js';

export const PLACE_ORDER_PATH = '/products/!PlaceOrder';

/**
 * This server's origin as the browser reached it. The Host header is the caller's word, so only
 * host-name characters pass (anything else becomes `localhost`): a forged header can at worst
 * produce a link to the wrong host, never markup or a script URL.
 */
export function siteBase(ctx: AppContext, req: FastifyRequest): string {
  const host = req.headers.host;
  const safe = host && /^[A-Za-z0-9.\-:[\]]{1,255}$/.test(host) ? host : 'localhost';
  return `${isHttps(ctx, req) ? 'https' : 'http'}://${safe}`;
}

export interface OrderingOffer {
  readonly ap: string;
  /** Who charges the customer (`reseller=Y`: the reseller, after authorizing the order). */
  readonly reseller: 'Y' | 'N';
  /** PPP codes, in the order the page lists them. */
  readonly products: readonly number[];
}

/** The ordering URL: a GET of !PlaceOrder with `product` and no items opens the ordering page. */
export function orderingUrl(base: string, o: OrderingOffer): string {
  return `${base}${PLACE_ORDER_PATH}?${new URLSearchParams({ ap: o.ap, reseller: o.reseller, product: o.products.join(',') }).toString()}`;
}

/** "Sectigo Web Monitor, 1 year" for each code the catalog knows. */
export function productNames(catalog: Catalog, products: readonly number[]): string[] {
  return products.flatMap((p) => {
    const plan = catalog.plan(p);
    return plan ? [`${plan.product.name}, ${termText(plan.term)}`] : [];
  });
}

export function orderingLink(url: string, names: readonly string[]): SafeHtml {
  return html`<a href="${url}">Order ${names.join(' / ')}</a>`;
}

export interface SpecFormOptions extends OrderingOffer {
  readonly base: string;
  /** The spec's example sends the browser back to the reseller's own pages. */
  readonly redirects?: { readonly errorURL: string; readonly successURL: string } | undefined;
  /** The spec's example asks for item 1's MAC address (Web DNS Pro). */
  readonly macAddress?: boolean;
  /**
   * For a form shown live on a page: each text box inside a <label>, a <button> to submit, so
   * that a screen reader names every control. The copyable text stays exactly like the spec's
   * example, which has neither.
   */
  readonly live?: boolean;
}

/** The spec's "calling PlaceOrder from an HTML <form>" example for these products, one tag a line. */
export function specForm(o: SpecFormOptions): SafeHtml {
  const text = (label: string, name: string, first: boolean): SafeHtml => {
    const box = html`${label}: <input type="text" name="${name}">`;
    return html`${first ? '' : html`<br>`}${o.live ? html`<label>${box}</label>` : box}`;
  };
  const lines: SafeHtml[] = [
    html`<form method="post" action="${o.base}${PLACE_ORDER_PATH}">`,
    html`<input type="hidden" name="ap" value="${o.ap}">`,
    html`<input type="hidden" name="reseller" value="${o.reseller.toLowerCase()}">`,
    ...(o.redirects
      ? [
          html`<input type="hidden" name="errorURL" value="${o.redirects.errorURL}">`,
          html`<input type="hidden" name="successURL" value="${o.redirects.successURL}">`,
        ]
      : []),
    text('Email Address', 'emailAddress', true),
    text('Name', 'name', false),
    text('Company', 'organizationName', false),
    ...o.products.map((p, i) => html`<input type="hidden" name="${i + 1}_PPP" value="${p}">`),
    ...(o.macAddress ? [text('MAC Address', '1_MACAddress', false)] : []),
    o.live ? html`<button type="submit">Place Order</button>` : html`<input type="submit" value="Place Order">`,
    html`</form>`,
  ];
  return html`${lines.map((line, i) => (i === 0 ? line : html`\n${line}`))}`;
}
