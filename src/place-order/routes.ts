// HTTP for !PlaceOrder: parse once, load the reseller named by `ap`, run the ladder, commit,
// answer. The transport rule (-1) comes before anything is read.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findResellerContext } from '../resellers/resellers.repository.js';
import { Errors, PlaceOrderError, fail } from '../errors.js';
import type { AppContext } from '../app-context.js';
import { errorFields, placedOrderFields, responseFormatOf, sendAnswer, type Answer } from '../wire/answer.js';
import { requestPairs } from '../wire/form.js';
import { redactedParams } from '../wire/redact.js';
import { placeCheckedOrder } from './service.js';
import { canonicalize, redirectAllowed, validatePlaceOrder } from './validate.js';
import { UNSUPPORTED_BODY, endpointPaths } from '../wire/routing.js';
import { isOrderingPageRequest, serveOrderingPage } from '../web/ordering/ordering.routes.js';

export function placeOrderRoutes(app: FastifyInstance, ctx: AppContext): void {
  const handler = (req: FastifyRequest, reply: FastifyReply) => handle(ctx, req, reply);
  for (const url of endpointPaths('PlaceOrder')) {
    app.get(url, handler);
    app.post(url, handler);
  }
}

async function handle(ctx: AppContext, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const pairs = requestPairs(req);
  const request = canonicalize(pairs);
  const format = responseFormatOf(request.values.get('responseFormat'));
  const answer = (a: Omit<Answer, 'format'>) => {
    req.errorCode = Number(a.fields[0]![1]);
    return sendAnswer(reply, { ...a, format });
  };
  if (!ctx.config.allowHttp && !ctx.isHttps(req.raw)) return answer({ fields: errorFields(fail(Errors.NOT_HTTPS)) });
  if (req.body === UNSUPPORTED_BODY) return answer({ fields: errorFields(fail(Errors.INVALID_VALUE, 'Content-Type')) });
  // A browser opening an ordering URL, or that page's form coming back (docs/web.md).
  if (isOrderingPageRequest(req.method, pairs, request)) return serveOrderingPage(ctx, req, reply, pairs, request);

  const ap = request.values.get('ap');
  const reseller = ap && ap.length <= 64 ? await findResellerContext(ctx.store.db, ap) : undefined;
  const target = (name: 'errorURL' | 'successURL') => {
    const url = request.values.get(name);
    return url && redirectAllowed(url, reseller) ? url : undefined;
  };
  const result = validatePlaceOrder(request, { catalog: ctx.catalog, reseller });
  if (!result.ok) return answer({ fields: errorFields(result.error), redirect: target('errorURL') });
  try {
    const placed = await placeCheckedOrder(ctx, result.order, { requestId: req.id, auditParams: redactedParams(pairs) });
    return answer({ fields: placedOrderFields(placed), redirect: target('successURL') });
  } catch (error) {
    if (error instanceof PlaceOrderError) return answer({ fields: errorFields(error), redirect: target('errorURL') });
    throw error;
  }
}
