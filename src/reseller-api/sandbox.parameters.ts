// The sandbox endpoints a reseller's own automation calls (its CI resets the sandbox and moves
// its clock between test runs), as typed tables in the shape of the reseller endpoints', so
// the same checks and the same OpenAPI generator serve them.
import { Errors } from '../errors.js';
import type { ParamSpec } from '../place-order/parameters.js';
import { ALWAYS_POSSIBLE, COMMON_CODES, RESPONSE_FORMAT as RESELLER_RESPONSE_FORMAT, loginParams, type PostEndpointSpec } from './parameters.js';

export type SandboxEndpointName = 'SandboxReset' | 'SandboxClock';

export type SandboxEndpointSpec = PostEndpointSpec<SandboxEndpointName>;

const p = (spec: ParamSpec): ParamSpec => Object.freeze(spec);

const [LOGIN_NAME, LOGIN_PASSWORD] = loginParams("the sandbox reseller's");
const RESPONSE_FORMAT = p({ ...RESELLER_RESPONSE_FORMAT, description: '1: url-encoded answer; 0: newline-delimited answer.' });
const ADVANCE = p({ name: 'advance', group: 'reseller', requirement: 'optional', type: 'string', maxLength: 7, description: 'Moves the sandbox clock forward by a duration: a number and a unit, s, m, h, d or w (e.g. 40d).' });
const RESET = p({ name: 'reset', group: 'reseller', requirement: 'optional', type: 'char', maxLength: 1, allowed: ['Y', 'N'], defaultValue: 'N', description: 'Y: set the clock back to real time (before any advance in the same call).' });

/** The reseller endpoints' checks, then -91 for a live reseller's API user. */
const COMMON = [...COMMON_CODES, Errors.PERMISSION_DENIED.code];
const ALWAYS = ALWAYS_POSSIBLE;

export const SANDBOX_ENDPOINTS: readonly SandboxEndpointSpec[] = Object.freeze([
  {
    name: 'SandboxReset',
    summary: "Sandbox resellers only: delete this reseller's orders, licences, events and deliveries, and set its clock back to real time.",
    description: "API users, webhook endpoints and settings stay. A live reseller's API user gets -91 sandbox and nothing changes.",
    methods: ['post'],
    params: [LOGIN_NAME, LOGIN_PASSWORD, RESPONSE_FORMAT],
    errorCodes: [...COMMON, ...ALWAYS],
    success: [{ name: 'ordersRemoved', type: 'integer', description: 'How many orders were deleted.' }],
  },
  {
    name: 'SandboxClock',
    summary: "Sandbox resellers only: read, reset or move forward this reseller's test clock.",
    description:
      'Every request of the reseller runs on real time plus this offset (order dates, licence terms, renewal and refund windows, expiry webhooks). ' +
      'Without advance or reset the call only reads the clock. The offset never exceeds ten years. A live reseller: -91 sandbox.',
    methods: ['post'],
    params: [LOGIN_NAME, LOGIN_PASSWORD, ADVANCE, RESET, RESPONSE_FORMAT],
    errorCodes: [...COMMON, ...ALWAYS],
    success: [
      { name: 'offsetSeconds', type: 'integer', description: 'How far the clock runs ahead of real time.' },
      { name: 'now', type: 'string', description: "The reseller's clock, ISO-8601 UTC." },
    ],
  },
] satisfies SandboxEndpointSpec[]);
