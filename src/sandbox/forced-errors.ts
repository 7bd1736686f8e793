// The sandbox's table of forced errors: one email address per errorCode. A sandbox reseller's
// request whose emailAddress is `force-<N>@sandbox.placeorder.test` is answered with errorCode
// -N (after every real check passed), so an integrator can watch their code handle each of the
// spec's codes. `later-<N>@…` places the order normally and forces -N on the reseller endpoints
// for that order instead. docs/integrators.md prints this table; a test forces every row.
import { Errors, type ErrorDef, type ErrorName } from '../errors.js';

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

/** The codes forced on the reseller endpoints (`later-<N>@…`); every other one on !PlaceOrder. */
const ON_RESELLER_ENDPOINTS: ReadonlySet<ErrorName> = new Set(['NOT_ENOUGH_CREDIT', 'GET_NOT_ALLOWED', 'ALREADY_REFUNDED', 'ORDER_CLOSED']);

/** The errorItem a forced code is answered with, for the codes that name one. */
const ITEMS: Partial<Record<ErrorName, string>> = {
  UNRECOGNIZED_ARGUMENT: 'sandboxArgument',
  MISSING_ARGUMENT: 'name',
  INVALID_VALUE: 'reseller',
  ALREADY_REFUNDED: 'orderNumber',
  ORDER_CLOSED: 'orderNumber',
  RESELLER_DETAILS_MISSING: 'reseller',
  OFFER_ONCE_PER_ACCOUNT: 'offerCode',
  ONE_MAIN_LICENCE: '2_PPP',
  RENEWAL_TOO_EARLY: 'licenceCode',
  COMPANY_NAME_MISSING: 'organizationName',
  PLAN_NOT_FOUND: '1_PPP',
  INVALID_EMAIL: 'emailAddress',
  SWP_ALREADY_ORDERED: '1_PPP',
  NOT_APPLICABLE: '1_days',
  PERMISSION_DENIED: '1_PPP',
  IDEMPOTENCY_KEY_REUSED: 'Idempotency-Key',
  IDEMPOTENCY_KEY_IN_PROGRESS: 'Idempotency-Key',
};

/** Every code of the catalog, in its order: a sandbox can force each one. */
export const FORCED_ERRORS: readonly ForcedError[] = Object.freeze(
  (Object.keys(Errors) as ErrorName[]).map((name) => f(Errors[name], ON_RESELLER_ENDPOINTS.has(name) ? 'reseller endpoints' : 'PlaceOrder', ITEMS[name])),
);

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
