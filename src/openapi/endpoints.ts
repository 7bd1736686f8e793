// What the generated documents say about each endpoint, assembled from the typed tables that
// validation itself reads (place-order/parameters.ts, errors.ts, the catalog). Nothing here
// restates a parameter, a length or a message: it only chooses which tables an endpoint uses.
import type { Catalog } from '../catalog/catalog.js';
import { Errors, PLACE_ORDER_PRECEDENCE, type ErrorDef } from '../errors.js';
import { ITEM_ATTRS, PLACE_ORDER_PARAMS, type ItemAttrSpec, type ParamSpec } from '../place-order/parameters.js';
import { RESELLER_ENDPOINTS } from '../reseller-api/parameters.js';
import { SANDBOX_ENDPOINTS } from '../reseller-api/sandbox.parameters.js';

/** A request parameter as the documents need it (ParamSpec is one). */
export interface ParamDoc {
  readonly name: string;
  readonly aliases?: readonly string[] | undefined;
  readonly requirement: 'required' | 'optional' | 'conditional';
  readonly type: 'string' | 'char' | 'integer';
  readonly maxLength: number;
  readonly allowed?: readonly string[] | undefined;
  readonly defaultValue?: string | undefined;
  readonly description: string;
}

/** A field of a successful answer, in the order it is written. */
export interface AnswerFieldDoc {
  readonly name: string;
  readonly type: 'string' | 'integer';
  readonly description: string;
}

export interface EndpointDoc {
  /** The name after `!` in `/products/!NAME`. */
  readonly name: string;
  readonly summary: string;
  readonly description: string;
  readonly methods: readonly ('get' | 'post')[];
  readonly params: readonly ParamDoc[];
  readonly itemAttrs: readonly ItemAttrSpec[];
  /** Every errorCode this endpoint can answer besides 0, in checking order. */
  readonly errorCodes: readonly number[];
  readonly success: readonly AnswerFieldDoc[];
}

/** Codes every endpoint may answer whatever the request: the unexpected, limits, retries. */
const COMMON_CODES: readonly number[] = [
  Errors.UNKNOWN_ERROR.code,
  Errors.CALL_LIMIT.code,
  Errors.IDEMPOTENCY_KEY_REUSED.code,
  Errors.IDEMPOTENCY_KEY_IN_PROGRESS.code,
];

/**
 * The spec lists -44 (public keys; no Web product carries one) and -97 (interactive ordering
 * pages) for !PlaceOrder. They stay in the documented values so that a client's switch over
 * the spec's table type-checks, with a note that the API never answers them.
 */
export const NEVER_ANSWERED_BY_API: ReadonlyMap<number, string> = new Map([
  [Errors.NOT_WHITELISTED_KEY.code, 'Listed by the spec; no Web product is ordered with a public key, so !PlaceOrder never answers it.'],
  [Errors.SESSION_EXPIRED.code, 'Listed by the spec; belongs to the interactive ordering pages (a form older than its time limit), not to API calls.'],
]);

function uniq(codes: readonly number[]): number[] {
  return [...new Set(codes)];
}

export function placeOrderEndpoint(catalog: Catalog): EndpointDoc {
  const ppps = catalog.products.flatMap((p) => p.plans.map((plan) => `${plan.ppp} ${p.name} ${plan.term}`));
  return {
    name: 'PlaceOrder',
    summary: 'Place an order for one or more Web products.',
    description:
      'Parameter names are matched case-insensitively; the first occurrence of a repeated name wins. ' +
      'Items are `N_NAME` or `_N_NAME` (N = 1, 2, 3… without gaps, at most 10). ' +
      'Checks run in the documented order and the first failure is answered. ' +
      `Pricing codes (N_PPP): ${ppps.join('; ')}.`,
    methods: ['get', 'post'],
    params: PLACE_ORDER_PARAMS as readonly ParamSpec[],
    itemAttrs: ITEM_ATTRS,
    errorCodes: uniq([
      ...PLACE_ORDER_PRECEDENCE,
      ...COMMON_CODES,
      Errors.NOT_WHITELISTED_KEY.code,
      Errors.SESSION_EXPIRED.code,
    ]),
    success: [
      { name: 'orderNumber', type: 'string', description: 'The new order number.' },
      { name: 'totalCost', type: 'string', description: 'The order total as a decimal amount, e.g. 48.99.' },
      { name: 'currency', type: 'string', description: 'ISO 4217 currency of totalCost.' },
    ],
  };
}

/** Every endpoint the server answers: !PlaceOrder, the reseller endpoints, the sandbox endpoints. */
export function allEndpoints(catalog: Catalog): EndpointDoc[] {
  return [
    placeOrderEndpoint(catalog),
    ...RESELLER_ENDPOINTS.map((e): EndpointDoc => ({ ...e, itemAttrs: [] })),
    ...SANDBOX_ENDPOINTS.map((e): EndpointDoc => ({ ...e, itemAttrs: [] })),
  ];
}

/** Every catalog entry, in catalog order, for the client's code table. */
export function allErrorDefs(): Array<readonly [string, ErrorDef]> {
  return Object.entries(Errors);
}
