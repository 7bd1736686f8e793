// The !PlaceOrder checking ladder (docs/api/place-order.md, "Checking order"). Pure: the
// catalog and the reseller named by `ap` come in as data; the first failing check is returned
// with the parameter at fault. Checks that need the customer's account (-16, -45, -73, -56)
// run in the service, after this ladder, in the same documented order.
import type { Catalog, Plan } from '../catalog/catalog.js';
import countries from '../catalog/countries.json' with { type: 'json' };
import { Errors, fail, type PlaceOrderError } from '../errors.js';
import type { ResellerContext } from '../resellers/reseller.js';
import type { RawPair } from '../wire/form.js';
import { redirectTarget, type RedirectTarget } from '../wire/redirect.js';
import {
  ITEM_ATTRS,
  LOGIN_FIELDS,
  charactersAllowed,
  MAX_ITEMS_PER_ORDER,
  PLACE_ORDER_PARAMS,
  itemAttrSpec,
  otherFamilyParam,
  paramSpec,
  parseItemName,
  type ItemAttrSpec,
  type ParamSpec,
} from './parameters.js';

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

export interface LadderContext {
  readonly catalog: Catalog;
  /** The reseller named by `ap`, or undefined when there is none. */
  readonly reseller: ResellerContext | undefined;
  /** successURL and errorURL, parsed and checked once (`redirectsOf`). */
  readonly redirects: Redirects;
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
    return present(value) ? (redirectTarget(value, reseller) ?? null) : undefined;
  };
  return { successURL: param('successURL'), errorURL: param('errorURL') };
}

export type LadderResult = { ok: true; order: OrderRequest } | { ok: false; error: PlaceOrderError };

const COUNTRIES = new Set<string>(countries.codes);
/** The WHATWG form-validation address syntax, plus a dot in the domain. */
const EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$/;
const MAC48 = /^(?:[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}|[0-9A-Fa-f]{12})$/;
const INTEGER = /^-?[0-9]+$/;

/** Characters as the spec counts them (code points), computed only when it can matter. */
function tooLong(value: string, max: number): boolean {
  return value.length > max && [...value].length > max;
}

function present(v: string | undefined): v is string {
  return v !== undefined && v !== '';
}

function isYes(v: string | undefined): boolean {
  return v !== undefined && v.toUpperCase() === 'Y';
}

/** The fields kept as the customer's contact details (everything personal and postal). */
const CONTACT_FIELDS = PLACE_ORDER_PARAMS.filter(
  (s) => (s.group === 'address' || s.group === 'company' || s.group === 'personal') && !LOGIN_FIELDS.has(s.name),
).map((s) => s.name);

export function validatePlaceOrder(req: CanonicalRequest, ctx: LadderContext): LadderResult {
  const error = (e: PlaceOrderError): LadderResult => ({ ok: false, error: e });
  const v = (name: string): string | undefined => {
    const value = req.values.get(name);
    return present(value) ? value : undefined;
  };

  // -2: a name that is neither a parameter, an item attribute nor another family's parameter.
  const unknown = req.unrecognized[0];
  if (unknown !== undefined) return error(fail(Errors.UNRECOGNIZED_ARGUMENT, unknown));

  // -3: required parameters, in the table's order.
  const hasLogin = present(req.values.get('loginName'));
  const hasPassword = present(req.values.get('loginPassword'));
  const returning = isYes(v('isReturningCustomer'));
  if (!v('ap')) return error(fail(Errors.MISSING_ARGUMENT, 'ap'));
  if (!v('reseller')) return error(fail(Errors.MISSING_ARGUMENT, 'reseller'));
  if (!returning && !v('name')) {
    if (v('foreName') && !v('surName')) return error(fail(Errors.MISSING_ARGUMENT, 'surName'));
    if (!v('foreName') && v('surName')) return error(fail(Errors.MISSING_ARGUMENT, 'foreName'));
    if (!v('foreName')) return error(fail(Errors.MISSING_ARGUMENT, 'name'));
  }
  if (!v('emailAddress')) return error(fail(Errors.MISSING_ARGUMENT, 'emailAddress'));
  if ((returning || hasPassword) && !hasLogin) return error(fail(Errors.MISSING_ARGUMENT, 'loginName'));
  if (hasLogin && !hasPassword) return error(fail(Errors.MISSING_ARGUMENT, 'loginPassword'));
  const itemNumbers = [...req.items.keys()].sort((x, y) => x - y);
  for (const no of itemNumbers) {
    const attrs = req.items.get(no)!;
    if (!present(attrs.get('PPP')) && !present(attrs.get('ID'))) {
      return error(fail(Errors.MISSING_ARGUMENT, `${no}_PPP`));
    }
  }

  // -4: each value against its type, length and allowed values, in the table's order.
  for (const spec of PLACE_ORDER_PARAMS) {
    const value = v(spec.name);
    if (value !== undefined && !validParam(spec, value, ctx)) return error(fail(Errors.INVALID_VALUE, spec.name));
  }
  const tooMany = itemNumbers.find((no) => no > MAX_ITEMS_PER_ORDER);
  if (tooMany !== undefined) return error(fail(Errors.INVALID_VALUE, `${tooMany}_PPP`));
  for (const no of itemNumbers) {
    const attrs = req.items.get(no)!;
    for (const spec of ITEM_ATTRS) {
      const value = attrs.get(spec.name);
      if (present(value) && !validAttr(spec, value)) return error(fail(Errors.INVALID_VALUE, `${no}_${spec.name}`));
    }
  }

  // -70: the address must be deliverable-looking.
  const emailAddress = v('emailAddress')!;
  if (!EMAIL.test(emailAddress)) return error(fail(Errors.INVALID_EMAIL, 'emailAddress'));

  // -39: items are numbered 1, 2, 3… without gaps, and there is at least one.
  if (itemNumbers.length === 0 || itemNumbers.some((no, i) => no !== i + 1)) {
    return error(fail(Errors.ITEM_MISSING));
  }

  // -65: every item names a plan of the catalog. No Web product is ordered by ID.
  const plans: Plan[] = [];
  for (const no of itemNumbers) {
    const attrs = req.items.get(no)!;
    if (present(attrs.get('ID'))) return error(fail(Errors.PLAN_NOT_FOUND, `${no}_ID`));
    const plan = ctx.catalog.plan(Number(attrs.get('PPP')));
    if (!plan) return error(fail(Errors.PLAN_NOT_FOUND, `${no}_PPP`));
    plans.push(plan);
  }

  // -83: known parameters that this order or its products do not take.
  const other = req.otherFamily[0];
  if (other !== undefined) return error(fail(Errors.NOT_APPLICABLE, other));
  for (const [i, no] of itemNumbers.entries()) {
    const accepted = plans[i]!.product.itemAttributes;
    for (const attr of req.items.get(no)!.keys()) {
      if (attr !== 'PPP' && present(req.items.get(no)!.get(attr)) && !accepted.includes(attr)) {
        return error(fail(Errors.NOT_APPLICABLE, `${no}_${attr}`));
      }
    }
  }
  const offerCode = v('offerCode') ? canonicalAllowed(paramSpec('offerCode')!, v('offerCode')!) : undefined;
  if (offerCode !== undefined) {
    const offer = ctx.catalog.offer(offerCode);
    const applies = offer?.webProducts === true && plans.some((p) => offerApplies(offer.appliesTo, p));
    if (!applies) return error(fail(Errors.NOT_APPLICABLE, 'offerCode'));
    // A free licence is the reseller's to give: with reseller=N nobody would authorize it, and
    // fresh guest addresses would make it unlimited (issue 13, finding 10).
    if (!isYes(v('reseller'))) return error(fail(Errors.NOT_APPLICABLE, 'offerCode'));
  }
  const licenceCode = v('licenceCode');
  if (licenceCode !== undefined && plans.length !== 1) return error(fail(Errors.NOT_APPLICABLE, 'licenceCode'));

  // -54: one main licence (an SWP tier) per order.
  const mains = itemNumbers.filter((_, i) => plans[i]!.product.mainLicence);
  if (mains.length > 1) return error(fail(Errors.ONE_MAIN_LICENCE, `${mains[1]}_PPP`));

  // -62: the Partner tiers are sold to organisations.
  const companyNeeded = plans.some((p) => p.product.requiredFields.includes('organizationName'));
  if (companyNeeded && !v('organizationName')) return error(fail(Errors.COMPANY_NAME_MISSING, 'organizationName'));

  // -91: the reseller may sell every product of the order. (`ap` is known: -4 otherwise.)
  const reseller = ctx.reseller!;
  if (reseller.suspended) return error(fail(Errors.PERMISSION_DENIED, 'ap'));
  if (reseller.permittedPpp) {
    const denied = itemNumbers.find((_, i) => !reseller.permittedPpp!.has(plans[i]!.ppp));
    if (denied !== undefined) return error(fail(Errors.PERMISSION_DENIED, `${denied}_PPP`));
  }

  // -38: reseller=Y orders debit the reseller, whose billing details must be validated.
  const resellerPays = isYes(v('reseller'));
  if (resellerPays && !reseller.validated) return error(fail(Errors.RESELLER_DETAILS_MISSING, 'reseller'));

  const contact: Record<string, string | undefined> = {};
  for (const field of CONTACT_FIELDS) {
    const value = v(field);
    if (value !== undefined) contact[field] = normalizeParam(paramSpec(field)!, value);
  }
  const suppliedContact = { ...contact };
  contact.countryName ??= 'US';
  const items = itemNumbers.map((no, i): OrderItemRequest => {
    const attrs = req.items.get(no)!;
    const mac = attrs.get('MACAddress');
    return {
      no,
      plan: plans[i]!,
      visibility: attrs.get('visibility') === '0' ? 0 : -1,
      ...(present(mac) ? { macAddress: normalizeMac(mac) } : {}),
    };
  });
  const customerMode: CustomerMode = !hasLogin ? 'guest' : returning ? 'returning' : 'new';
  return {
    ok: true,
    order: {
      reseller,
      resellerPays,
      region: v('region') ?? 'Unknown',
      responseFormat: v('responseFormat') === '0' ? 0 : 1,
      customerMode,
      ...(hasLogin ? { loginName: req.values.get('loginName')!, loginPassword: req.values.get('loginPassword')! } : {}),
      emailAddress,
      contact,
      suppliedContact,
      items,
      ...(offerCode !== undefined ? { offerCode } : {}),
      ...(licenceCode !== undefined ? { licenceCode } : {}),
    },
  };
}

function validParam(spec: ParamSpec, value: string, ctx: LadderContext): boolean {
  if (tooLong(value, spec.maxLength)) return false;
  if (!charactersAllowed(spec.name, value)) return false;
  if (spec.allowed && canonicalAllowed(spec, value) === undefined) return false;
  switch (spec.name) {
    case 'ap':
      return ctx.reseller !== undefined;
    case 'countryName':
      return COUNTRIES.has(value.toUpperCase());
    case 'errorURL':
    case 'successURL':
      return ctx.redirects[spec.name] !== null;
    default:
      return true;
  }
}

function validAttr(spec: ItemAttrSpec, value: string): boolean {
  if (tooLong(value, spec.maxLength)) return false;
  if (spec.type === 'integer' && !INTEGER.test(value)) return false;
  if (spec.allowed && !spec.allowed.includes(value)) return false;
  if (spec.name === 'PPP' || spec.name === 'ID') return !value.startsWith('-');
  if (spec.name === 'MACAddress') return MAC48.test(value);
  return true;
}

/** The allowed value as the table spells it, matching case-insensitively. */
function canonicalAllowed(spec: ParamSpec, value: string): string | undefined {
  const upper = value.toUpperCase();
  return spec.allowed?.find((a) => a.toUpperCase() === upper);
}

function normalizeParam(spec: ParamSpec, value: string): string {
  if (spec.name === 'countryName') return value.toUpperCase();
  return spec.allowed ? canonicalAllowed(spec, value)! : value;
}

function normalizeMac(mac: string): string {
  const hex = mac.replace(/[:-]/g, '').toUpperCase();
  return hex.match(/../g)!.join(':');
}

function offerApplies(appliesTo: { swp: boolean; term: string } | undefined, plan: Plan): boolean {
  return appliesTo !== undefined && plan.product.swp === appliesTo.swp && plan.term === appliesTo.term;
}
