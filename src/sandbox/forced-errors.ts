// The sandbox's table of forced errors: one email address per errorCode. A sandbox reseller's
// request whose emailAddress is `force-<N>@sandbox.placeorder.test` is answered with errorCode
// -N (after every real check passed), so an integrator can watch their code handle each of the
// spec's codes. `later-<N>@…` places the order normally and forces -N on the reseller endpoints
// for that order instead. docs/integrators.md prints this table; a test forces every row.
import { Errors, type ErrorDef } from '../errors.js';

/** The reserved domain (RFC 2606 `.test`: it can never be a real customer's address). */
export const SANDBOX_DOMAIN = 'sandbox.placeorder.test';

export interface ForcedError {
  readonly def: ErrorDef;
  /** The errorItem answered with it (a plausible parameter at fault), if the code names one. */
  readonly item?: string;
  /** Where it can be forced. */
  readonly on: 'PlaceOrder' | 'reseller endpoints';
}

const f = (def: ErrorDef, on: ForcedError['on'], item?: string): ForcedError =>
  Object.freeze(item === undefined ? { def, on } : { def, on, item });

/** Every code a sandbox can force, in catalog order. */
export const FORCED_ERRORS: readonly ForcedError[] = Object.freeze([
  f(Errors.NOT_HTTPS, 'PlaceOrder'),
  f(Errors.UNRECOGNIZED_ARGUMENT, 'PlaceOrder', 'sandboxArgument'),
  f(Errors.MISSING_ARGUMENT, 'PlaceOrder', 'name'),
  f(Errors.INVALID_VALUE, 'PlaceOrder', 'reseller'),
  f(Errors.UNKNOWN_ERROR, 'PlaceOrder'),
  f(Errors.NOT_ENOUGH_CREDIT, 'reseller endpoints'),
  f(Errors.LOGIN_FAILED, 'PlaceOrder'),
  f(Errors.GET_NOT_ALLOWED, 'reseller endpoints'),
  f(Errors.ALREADY_REFUNDED, 'reseller endpoints', 'orderNumber'),
  f(Errors.ORDER_CLOSED, 'reseller endpoints', 'orderNumber'),
  f(Errors.RESELLER_DETAILS_MISSING, 'PlaceOrder', 'reseller'),
  f(Errors.ITEM_MISSING, 'PlaceOrder'),
  f(Errors.CALL_LIMIT, 'PlaceOrder'),
  f(Errors.NOT_WHITELISTED_KEY, 'PlaceOrder'),
  f(Errors.OFFER_ONCE_PER_ACCOUNT, 'PlaceOrder', 'offerCode'),
  f(Errors.ONE_MAIN_LICENCE, 'PlaceOrder', '2_PPP'),
  f(Errors.RENEWAL_TOO_EARLY, 'PlaceOrder', 'licenceCode'),
  f(Errors.COMPANY_NAME_MISSING, 'PlaceOrder', 'organizationName'),
  f(Errors.PLAN_NOT_FOUND, 'PlaceOrder', '1_PPP'),
  f(Errors.INVALID_EMAIL, 'PlaceOrder', 'emailAddress'),
  f(Errors.SWP_ALREADY_ORDERED, 'PlaceOrder', '1_PPP'),
  f(Errors.NOT_APPLICABLE, 'PlaceOrder', '1_days'),
  f(Errors.PERMISSION_DENIED, 'PlaceOrder', '1_PPP'),
  f(Errors.SESSION_EXPIRED, 'PlaceOrder'),
  f(Errors.IDEMPOTENCY_KEY_REUSED, 'PlaceOrder', 'Idempotency-Key'),
  f(Errors.IDEMPOTENCY_KEY_IN_PROGRESS, 'PlaceOrder', 'Idempotency-Key'),
]);

const byCode = new Map(FORCED_ERRORS.map((e) => [e.def.code, e]));

/** `force-73@sandbox.placeorder.test` (any case, optional `+tag`) → the entry for -73. */
export function forcedBy(emailAddress: string, prefix: 'force' | 'later'): ForcedError | undefined {
  const m = /^([a-z]+)-([0-9]{1,4})(?:\+[^@]*)?@(.+)$/i.exec(emailAddress);
  if (!m || m[1]!.toLowerCase() !== prefix || m[3]!.toLowerCase() !== SANDBOX_DOMAIN) return undefined;
  return byCode.get(-Number(m[2]));
}

/** The address that forces a code, as the docs print it. */
export function forcingAddress(code: number): string {
  const e = byCode.get(code);
  if (!e) throw new Error(`errorCode ${code} cannot be forced`);
  return `${e.on === 'PlaceOrder' ? 'force' : 'later'}-${-code}@${SANDBOX_DOMAIN}`;
}

/** The table docs/integrators.md prints (rewritten by `npm run gen`, checked by a test). */
export function forcedErrorsMarkdown(): string {
  const rows = FORCED_ERRORS.map((e) => {
    const address = forcingAddress(e.def.code);
    const where = e.on === 'PlaceOrder' ? '!PlaceOrder' : 'reseller endpoints (order placed with this address)';
    return `| ${e.def.code} | \`${address}\` | ${where} | ${e.item === undefined ? '—' : `\`${e.item}\``} | ${e.def.template.replace('{item}', 'xxxx').replace('{date}', 'YYYY-MM-DD').replace(/\|/g, '\\|')} |`;
  });
  return ['| errorCode | emailAddress | answered by | errorItem | errorMessage |', '|---|---|---|---|---|', ...rows].join('\n');
}
