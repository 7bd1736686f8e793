// The closed catalog of answers placeorder gives. Every code has one meaning forever; the
// message texts of the spec's table are copied exactly (placeholders `xxxx`/`xxx`/`YYYY-MM-DD`
// are filled in by `errorMessage`). The order of `PLACE_ORDER_PRECEDENCE` is the checking order
// of docs/api/place-order.md ("Checking order"): the first failing check wins.

export interface ErrorDef {
  readonly code: number;
  /** Message template; `{item}` is the parameter name, `{date}` a YYYY-MM-DD date. */
  readonly template: string;
  /** Where the code comes from: the published spec, an issue of ours, or our own extension. */
  readonly origin: 'spec' | 'reseller-api' | 'extension';
}

function def(code: number, template: string, origin: ErrorDef['origin'] = 'spec'): ErrorDef {
  return Object.freeze({ code, template, origin });
}

export const Errors = Object.freeze({
  NOT_HTTPS: def(-1, 'Request was not made over HTTPS!'),
  UNRECOGNIZED_ARGUMENT: def(-2, "'{item}' is an unrecognized argument!"),
  MISSING_ARGUMENT: def(-3, "The '{item}' argument is missing!"),
  INVALID_VALUE: def(-4, "The value of the '{item}' argument is invalid!"),
  UNKNOWN_ERROR: def(-14, 'An unknown error occurred!'),
  NOT_ENOUGH_CREDIT: def(-15, 'Not enough credit!', 'reseller-api'),
  LOGIN_FAILED: def(
    -16,
    'Incorrect login details, account is locked, password has expired or your source IP is blocked.',
  ),
  GET_NOT_ALLOWED: def(-17, 'Request used GET rather than POST!', 'reseller-api'),
  ALREADY_REFUNDED: def(-18, 'This order has already been refunded!', 'reseller-api'),
  ORDER_CLOSED: def(-20, 'The order has already been rejected, refunded or cancelled!', 'reseller-api'),
  RESELLER_DETAILS_MISSING: def(
    -38,
    "Certain details that must be validated for '{item}' are missing from this Account!",
  ),
  ITEM_MISSING: def(-39, 'At least 1 item is missing from this order!'),
  CALL_LIMIT: def(-42, 'Call limit reached!', 'reseller-api'),
  NOT_WHITELISTED_KEY: def(-44, 'Not a white-listed public key!'),
  OFFER_ONCE_PER_ACCOUNT: def(-45, 'This offer is limited to one free license per account!'),
  ONE_MAIN_LICENCE: def(-54, 'The order can have one main license only!'),
  RENEWAL_TOO_EARLY: def(
    -56,
    'Your current license expires on {date}. Licenses can only be renewed up to 30 days prior to the expiry of your existing license.',
  ),
  COMPANY_NAME_MISSING: def(-62, 'Company name is required but missing.'),
  PLAN_NOT_FOUND: def(-65, 'PlanID for this product not found.'),
  INVALID_EMAIL: def(-70, 'Invalid Email Address!'),
  SWP_ALREADY_ORDERED: def(-73, 'This account has already ordered this SWP product!'),
  NOT_APPLICABLE: def(-83, "'{item}' is not applicable to this order!"),
  PERMISSION_DENIED: def(-91, "Permission Denied. '{item}'"),
  SESSION_EXPIRED: def(-97, 'Session is expired'),
  // Beyond the spec: idempotent retries (Idempotency-Key header). Numbers far from the
  // spec's range so they can never collide with a code the vendor adds later.
  IDEMPOTENCY_KEY_REUSED: def(
    -1001,
    'This Idempotency-Key was already used with different parameters!',
    'extension',
  ),
  IDEMPOTENCY_KEY_IN_PROGRESS: def(
    -1002,
    'A request with this Idempotency-Key is still being processed!',
    'extension',
  ),
});

export type ErrorName = keyof typeof Errors;

/** The checking order of !PlaceOrder (docs/api/place-order.md, "Checking order"). */
export const PLACE_ORDER_PRECEDENCE: readonly number[] = Object.freeze([
  -1, -2, -3, -4, -70, -39, -65, -83, -54, -62, -91, -38, -16, -45, -73, -56,
]);

/** A failed check: the catalog entry plus the parameter at fault (if any). */
export class PlaceOrderError extends Error {
  readonly code: number;
  readonly item: string | undefined;
  readonly def: ErrorDef;

  constructor(errorDef: ErrorDef, item?: string, date?: string) {
    super(errorMessage(errorDef, item, date));
    this.name = 'PlaceOrderError';
    this.def = errorDef;
    this.code = errorDef.code;
    this.item = item;
  }
}

export function errorMessage(errorDef: ErrorDef, item?: string, date?: string): string {
  return errorDef.template.replace('{item}', item ?? '').replace('{date}', date ?? '');
}

export function fail(errorDef: ErrorDef, item?: string, date?: string): PlaceOrderError {
  return new PlaceOrderError(errorDef, item, date);
}

const byCode = new Map<number, ErrorDef>(Object.values(Errors).map((e) => [e.code, e]));

export function errorByCode(code: number): ErrorDef | undefined {
  return byCode.get(code);
}
