// HTTP for the reseller endpoints (!AutoAuthorize, !AutoReject, !AutoRefund, !GetOrderStatus):
// POST only, parameters checked against their typed table (parameters.ts), the API user signed
// in, then one lifecycle step. Answers are url-encoded with errorCode first (responseFormat=0:
// newline form), HTTP 200 for every API outcome, as for !PlaceOrder.
import { present } from '../assert.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { Errors, PlaceOrderError, fail } from '../errors.js';
import { formatCents } from '../money.js';
import {
  authorizeOrder,
  orderStatusOf,
  refundOrder,
  rejectOrder,
  type ActionOutcome,
  type ResellerAction,
} from '../orders/lifecycle.service.js';
import { charactersAllowed, type ParamSpec } from '../place-order/parameters.js';
import { keyHeaderOf } from '../idempotency/idempotency.js';
import { answerOf, errorFields, responseFormatOf, sendAnswer, type Answer } from '../wire/answer.js';
import { firstValue, requestPairs, type AnswerFields, type RawPair } from '../wire/form.js';
import { redactedParams } from '../wire/redact.js';
import { UNSUPPORTED_BODY, endpointPath } from '../wire/routing.js';
import { clientAddressOf } from '../wire/client-address.js';
import { authenticateApiUser, type ApiPrincipal } from './api-auth.js';
import { RESELLER_ENDPOINTS, type PostEndpointSpec, type ResellerEndpointSpec } from './parameters.js';
import { sandboxForResellerCall } from '../sandbox/sandbox.service.js';

export function resellerApiRoutes(app: FastifyInstance, ctx: AppContext): void {
  registerPostEndpoints(app, RESELLER_ENDPOINTS, (spec, req, reply) => handle(ctx, spec, req, reply));
}

/**
 * Each endpoint of the table at both its paths, for GET as well as POST: the handler answers a
 * GET with -17 (rather than the router with a 404), as the spec's error table asks.
 */
export function registerPostEndpoints<S extends PostEndpointSpec>(
  app: FastifyInstance,
  specs: readonly S[],
  handle: (spec: S, req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>,
): void {
  for (const spec of specs) {
    const handler = (req: FastifyRequest, reply: FastifyReply) => handle(spec, req, reply);
    app.get(endpointPath(spec.name), { exposeHeadRoute: false }, handler);
    app.post(endpointPath(spec.name), handler);
  }
}


type Checked = { ok: true; values: ReadonlyMap<string, string> } | { ok: false; error: PlaceOrderError };

/** -2, -3, -4 against the endpoint's table: names case-insensitive, first occurrence wins. */
export function checkParams(spec: Pick<PostEndpointSpec, 'params'>, pairs: readonly RawPair[]): Checked {
  const byLower = new Map(spec.params.map((s) => [s.name.toLowerCase(), s]));
  const values = new Map<string, string>();
  for (const { name, value } of pairs) {
    const s = byLower.get(name.toLowerCase());
    if (!s) return { ok: false, error: fail(Errors.UNRECOGNIZED_ARGUMENT, name) };
    if (!values.has(s.name)) values.set(s.name, value);
  }
  for (const s of spec.params) {
    if (s.requirement === 'required' && !values.get(s.name)) return { ok: false, error: fail(Errors.MISSING_ARGUMENT, s.name) };
  }
  for (const s of spec.params) {
    const value = values.get(s.name);
    if (value === undefined || value === '') continue;
    if (!validValue(s, value)) return { ok: false, error: fail(Errors.INVALID_VALUE, s.name) };
    if (s.allowed) values.set(s.name, present(s.allowed.find((a) => a.toUpperCase() === value.toUpperCase()), `a valid ${s.name} is one of its allowed values`));
  }
  return { ok: true, values };
}

function validValue(s: ParamSpec, value: string): boolean {
  if (value.length > s.maxLength && [...value].length > s.maxLength) return false;
  if (!charactersAllowed(s.name, value)) return false;
  if (s.allowed && !s.allowed.some((a) => a.toUpperCase() === value.toUpperCase())) return false;
  if (s.type === 'integer' && !/^[0-9]+$/.test(value)) return false;
  if (s.name === 'orderNumber') return Number(value) >= 1 && Number.isSafeInteger(Number(value));
  return true;
}

/** A POST endpoint's call past the transport rules and the parameter checks. */
export interface OpenedCall {
  readonly refused?: undefined;
  readonly pairs: readonly RawPair[];
  /** The parameters by their table names, `allowed` values in their table spelling. */
  readonly values: ReadonlyMap<string, string>;
  /** Sends `fields` (errorCode first) in the requested format. */
  answer(fields: AnswerFields): FastifyReply;
  error(e: PlaceOrderError): FastifyReply;
  /**
   * Answers with what `compute` gives for the signed-in API user — run once per
   * Idempotency-Key, in that user's own scope (docs/reliability.md); a PlaceOrderError it throws
   * is the answer too.
   */
  once(principal: ApiPrincipal, compute: () => Promise<AnswerFields>): Promise<FastifyReply>;
}

/**
 * The checks every endpoint of a `PostEndpointSpec` table runs first, in this order: -1 not
 * https, -17 not POST, -4 Content-Type, -4 Idempotency-Key, then -2/-3/-4 against the table.
 * Returns the call, or (as `refused`) the reply already sent with the first failure.
 */
export function openPostCall(
  ctx: AppContext,
  spec: PostEndpointSpec,
  req: FastifyRequest,
  reply: FastifyReply,
): OpenedCall | { readonly refused: FastifyReply } {
  const pairs = requestPairs(req);
  const format = responseFormatOf(firstValue(pairs, 'responseformat'));
  const answer = (fields: AnswerFields) => sendAnswer(reply, answerOf(fields, { format }));
  const error = (e: PlaceOrderError) => answer(errorFields(e));

  if (!ctx.config.allowHttp && !ctx.isHttps(req.raw)) return { refused: error(fail(Errors.NOT_HTTPS)) };
  // Credentials in a query string end up in proxy and server logs: these endpoints take POST only.
  if (req.method !== 'POST') return { refused: error(fail(Errors.GET_NOT_ALLOWED)) };
  if (req.body === UNSUPPORTED_BODY) return { refused: error(fail(Errors.INVALID_VALUE, 'Content-Type')) };
  const keyHeader = keyHeaderOf(req);
  if (keyHeader.kind === 'malformed') return { refused: error(fail(Errors.INVALID_VALUE, 'Idempotency-Key')) };
  const checked = checkParams(spec, pairs);
  if (!checked.ok) return { refused: error(checked.error) };
  const settle = async (compute: () => Promise<AnswerFields>): Promise<Answer> => {
    try {
      return answerOf(await compute(), { format });
    } catch (e) {
      if (e instanceof PlaceOrderError) return answerOf(errorFields(e), { format });
      throw e;
    }
  };
  const once = async (principal: ApiPrincipal, compute: () => Promise<AnswerFields>) => {
    const wait = ctx.resellerRate.take(`r:${principal.resellerId}`);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return error(fail(Errors.CALL_LIMIT));
    }
    if (keyHeader.kind === 'none') return sendAnswer(reply, await settle(compute));
    const call = { req, key: keyHeader.key, scope: `api:${principal.apiUserId}`, pairs, format };
    const outcome = await ctx.idempotency.once(call, () => settle(compute));
    return sendAnswer(reply, outcome.answer, { replayed: outcome.replayed });
  };
  return { pairs, values: checked.values, answer, error, once };
}

/** The API user of a checked call's loginName/loginPassword, or undefined (-16). */
export function signInCaller(ctx: AppContext, req: FastifyRequest, v: ReadonlyMap<string, string>): Promise<ApiPrincipal | undefined> {
  return authenticateApiUser(ctx, present(v.get('loginName'), 'a checked call has its loginName'), present(v.get('loginPassword'), 'a checked call has its loginPassword'), clientAddressOf(req.raw, ctx.config.trustedProxies));
}

async function handle(ctx: AppContext, spec: ResellerEndpointSpec, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const call = openPostCall(ctx, spec, req, reply);
  if (call.refused) return call.refused;
  const { pairs, values: v, error } = call;

  const principal = await signInCaller(ctx, req, v);
  if (!principal) return error(fail(Errors.LOGIN_FAILED));

  return call.once(principal, async () => {
    const action: ResellerAction = {
      resellerId: principal.resellerId,
      sandbox: principal.sandbox,
      orderNumber: Number(v.get('orderNumber')),
      requestId: req.id,
      auditParams: redactedParams(pairs),
    };
    // Sandbox resellers: their own test clock, and errors on demand (src/sandbox, docs/integrators.md).
    const sandbox = await sandboxForResellerCall(ctx.store.db, ctx.clock, { id: principal.resellerId, sandbox: principal.sandbox }, action.orderNumber);
    if (sandbox.forced) throw sandbox.forced;
    return run({ ...ctx, clock: sandbox.clock }, spec, principal, action, v);
  });
}

async function run(
  ctx: AppContext,
  spec: ResellerEndpointSpec,
  principal: ApiPrincipal,
  action: ResellerAction,
  v: ReadonlyMap<string, string>,
): Promise<AnswerFields> {
  switch (spec.name) {
    case 'AutoAuthorize': {
      const test = v.get('test') === 'Y';
      return [...orderFields(await authorizeOrder(ctx, action, test)), ['test', test ? 'Y' : undefined]];
    }
    case 'AutoReject':
      return orderFields(await rejectOrder(ctx, action));
    case 'AutoRefund':
      return orderFields(await refundOrder(ctx, action, Number(v.get('refundReasonCode'))));
    case 'GetOrderStatus': {
      const view = await orderStatusOf(ctx, principal.resellerId, action.orderNumber);
      if (!view) throw fail(Errors.INVALID_VALUE, 'orderNumber');
      const first = view.items[0];
      return [
        ['errorCode', 0],
        ['orderNumber', view.orderNumber],
        ['status', view.status],
        ['ap', view.ap],
        ...view.items.flatMap((i): AnswerFields => [
          [`${i.itemNo}_PPP`, i.ppp],
          [`${i.itemNo}_price`, formatCents(i.priceCents)],
          [`${i.itemNo}_licenceCode`, i.licenceCode],
          [`${i.itemNo}_startDate`, i.startDate],
          [`${i.itemNo}_expiryDate`, i.expiryDate],
        ]),
        ['totalCost', formatCents(view.totalCents)],
        ['currency', view.currency],
        ['licenceCode', first?.licenceCode],
        ['startDate', first?.startDate],
        ['expiryDate', first?.expiryDate],
      ];
    }
  }
}

function orderFields(o: ActionOutcome): AnswerFields {
  return [
    ['errorCode', 0],
    ['orderNumber', o.orderNumber],
    ['status', o.status],
    ['totalCost', formatCents(o.totalCents)],
    ['currency', o.currency],
  ];
}
