// A client that closes its connection before its request body is complete (issue 13, finding
// 10.6). That is routine on the internet, not a fault of ours: the app's error handler answers
// it (into the void) as a short body and logs one info line, never an "unexpected error" with a
// stack, and never anything of the body.
import type { FastifyError, FastifyRequest } from 'fastify';

/**
 * Node aborts such a request with ECONNRESET ("aborted") while its `complete` is false. The same
 * code from elsewhere (a database connection reset) once the request has fully arrived stays an
 * unexpected error. (`destroyed` would not do: Node also sets it when a body was read to its end;
 * and an in-process request, which has no `complete` at all, never arrived over a socket.)
 */
export function isClientAbort(error: Pick<FastifyError, 'code'>, req: { readonly raw: { readonly complete?: boolean } }): boolean {
  return error.code === 'ECONNRESET' && req.raw.complete === false;
}

export function logClientAbort(req: FastifyRequest, error: FastifyError): void {
  req.log.info({ code: error.code }, 'client closed the connection before sending the whole request');
}
