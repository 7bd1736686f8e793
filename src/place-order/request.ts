// A !PlaceOrder request in the two shapes the ladder knows: as parsed (`CanonicalRequest`, one
// parse of the wire pairs, canonical names, first occurrence wins) and as checked (`OrderRequest`,
// typed, defaulted, normalized), with the redirect targets parsed once for both the ladder and
// the answer.
import type { Plan } from '../catalog/catalog.js';
import type { ResellerContext } from '../resellers/reseller.js';
import type { RawPair } from '../wire/form.js';
import { redirectTarget, type RedirectTarget } from '../wire/redirect.js';
import { itemAttrSpec, otherFamilyParam, paramSpec, parseItemName } from './parameters.js';

/** The request after one parse: canonical names, first occurrence wins. */
export interface CanonicalRequest {
  /** Canonical parameter name → value. Empty values are kept here and treated as absent. */
  readonly values: ReadonlyMap<string, string>;
  /** Item number → canonical attribute name → value. */
  readonly items: ReadonlyMap<number, ReadonlyMap<string, string>>;
  /** Names as sent that are neither parameters nor items, in arrival order. */
  readonly unrecognized: readonly string[];
  /** Known parameters of other product families, as canonically spelled, in arrival order. */
  readonly otherFamily: readonly string[];
}

export function canonicalize(pairs: readonly RawPair[]): CanonicalRequest {
  const values = new Map<string, string>();
  const items = new Map<number, Map<string, string>>();
  const unrecognized: string[] = [];
  const otherFamily: string[] = [];
  for (const { name, value } of pairs) {
    const spec = paramSpec(name);
    if (spec) {
      if (!values.has(spec.name)) values.set(spec.name, value);
      continue;
    }
    const item = parseItemName(name);
    const attr = item && itemAttrSpec(item.attr);
    if (item && attr) {
      let attrs = items.get(item.no);
      if (!attrs) items.set(item.no, (attrs = new Map()));
      if (!attrs.has(attr.name)) attrs.set(attr.name, value);
      continue;
    }
    const other = otherFamilyParam(name);
    if (other) {
      if (!otherFamily.includes(other)) otherFamily.push(other);
      continue;
    }
    unrecognized.push(name);
  }
  return { values, items, unrecognized, otherFamily };
}

export type CustomerMode = 'guest' | 'new' | 'returning';

export interface ContactDetails {
  readonly [field: string]: string | undefined;
}

export interface OrderItemRequest {
  readonly no: number;
  readonly plan: Plan;
  readonly visibility: -1 | 0;
  readonly macAddress?: string;
}

/** A request that passed the ladder: typed, defaulted, normalized. */
export interface OrderRequest {
  readonly reseller: ResellerContext;
  readonly resellerPays: boolean;
  readonly region: string;
  readonly responseFormat: 0 | 1;
  readonly customerMode: CustomerMode;
  readonly loginName?: string;
  readonly loginPassword?: string;
  readonly emailAddress: string;
  /** Every personal, address and company field given (countryName defaulted to US). */
  readonly contact: ContactDetails;
  /** The contact fields this request actually supplied (no defaults): what replaces a
   * returning customer's stored details, field by field. */
  readonly suppliedContact: ContactDetails;
  readonly items: readonly OrderItemRequest[];
  readonly offerCode?: string;
  readonly licenceCode?: string;
}

/** A redirect parameter: absent (undefined), unusable (null: -4), or the target to send to. */
export type RedirectParam = RedirectTarget | null | undefined;

export interface Redirects {
  readonly successURL: RedirectParam;
  readonly errorURL: RedirectParam;
}

/**
 * successURL and errorURL of a request, each parsed, checked against the reseller's registered
 * origins and serialized once (src/wire/redirect.ts): the ladder's -4 and the answer's Location
 * both come from this one value.
 */
export function redirectsOf(req: Pick<CanonicalRequest, 'values'>, reseller: ResellerContext | undefined): Redirects {
  const param = (name: 'successURL' | 'errorURL'): RedirectParam => {
    const value = req.values.get(name);
    return given(value) ? (redirectTarget(value, reseller) ?? null) : undefined;
  };
  return { successURL: param('successURL'), errorURL: param('errorURL') };
}

/** A value the request carries: present and not empty (the spec treats empty as absent). */
export function given(v: string | undefined): v is string {
  return v !== undefined && v !== '';
}
