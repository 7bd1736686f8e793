// /products/!PlaceOrder answers two callers: a reseller's back end (the API, src/place-order/)
// and a customer's browser (the ordering page, src/web/ordering/). This entry, above both, parses
// the request once and decides which of them answers it; neither knows the other.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { answerPlaceOrder, transportRefusal } from '../place-order/routes.js';
import { canonicalize } from '../place-order/request.js';
import { isOrderingPageRequest, serveOrderingPage } from '../web/ordering/ordering.routes.js';
import { unregisteredTargetAnswer } from '../web/redirect-page.js';
import { sendAnswer } from '../wire/answer.js';
import { requestPairs } from '../wire/form.js';
import { endpointPath } from '../wire/routing.js';

export function productsRoutes(app: FastifyInstance, ctx: AppContext): void {
  const handler = (req: FastifyRequest, reply: FastifyReply) => handle(ctx, req, reply);
  const url = endpointPath('PlaceOrder');
  // No automatic HEAD route: it would run the GET handler, place the order and send no answer
  // to acknowledge it (found by the fuzzer, issue 13). HEAD is an unknown method here.
  app.get(url, { exposeHeadRoute: false }, handler);
  app.post(url, handler);
}

async function handle(ctx: AppContext, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const pairs = requestPairs(req);
  const request = canonicalize(pairs);
  const refusal = transportRefusal(ctx, req, request);
  if (refusal) return sendAnswer(reply, refusal);
  // A browser opening an ordering URL, or that page's form coming back (docs/web.md).
  if (isOrderingPageRequest(req.method, pairs, request)) return serveOrderingPage(ctx, req, reply, pairs, request);
  return answerPlaceOrder(ctx, req, reply, { pairs, request, unregisteredTarget: unregisteredTargetAnswer });
}
