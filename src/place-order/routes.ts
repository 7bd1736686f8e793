// HTTP for !PlaceOrder: parse once, load the reseller named by `ap` once, run the ladder, prove
// the customer, commit, answer. One answer per request (src/wire/answer.ts): its redirect target
// is parsed, checked and serialized before the ladder runs, so an order is stored only when its
// success answer can be sent as computed. With an Idempotency-Key the commit runs under a key
// claimed in the scope of whoever is placing the order (docs/reliability.md).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findResellerContext } from '../resellers/resellers.repository.js';
import { Errors, PlaceOrderError, fail } from '../errors.js';
import type { AppContext } from '../app-context.js';
import { endpointOf, keyHeaderOf, requestScope } from '../idempotency/idempotency.js';
import { orderOfRequest } from '../orders/orders.repository.js';
import { clientAddressOf } from '../wire/client-address.js';
import { answerOf, errorFields, placedOrderFields, responseFormatOf, sendAnswer, type Answer } from '../wire/answer.js';
import { requestPairs, type AnswerFields } from '../wire/form.js';
import type { RedirectTarget } from '../wire/redirect.js';
import { redactedParams } from '../wire/redact.js';
import { commitPreparedOrder, prepareOrder, type PreparedOrder } from './service.js';
import { canonicalize, redirectsOf, validatePlaceOrder, type Redirects } from './validate.js';
import { noteOriginSighting } from '../resellers/resellers.repository.js';
import { unregisteredTargetAnswer } from '../web/redirect-page.js';
import { UNSUPPORTED_BODY, endpointPaths } from '../wire/routing.js';
import { isOrderingPageRequest, serveOrderingPage } from '../web/ordering/ordering.routes.js';

export function placeOrderRoutes(app: FastifyInstance, ctx: AppContext): void {
  const handler = (req: FastifyRequest, reply: FastifyReply) => handle(ctx, req, reply);
  for (const url of endpointPaths('PlaceOrder')) {
    // No automatic HEAD route: it would run the GET handler, place the order and send no answer
    // to acknowledge it (found by the fuzzer, issue 13). HEAD is an unknown method here.
    app.get(url, { exposeHeadRoute: false }, handler);
    app.post(url, handler);
  }
}

async function handle(ctx: AppContext, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const pairs = requestPairs(req);
  const request = canonicalize(pairs);
  const format = responseFormatOf(request.values.get('responseFormat'));
  // A target on an origin the reseller has not registered is shown, not followed (issue 16).
  const answer = (fields: AnswerFields, redirect?: RedirectTarget) =>
    redirect && !redirect.registered
      ? unregisteredTargetAnswer(fields, redirect, request.values.get('ap'))
      : answerOf(fields, { format, redirect, method: req.method });
  if (!ctx.config.allowHttp && !ctx.isHttps(req.raw)) return sendAnswer(reply, answer(errorFields(fail(Errors.NOT_HTTPS))));
  if (req.body === UNSUPPORTED_BODY) return sendAnswer(reply, answer(errorFields(fail(Errors.INVALID_VALUE, 'Content-Type'))));
  // A browser opening an ordering URL, or that page's form coming back (docs/web.md).
  if (isOrderingPageRequest(req.method, pairs, request)) return serveOrderingPage(ctx, req, reply, pairs, request);
  const keyHeader = keyHeaderOf(req);
  if (keyHeader.kind === 'malformed') return sendAnswer(reply, answer(errorFields(fail(Errors.INVALID_VALUE, 'Idempotency-Key'))));

  const ap = request.values.get('ap');
  const reseller = ap && ap.length <= 64 ? await findResellerContext(ctx.store.db, ap) : undefined;
  const redirects = redirectsOf(request, reseller);
  const refused = (e: PlaceOrderError) => answer(errorFields(e), redirects.errorURL ?? undefined);
  const result = validatePlaceOrder(request, { catalog: ctx.catalog, reseller, redirects });
  if (!result.ok) return sendAnswer(reply, refused(result.error));
  let prepared: PreparedOrder;
  try {
    prepared = await prepareOrder(ctx, result.order, clientAddressOf(req.raw, ctx.config.trustedProxies));
  } catch (error) {
    if (error instanceof PlaceOrderError) return sendAnswer(reply, refused(error));
    throw error;
  }
  const placed = (o: { orderNumber: number; totalCents: number; currency: string }) => answer(placedOrderFields(o), redirects.successURL ?? undefined);
  const commit = async (requestId: string): Promise<Answer> => {
    try {
      const order = await commitPreparedOrder(ctx, prepared, { requestId, auditParams: redactedParams(pairs) });
      noteUnregisteredOrigins(ctx, req, result.order.reseller.id, redirects, order.orderNumber);
      return placed(order);
    } catch (error) {
      if (error instanceof PlaceOrderError) return refused(error);
      throw error;
    }
  };
  if (keyHeader.kind === 'none') return sendAnswer(reply, await commit(req.id));

  const resellerId = result.order.reseller.id;
  // A returning (or new) customer proved the password for this login; a guest is nobody, so a
  // guest's key is bound to the request itself (src/idempotency/idempotency.ts).
  const scope =
    prepared.caller !== undefined
      ? `r:${resellerId}:login:${prepared.caller}`
      : requestScope(`r:${resellerId}:guest`, endpointOf(req.url), pairs);
  // Had a dead attempt committed its order, running again would place a second one.
  const recover = async (requestId: string, claimedAt: string) => {
    const order = await orderOfRequest(ctx.store.db, requestId, resellerId, claimedAt);
    return order && placed({ orderNumber: order.id, totalCents: order.total_cents, currency: order.currency });
  };
  const outcome = await ctx.idempotency.once({ req, key: keyHeader.key, scope, pairs, format }, commit, recover);
  return sendAnswer(reply, outcome.answer, { replayed: outcome.replayed });
}

/**
 * Remembers the origins of unregistered targets of a placed order, so the reseller's console can
 * offer to register them (issue 16). Only placed orders count: a refused request, which anyone
 * can send for any brand, would let strangers put look-alike origins on that list (outside
 * attack, finding 6). Best effort: a failure here is logged and changes nothing of the order.
 */
function noteUnregisteredOrigins(ctx: AppContext, req: FastifyRequest, resellerId: number, redirects: Redirects, orderNumber: number): void {
  for (const target of [redirects.successURL, redirects.errorURL]) {
    if (!target || target.registered) continue;
    const at = ctx.clock.now().toISOString();
    ctx.store
      .write((tx) => noteOriginSighting(tx, resellerId, target.origin, at, orderNumber))
      .catch((error: unknown) => req.log.warn({ err: error }, 'could not note an unregistered redirect origin'));
  }
}
