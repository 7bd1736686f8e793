// What every conformance check is written with: its shape, the suite's options, the requests it
// sends (`post`, `get`, a valid `guest` order) and the judgements of what comes back over HTTP.
// A check throws CheckFailure with what it expected and what it got.
import { present } from '../assert.js';
import { send, type Pairs, type Reply, type Target } from './http.js';

export class CheckFailure extends Error {
  override name = 'CheckFailure';
}

export interface SuiteOptions {
  readonly target: Target;
  /** A reseller brand whose billing details are validated (reseller=Y orders succeed). */
  readonly ap: string;
  /** The reseller's API user, for the reseller endpoints. */
  readonly login?: string | undefined;
  readonly password?: string | undefined;
  /** Makes this run's customer login names and emails unique. */
  readonly runId: string;
}

export interface Check {
  readonly id: string;
  /** The rule, in one line, as printed. */
  readonly rule: string;
  run(s: SuiteOptions): Promise<void>;
}

const PLACE = '/products/!PlaceOrder';

export function expectThat(ok: boolean, message: string): void {
  if (!ok) throw new CheckFailure(message);
}

export function show(r: Reply): string {
  return `HTTP ${r.status} ${JSON.stringify(r.body.slice(0, 160))}`;
}

/** Success: HTTP 200, url-encoded, errorCode=0 first, an order number. */
export function expectOrder(r: Reply): void {
  expectThat(r.status === 200, `expected HTTP 200, got ${show(r)}`);
  expectThat(r.names[0] === 'errorCode' && r.fields.errorCode === '0', `expected errorCode=0 first, got ${show(r)}`);
  expectThat(/^[A-Za-z0-9-]{1,128}$/.test(r.fields.orderNumber ?? ''), `expected an orderNumber, got ${show(r)}`);
}

/** A check that one request places an order: `send` sends it, and the answer must be a success. */
export function placesOrder(id: string, rule: string, send: (s: SuiteOptions) => Promise<Reply>): Check {
  return { id, rule, run: async (s) => expectOrder(await send(s)) };
}

/** An API error: HTTP 200, errorCode first, the code (and item) expected. */
export function expectError(r: Reply, code: number, item?: string): void {
  expectThat(r.status === 200, `expected HTTP 200 with errorCode=${code}, got ${show(r)}`);
  expectThat(r.names[0] === 'errorCode', `expected errorCode as the first field, got ${show(r)}`);
  expectThat(r.fields.errorCode === String(code), `expected errorCode=${code}${item ? ` (errorItem=${item})` : ''}, got ${show(r)}`);
  if (item !== undefined) expectThat(r.fields.errorItem === item, `expected errorItem=${item}, got ${show(r)}`);
  expectThat((r.fields.errorMessage ?? '') !== '', `expected an errorMessage, got ${show(r)}`);
}

/** A valid guest order of one-year Web DNS Pro, with `extra` pairs appended or replacing. */
export function guest(s: SuiteOptions, replace: Record<string, string | undefined> = {}, extra: Pairs = []): Array<[string, string]> {
  const base: Record<string, string | undefined> = {
    ap: s.ap,
    reseller: 'Y',
    emailAddress: `conformance-${s.runId}@example.com`,
    name: 'Conformance Check',
    '1_PPP': '9974',
    ...replace,
  };
  const pairs: Array<[string, string]> = Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined);
  return [...pairs, ...extra.map(([k, v]): [string, string] => [k, v])];
}

export const post = (s: SuiteOptions, pairs: Pairs, path = PLACE) => send(s.target, 'POST', path, pairs);
export const get = (s: SuiteOptions, pairs: Pairs, path = PLACE) => send(s.target, 'GET', path, pairs);

/** The API user's sign-in pairs (the reseller checks run only when the suite has them). */
export function apiLogin(s: SuiteOptions, password = present(s.password, 'the reseller checks run with --password')): Pairs {
  return [['loginName', present(s.login, 'the reseller checks run with --login')], ['loginPassword', password]];
}
