// A submitted ordering form, sorted: what the customer entered (to show again), the products
// ticked, the pairs that go on to !PlaceOrder, and the first item field the form should not
// carry at all.
import { parseItemName } from '../../place-order/parameters.js';
import type { RawPair } from '../../wire/form.js';
import { FORM_FIELDS } from './ordering.page.js';
import { TOKEN_FIELD } from './token.js';

/** Parameters the page takes from its URL/token, never from the submitted form. */
const SESSION_OWNED = new Set(['ap', 'reseller', 'successurl', 'errorurl', 'licencecode', 'offercode', 'region', 'responseformat', 'product']);

export interface Submission {
  /** Field name → value entered (passwords excepted), for the form shown again. */
  readonly entered: Map<string, string>;
  /** PPP codes ticked (not yet checked against the offer). */
  readonly chosen: Set<number>;
  /** The customer's own fields, passed on to the order. */
  readonly formPairs: RawPair[];
  /** The name of the first item field in the form, if any. */
  readonly foreignItem: string | undefined;
}

export function splitSubmission(pairs: readonly RawPair[]): Submission {
  const entered = new Map<string, string>();
  const chosen = new Set<number>();
  const formPairs: RawPair[] = [];
  let foreignItem: string | undefined;
  for (const p of pairs) {
    const lower = p.name.toLowerCase();
    if (p.name === TOKEN_FIELD) continue;
    if (lower === 'product') {
      if (/^[0-9]{1,9}$/.test(p.value)) chosen.add(Number(p.value));
      continue;
    }
    if (SESSION_OWNED.has(lower)) continue;
    // Items are the page's to number, from the ticked products. An item field in the form
    // itself (`1_PPP`, `_2_PPP`, `2_visibility`…) would order what the link never offered
    // (issue 13, finding 10.2); the route refuses it, as the API refuses a product the
    // reseller may not sell (-91).
    if (parseItemName(p.name) !== undefined) {
      foreignItem ??= p.name.slice(0, 64);
      continue;
    }
    formPairs.push(p);
    if (FORM_FIELDS.has(p.name) && p.name !== 'loginPassword' && !entered.has(p.name)) entered.set(p.name, p.value.slice(0, 255));
  }
  return { entered, chosen, formPairs, foreignItem };
}
