// The reseller endpoints as typed tables: their parameters (validation reads them, in this
// order) and their answers (the docs and the OpenAPI generator read them). Same shape as
// place-order/parameters.ts, so one generator serves every endpoint.
import { present } from '../assert.js';
import { Errors } from '../errors.js';
import type { ParamSpec } from '../place-order/parameters.js';

export type ResellerEndpointName = 'AutoAuthorize' | 'AutoReject' | 'AutoRefund' | 'GetOrderStatus';

/** A field of a successful answer, in the order it is written. */
export interface ResellerAnswerField {
  readonly name: string;
  readonly type: 'string' | 'integer';
  readonly description: string;
}

/**
 * An endpoint a reseller's API user calls (the reseller endpoints here, the sandbox endpoints in
 * src/sandbox): POST only, signed in with loginName/loginPassword, the same transport rules.
 */
export interface PostEndpointSpec<Name extends string = string> {
  readonly name: Name;
  readonly summary: string;
  readonly description: string;
  /** POST only: a GET is answered with -17. */
  readonly methods: readonly ['post'];
  readonly params: readonly ParamSpec[];
  /** Every errorCode this endpoint can answer besides 0, in checking order. */
  readonly errorCodes: readonly number[];
  readonly success: readonly ResellerAnswerField[];
}

export type ResellerEndpointSpec = PostEndpointSpec<ResellerEndpointName>;

const p = (spec: Omit<ParamSpec, 'group'> & { group?: ParamSpec['group'] }): ParamSpec =>
  Object.freeze({ group: 'login', ...spec }) as ParamSpec;

/** Longest order number we read: 19 digits is every 64-bit order number. */
export const ORDER_NUMBER_MAX_LENGTH = 19;

/** The sign-in parameters of an endpoint called by one of `whose` API users (e.g. "the reseller's"). */
export function loginParams(whose: string): readonly [ParamSpec, ParamSpec] {
  return [
    p({ name: 'loginName', requirement: 'required', type: 'string', maxLength: 64, description: `The login name of one of ${whose} API users (case-sensitive).` }),
    p({ name: 'loginPassword', requirement: 'required', type: 'string', maxLength: 128, description: "That API user's password (case-sensitive)." }),
  ];
}

const [LOGIN_NAME, LOGIN_PASSWORD] = loginParams("the reseller's");
const ORDER_NUMBER = p({ name: 'orderNumber', group: 'reseller', requirement: 'required', type: 'integer', maxLength: ORDER_NUMBER_MAX_LENGTH, description: 'The order number !PlaceOrder answered; it must be an order placed under this reseller’s brand.' });
export const RESPONSE_FORMAT = p({ name: 'responseFormat', group: 'transport', requirement: 'optional', type: 'integer', maxLength: 1, allowed: ['0', '1'], defaultValue: '1', description: '1: url-encoded answer; 0: newline-delimited answer (values only, one a line, in the documented order).' });
const TEST = p({ name: 'test', group: 'reseller', requirement: 'optional', type: 'char', maxLength: 1, allowed: ['Y', 'N'], defaultValue: 'N', description: 'Y: run every check and answer as if authorizing, but change nothing (no debit, no licence).' });
const REFUND_REASON_CODE = p({
  name: 'refundReasonCode',
  group: 'reseller',
  requirement: 'required',
  type: 'integer',
  maxLength: 2,
  allowed: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11'],
  description: 'Why the order is refunded, 1–11 (recorded with the order).',
});

/** Checks every reseller endpoint runs before its own, in this order. */
export const COMMON_CODES = [
  Errors.NOT_HTTPS.code,
  Errors.GET_NOT_ALLOWED.code,
  Errors.UNRECOGNIZED_ARGUMENT.code,
  Errors.MISSING_ARGUMENT.code,
  Errors.INVALID_VALUE.code,
  Errors.LOGIN_FAILED.code,
];
export const ALWAYS_POSSIBLE = [Errors.UNKNOWN_ERROR.code, Errors.CALL_LIMIT.code];

/** A field of an answer: its name, what it holds, and its type when it is not a string. */
const field = (name: string, description: string, type: ResellerAnswerField['type'] = 'string'): ResellerAnswerField => ({ name, type, description });

const ORDER_FIELDS: readonly ResellerAnswerField[] = [
  field('orderNumber', 'The order number.'),
  field('status', 'The order status after the call (docs/lifecycle.md).'),
  field('totalCost', 'The order total as a decimal amount, e.g. 48.99.'),
  field('currency', 'ISO 4217 currency of totalCost.'),
];

export const RESELLER_ENDPOINTS: readonly ResellerEndpointSpec[] = Object.freeze([
  {
    name: 'AutoAuthorize',
    summary: 'Authorize a reseller=Y order: debit its total from the reseller’s funds and activate it.',
    description:
      'Authorizing an order that is already authorized answers success and debits nothing. ' +
      'Not enough funds (balance plus credit limit): -15. Rejected, refunded or cancelled: -20. ' +
      'Unknown order, another reseller’s, or a reseller=N order: -4 orderNumber.',
    methods: ['post'],
    params: [LOGIN_NAME, LOGIN_PASSWORD, ORDER_NUMBER, TEST, RESPONSE_FORMAT],
    errorCodes: [...COMMON_CODES, Errors.ORDER_CLOSED.code, Errors.NOT_ENOUGH_CREDIT.code, ...ALWAYS_POSSIBLE],
    success: [...ORDER_FIELDS, field('test', 'Y when the call was a test (nothing changed); absent otherwise.')],
  },
  {
    name: 'AutoReject',
    summary: 'Reject a reseller=Y order that waits for authorization; nothing is debited.',
    description: 'Rejecting an order twice answers success. An order that is not pending (authorized, refunded, cancelled): -20.',
    methods: ['post'],
    params: [LOGIN_NAME, LOGIN_PASSWORD, ORDER_NUMBER, RESPONSE_FORMAT],
    errorCodes: [...COMMON_CODES, Errors.ORDER_CLOSED.code, ...ALWAYS_POSSIBLE],
    success: ORDER_FIELDS,
  },
  {
    name: 'AutoRefund',
    summary: 'Refund an authorized order within the refund period: the debit is reversed and the licences revoked.',
    description:
      'Already refunded, or past the refund period (operator setting, 30 days after authorization by default): -18. ' +
      'Never authorized (pending, rejected or cancelled): -20.',
    methods: ['post'],
    params: [LOGIN_NAME, LOGIN_PASSWORD, ORDER_NUMBER, REFUND_REASON_CODE, RESPONSE_FORMAT],
    errorCodes: [...COMMON_CODES, Errors.ALREADY_REFUNDED.code, Errors.ORDER_CLOSED.code, ...ALWAYS_POSSIBLE],
    success: ORDER_FIELDS,
  },
  {
    name: 'GetOrderStatus',
    summary: 'The status of an order placed under this reseller’s brand, with its items and licences.',
    description:
      'Each item N adds N_PPP, N_price and, once licensed, N_licenceCode, N_startDate and N_expiryDate. ' +
      'licenceCode, startDate and expiryDate repeat those of item 1 (the main licence of most orders).',
    methods: ['post'],
    params: [LOGIN_NAME, LOGIN_PASSWORD, ORDER_NUMBER, RESPONSE_FORMAT],
    errorCodes: [...COMMON_CODES, ...ALWAYS_POSSIBLE],
    success: [
      field('orderNumber', 'The order number.'),
      field('status', 'pending_authorization, awaiting_payment, active, expired, rejected, refunded or cancelled.'),
      field('ap', 'The reseller brand the order was placed under.'),
      field('N_PPP', 'Item N: its pricing code (one group of N_ fields per item, N = 1, 2, …).', 'integer'),
      field('N_price', 'Item N: its price.'),
      field('N_licenceCode', 'Item N: its licence code, once the order is active.'),
      field('N_startDate', 'Item N: first day of the licence, YYYY-MM-DD (UTC).'),
      field('N_expiryDate', 'Item N: the day (UTC) the licence expires, YYYY-MM-DD.'),
      field('totalCost', 'The order total as a decimal amount.'),
      field('currency', 'ISO 4217 currency of totalCost.'),
      field('licenceCode', 'Item 1’s licence code, when it exists.'),
      field('startDate', 'Item 1’s licence start, YYYY-MM-DD.'),
      field('expiryDate', 'Item 1’s licence expiry, YYYY-MM-DD.'),
    ],
  },
] satisfies ResellerEndpointSpec[]);

export function resellerEndpoint(name: ResellerEndpointName): ResellerEndpointSpec {
  return present(
    RESELLER_ENDPOINTS.find((e) => e.name === name),
    `every reseller endpoint name has its spec (${name})`,
  );
}
