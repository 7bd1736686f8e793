// A submitted ordering form, sorted: what the customer entered (to show again), the products
// ticked and the first item field the form should not carry at all; and the order it asks for,
// built as the canonical !PlaceOrder request straight from the page's session and the form.
import { parseItemName } from '../../place-order/parameters.js';
import type { CanonicalRequest } from '../../place-order/request.js';
import type { RawPair } from '../../wire/form.js';
import { isCredentialName } from '../../wire/redact.js';
import { FORM_FIELDS } from './ordering.page.js';
import { CARRIED_PARAMS, TOKEN_FIELD, type OrderingSession } from './token.js';

/** Parameters the page takes from its URL/token, never from the submitted form (canonical names). */
const SESSION_OWNED: ReadonlySet<string> = new Set(['ap', 'reseller', 'successURL', 'errorURL', 'licenceCode', 'offerCode', 'region', 'responseFormat', 'product']);

export interface Submission {
  /** Field name → value entered (passwords excepted), for the form shown again. */
  readonly entered: Map<string, string>;
  /** PPP codes ticked (not yet checked against the offer). */
  readonly chosen: Set<number>;
  /** The name of the first item field in the form, if any. */
  readonly foreignItem: string | undefined;
}

export function splitSubmission(pairs: readonly RawPair[]): Submission {
  const entered = new Map<string, string>();
  const chosen = new Set<number>();
  let foreignItem: string | undefined;
  for (const p of pairs) {
    if (p.name === TOKEN_FIELD) continue;
    if (p.name.toLowerCase() === 'product') {
      if (/^[0-9]{1,9}$/.test(p.value)) chosen.add(Number(p.value));
      continue;
    }
    // Items are the page's to number, from the ticked products. An item field in the form
    // itself (`1_PPP`, `_2_PPP`, `2_visibility`…) would order what the link never offered
    // (issue 13, finding 10.2); the route refuses it, as the API refuses a product the
    // reseller may not sell (-91).
    if (parseItemName(p.name) !== undefined) {
      foreignItem ??= p.name.slice(0, 64);
      continue;
    }
    if (FORM_FIELDS.has(p.name) && p.name !== 'loginPassword' && !entered.has(p.name)) entered.set(p.name, p.value.slice(0, 255));
  }
  return { entered, chosen, foreignItem };
}

/**
 * The order as !PlaceOrder sees it: the session's parameters (the form cannot change them), the
 * customer's fields from the form (`form`, the submitted body as the products entry parsed it),
 * and the ticked products, in the offer's order, as items 1, 2, 3… Names the form sent that are
 * no parameter stay unrecognized (-2), as on the API; the session token is the page's own.
 */
export function pageOrderRequest(session: OrderingSession, picked: ReadonlySet<number>, form: CanonicalRequest): CanonicalRequest {
  const values = new Map<string, string>([
    ['ap', session.ap],
    ['reseller', session.reseller],
  ]);
  for (const name of CARRIED_PARAMS) {
    const value = session[name];
    if (value) values.set(name, value);
  }
  for (const [name, value] of form.values) if (!SESSION_OWNED.has(name)) values.set(name, value);
  const items = new Map(session.products.filter((p) => picked.has(p)).map((ppp, i) => [i + 1, new Map([['PPP', String(ppp)]])] as const));
  return { values, items, unrecognized: form.unrecognized.filter((name) => name !== TOKEN_FIELD), otherFamily: form.otherFamily };
}

/** The order's parameters for the audit log, by canonical name, credentials removed. */
export function auditParamsOf(request: CanonicalRequest): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (name: string, value: string) => (out[name] = isCredentialName(name) ? '[removed]' : value);
  for (const [name, value] of request.values) put(name, value);
  for (const [no, attrs] of request.items) for (const [attr, value] of attrs) put(`${no}_${attr}`, value);
  return out;
}
