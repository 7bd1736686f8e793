// The !PlaceOrder checking ladder (docs/api/place-order.md, "Checking order"). Pure: the
// catalog and the reseller named by `ap` come in as data; the first failing check is returned
// with the parameter at fault. Checks that need the customer's account (-16, -45, -73, -56)
// run in the service, after this ladder, in the same documented order. Each rung is a function
// of its own, read top to bottom in `validatePlaceOrder`; single values are checked in values.ts.
import type { Catalog, Plan } from '../catalog/catalog.js';
import { present } from '../assert.js';
import { Errors, PlaceOrderError, fail } from '../errors.js';
import type { ResellerContext } from '../resellers/reseller.js';
import { ITEM_ATTRS, LOGIN_FIELDS, MAX_ITEMS_PER_ORDER, PLACE_ORDER_PARAMS, paramSpec } from './parameters.js';
import { given, type CanonicalRequest, type CustomerMode, type OrderItemRequest, type OrderRequest, type Redirects } from './request.js';
import { canonicalAllowed, emailAddressValid, normalizeMac, normalizeParam, offerApplies, validAttr, validParam } from './values.js';

// The request's shapes belong to request.ts; the order's commit (order-commit.ts) and the service
// name them from here.
export type { ContactDetails, OrderRequest } from './request.js';

export interface LadderContext {
  readonly catalog: Catalog;
  /** The reseller named by `ap`, or undefined when there is none. */
  readonly reseller: ResellerContext | undefined;
  /** successURL and errorURL, parsed and checked once (`redirectsOf`). */
  readonly redirects: Redirects;
}

export type LadderResult = { ok: true; order: OrderRequest } | { ok: false; error: PlaceOrderError };

function isYes(v: string | undefined): boolean {
  return v !== undefined && v.toUpperCase() === 'Y';
}

/** The fields kept as the customer's contact details (everything personal and postal). */
const CONTACT_FIELDS = PLACE_ORDER_PARAMS.filter(
  (s) => (s.group === 'address' || s.group === 'company' || s.group === 'personal') && !LOGIN_FIELDS.has(s.name),
).map((s) => s.name);

/** The request as the rungs read it: values given (empty is absent), items in number order. */
interface Rung {
  readonly req: CanonicalRequest;
  v(name: string): string | undefined;
  readonly items: ReadonlyArray<readonly [no: number, attrs: ReadonlyMap<string, string>]>;
  readonly hasLogin: boolean;
  readonly returning: boolean;
}

function rungOf(req: CanonicalRequest): Rung {
  return {
    req,
    v: (name) => {
      const value = req.values.get(name);
      return given(value) ? value : undefined;
    },
    items: [...req.items].sort(([x], [y]) => x - y),
    hasLogin: given(req.values.get('loginName')),
    returning: isYes(req.values.get('isReturningCustomer')),
  };
}

export function validatePlaceOrder(req: CanonicalRequest, ctx: LadderContext): LadderResult {
  const r = rungOf(req);
  const early = unrecognized(r) ?? missing(r) ?? invalid(r, ctx) ?? invalidEmail(r) ?? itemMissing(r);
  if (early) return { ok: false, error: early };
  const planned = plansOf(r, ctx.catalog);
  if (planned instanceof PlaceOrderError) return { ok: false, error: planned };
  // `ap` names a reseller here: the -4 rung refused it otherwise.
  const reseller = present(ctx.reseller, 'the ladder reaches the reseller rungs only with a known ap');
  const late =
    notApplicable(r, planned, ctx.catalog) ?? oneMainLicence(planned) ?? companyName(r, planned) ?? permission(planned, reseller) ?? resellerDetails(r, reseller);
  if (late) return { ok: false, error: late };
  return { ok: true, order: orderOf(r, planned, reseller) };
}

/** -2: a name that is neither a parameter, an item attribute nor another family's parameter. */
function unrecognized(r: Rung): PlaceOrderError | undefined {
  const unknown = r.req.unrecognized[0];
  return unknown === undefined ? undefined : fail(Errors.UNRECOGNIZED_ARGUMENT, unknown);
}

/** -3: required parameters, in the table's order. */
function missing({ v, req, items, hasLogin, returning }: Rung): PlaceOrderError | undefined {
  const hasPassword = given(req.values.get('loginPassword'));
  if (!v('ap')) return fail(Errors.MISSING_ARGUMENT, 'ap');
  if (!v('reseller')) return fail(Errors.MISSING_ARGUMENT, 'reseller');
  if (!returning && !v('name')) {
    if (v('foreName') && !v('surName')) return fail(Errors.MISSING_ARGUMENT, 'surName');
    if (!v('foreName') && v('surName')) return fail(Errors.MISSING_ARGUMENT, 'foreName');
    if (!v('foreName')) return fail(Errors.MISSING_ARGUMENT, 'name');
  }
  if (!v('emailAddress')) return fail(Errors.MISSING_ARGUMENT, 'emailAddress');
  if ((returning || hasPassword) && !hasLogin) return fail(Errors.MISSING_ARGUMENT, 'loginName');
  if (hasLogin && !hasPassword) return fail(Errors.MISSING_ARGUMENT, 'loginPassword');
  const noPlan = items.find(([, attrs]) => !given(attrs.get('PPP')) && !given(attrs.get('ID')));
  return noPlan && fail(Errors.MISSING_ARGUMENT, `${noPlan[0]}_PPP`);
}

/** -4: each value against its type, length and allowed values, in the table's order. */
function invalid({ v, items }: Rung, ctx: LadderContext): PlaceOrderError | undefined {
  const values = { resellerKnown: ctx.reseller !== undefined, redirects: ctx.redirects };
  for (const spec of PLACE_ORDER_PARAMS) {
    const value = v(spec.name);
    if (value !== undefined && !validParam(spec, value, values)) return fail(Errors.INVALID_VALUE, spec.name);
  }
  const tooMany = items.find(([no]) => no > MAX_ITEMS_PER_ORDER);
  if (tooMany !== undefined) return fail(Errors.INVALID_VALUE, `${tooMany[0]}_PPP`);
  for (const [no, attrs] of items) {
    for (const spec of ITEM_ATTRS) {
      const value = attrs.get(spec.name);
      if (given(value) && !validAttr(spec, value)) return fail(Errors.INVALID_VALUE, `${no}_${spec.name}`);
    }
  }
  return undefined;
}

/** -70: the address must be deliverable-looking. */
function invalidEmail({ v }: Rung): PlaceOrderError | undefined {
  return emailAddressValid(v('emailAddress') ?? '') ? undefined : fail(Errors.INVALID_EMAIL, 'emailAddress');
}

/** -39: items are numbered 1, 2, 3… without gaps, and there is at least one. */
function itemMissing({ items }: Rung): PlaceOrderError | undefined {
  return items.length === 0 || items.some(([no], i) => no !== i + 1) ? fail(Errors.ITEM_MISSING) : undefined;
}

/** An item with the plan it names. */
interface Planned {
  readonly no: number;
  readonly attrs: ReadonlyMap<string, string>;
  readonly plan: Plan;
}

/** -65: every item names a plan of the catalog (the items with their plans). No Web product is ordered by ID. */
function plansOf({ items }: Rung, catalog: Catalog): Planned[] | PlaceOrderError {
  const planned: Planned[] = [];
  for (const [no, attrs] of items) {
    if (given(attrs.get('ID'))) return fail(Errors.PLAN_NOT_FOUND, `${no}_ID`);
    const plan = catalog.plan(Number(attrs.get('PPP')));
    if (!plan) return fail(Errors.PLAN_NOT_FOUND, `${no}_PPP`);
    planned.push({ no, attrs, plan });
  }
  return planned;
}

/** The offer code as the catalog spells it, when one is given with an allowed value. */
function offerCodeOf({ v }: Rung): string | undefined {
  const code = v('offerCode');
  return code === undefined ? undefined : canonicalAllowed(present(paramSpec('offerCode'), 'offerCode is a parameter'), code);
}

/** -83: known parameters that this order or its products do not take. */
function notApplicable(r: Rung, planned: readonly Planned[], catalog: Catalog): PlaceOrderError | undefined {
  const other = r.req.otherFamily[0];
  if (other !== undefined) return fail(Errors.NOT_APPLICABLE, other);
  for (const { no, attrs, plan } of planned) {
    const accepted = plan.product.itemAttributes;
    for (const [attr, value] of attrs) {
      if (attr !== 'PPP' && given(value) && !accepted.includes(attr)) return fail(Errors.NOT_APPLICABLE, `${no}_${attr}`);
    }
  }
  const offerCode = offerCodeOf(r);
  if (offerCode !== undefined) {
    const offer = catalog.offer(offerCode);
    const applies = offer?.webProducts === true && planned.some((p) => offerApplies(offer.appliesTo, p.plan));
    if (!applies) return fail(Errors.NOT_APPLICABLE, 'offerCode');
    // A free licence is the reseller's to give: with reseller=N nobody would authorize it, and
    // fresh guest addresses would make it unlimited (issue 13, finding 10).
    if (!isYes(r.v('reseller'))) return fail(Errors.NOT_APPLICABLE, 'offerCode');
  }
  if (r.v('licenceCode') !== undefined && planned.length !== 1) return fail(Errors.NOT_APPLICABLE, 'licenceCode');
  return undefined;
}

/** -54: one main licence (an SWP tier) per order. */
function oneMainLicence(planned: readonly Planned[]): PlaceOrderError | undefined {
  const second = planned.filter((p) => p.plan.product.mainLicence)[1];
  return second ? fail(Errors.ONE_MAIN_LICENCE, `${second.no}_PPP`) : undefined;
}

/** -62: the Partner tiers are sold to organisations. */
function companyName({ v }: Rung, planned: readonly Planned[]): PlaceOrderError | undefined {
  const companyNeeded = planned.some((p) => p.plan.product.requiredFields.includes('organizationName'));
  return companyNeeded && !v('organizationName') ? fail(Errors.COMPANY_NAME_MISSING, 'organizationName') : undefined;
}

/** -91: the reseller may sell every product of the order. */
function permission(planned: readonly Planned[], reseller: ResellerContext): PlaceOrderError | undefined {
  if (reseller.suspended) return fail(Errors.PERMISSION_DENIED, 'ap');
  const permitted = reseller.permittedPpp;
  const denied = permitted && planned.find((p) => !permitted.has(p.plan.ppp));
  return denied ? fail(Errors.PERMISSION_DENIED, `${denied.no}_PPP`) : undefined;
}

/** -38: reseller=Y orders debit the reseller, whose billing details must be validated. */
function resellerDetails({ v }: Rung, reseller: ResellerContext): PlaceOrderError | undefined {
  return isYes(v('reseller')) && !reseller.validated ? fail(Errors.RESELLER_DETAILS_MISSING, 'reseller') : undefined;
}

/** The request that passed every rung: typed, defaulted, normalized. */
function orderOf(r: Rung, planned: readonly Planned[], reseller: ResellerContext): OrderRequest {
  const { v, hasLogin, returning } = r;
  const contact: Record<string, string | undefined> = {};
  for (const field of CONTACT_FIELDS) {
    const value = v(field);
    if (value !== undefined) contact[field] = normalizeParam(present(paramSpec(field), `${field} is a parameter`), value);
  }
  const suppliedContact = { ...contact };
  contact.countryName ??= 'US';
  const items = planned.map(({ no, attrs, plan }): OrderItemRequest => {
    const mac = attrs.get('MACAddress');
    return {
      no,
      plan,
      visibility: attrs.get('visibility') === '0' ? 0 : -1,
      ...(given(mac) ? { macAddress: normalizeMac(mac) } : {}),
    };
  });
  const customerMode: CustomerMode = !hasLogin ? 'guest' : returning ? 'returning' : 'new';
  const offerCode = offerCodeOf(r);
  const licenceCode = v('licenceCode');
  return {
    reseller,
    resellerPays: isYes(v('reseller')),
    region: v('region') ?? 'Unknown',
    responseFormat: v('responseFormat') === '0' ? 0 : 1,
    customerMode,
    ...(hasLogin ? { loginName: present(v('loginName'), 'loginName is given'), loginPassword: present(v('loginPassword'), 'loginPassword is given (-3)') } : {}),
    emailAddress: present(v('emailAddress'), 'emailAddress is given (-3)'),
    contact,
    suppliedContact,
    items,
    ...(offerCode !== undefined ? { offerCode } : {}),
    ...(licenceCode !== undefined ? { licenceCode } : {}),
  };
}
