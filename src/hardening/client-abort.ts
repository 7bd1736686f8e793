// A client that closes its connection before its request body is complete (issue 13, finding
// 10.6). That is routine on the internet, not a fault of ours: the app's error handler answers
// it (into the void) as a short body and logs one info line, never an "unexpected error" with a
// stack, and never anything of the body.
import type { FastifyError, FastifyRequest } from 'fastify';

/**
 * Node aborts such a request with ECONNRESET ("aborted") and destroys it. The same code from
 * elsewhere (a database connection reset) while the client is still there stays unexpected.
 */
export function isClientAbort(error: FastifyError, req: FastifyRequest): boolean {
  return error.code === 'ECONNRESET' && req.raw.destroyed;
}

export function logClientAbort(req: FastifyRequest, error: FastifyError): void {
  req.log.info({ code: error.code }, 'client closed the connection before sending the whole request');
}
