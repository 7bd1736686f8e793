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

/** An entry as the catalog below writes it: the origin is the spec unless it says otherwise. */
type Entry = Omit<ErrorDef, 'origin'> & { readonly origin?: ErrorDef['origin'] };

/** The catalog from its entries, each frozen with its origin filled in. */
function catalog<Name extends string>(entries: Record<Name, Entry>): Readonly<Record<Name, ErrorDef>> {
  const out = {} as Record<Name, ErrorDef>;
  for (const name of Object.keys(entries) as Name[]) {
    const { code, template, origin = 'spec' } = entries[name];
    out[name] = Object.freeze({ code, template, origin });
  }
  return Object.freeze(out);
}

// Each entry gives its code and message template, and its origin where that is not the spec.
export const Errors = catalog({
  NOT_HTTPS: {
    code: -1,
    template: 'Request was not made over HTTPS!',
  },
  UNRECOGNIZED_ARGUMENT: {
    code: -2,
    template: "'{item}' is an unrecognized argument!",
  },
  MISSING_ARGUMENT: {
    code: -3,
    template: "The '{item}' argument is missing!",
  },
  INVALID_VALUE: {
    code: -4,
    template: "The value of the '{item}' argument is invalid!",
  },
  UNKNOWN_ERROR: {
    code: -14,
    template: 'An unknown error occurred!',
  },
  NOT_ENOUGH_CREDIT: {
    code: -15,
    template: 'Not enough credit!',
    origin: 'reseller-api',
  },
  LOGIN_FAILED: {
    code: -16,
    template: 'Incorrect login details, account is locked, password has expired or your source IP is blocked.',
  },
  GET_NOT_ALLOWED: {
    code: -17,
    template: 'Request used GET rather than POST!',
    origin: 'reseller-api',
  },
  ALREADY_REFUNDED: {
    code: -18,
    template: 'This order has already been refunded!',
    origin: 'reseller-api',
  },
  ORDER_CLOSED: {
    code: -20,
    template: 'The order has already been rejected, refunded or cancelled!',
    origin: 'reseller-api',
  },
  RESELLER_DETAILS_MISSING: {
    code: -38,
    template: "Certain details that must be validated for '{item}' are missing from this Account!",
  },
  ITEM_MISSING: {
    code: -39,
    template: 'At least 1 item is missing from this order!',
  },
  CALL_LIMIT: {
    code: -42,
    template: 'Call limit reached!',
    origin: 'reseller-api',
  },
  NOT_WHITELISTED_KEY: {
    code: -44,
    template: 'Not a white-listed public key!',
  },
  OFFER_ONCE_PER_ACCOUNT: {
    code: -45,
    template: 'This offer is limited to one free license per account!',
  },
  ONE_MAIN_LICENCE: {
    code: -54,
    template: 'The order can have one main license only!',
  },
  RENEWAL_TOO_EARLY: {
    code: -56,
    template: 'Your current license expires on {date}. Licenses can only be renewed up to 30 days prior to the expiry of your existing license.',
  },
  COMPANY_NAME_MISSING: {
    code: -62,
    template: 'Company name is required but missing.',
  },
  PLAN_NOT_FOUND: {
    code: -65,
    template: 'PlanID for this product not found.',
  },
  INVALID_EMAIL: {
    code: -70,
    template: 'Invalid Email Address!',
  },
  SWP_ALREADY_ORDERED: {
    code: -73,
    template: 'This account has already ordered this SWP product!',
  },
  NOT_APPLICABLE: {
    code: -83,
    template: "'{item}' is not applicable to this order!",
  },
  PERMISSION_DENIED: {
    code: -91,
    template: "Permission Denied. '{item}'",
  },
  SESSION_EXPIRED: {
    code: -97,
    template: 'Session is expired',
  },
  // Beyond the spec: idempotent retries (Idempotency-Key header). Numbers far from the
  // spec's range so they can never collide with a code the vendor adds later.
  IDEMPOTENCY_KEY_REUSED: {
    code: -1001,
    template: 'This Idempotency-Key was already used with different parameters!',
    origin: 'extension',
  },
  IDEMPOTENCY_KEY_IN_PROGRESS: {
    code: -1002,
    template: 'A request with this Idempotency-Key is still being processed!',
    origin: 'extension',
  },
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
