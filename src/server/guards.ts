// Hooks every answer passes through: rate limits (-42 with Retry-After), security headers,
// server timeouts, metrics, and an errorCode body even for HTTP Node cannot parse.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { Errors, errorMessage, fail } from '../errors.js';
import { answerOf, errorFields, responseFormatOf, sendAnswer } from '../wire/answer.js';
import { encodeUrlEncoded, firstValue, parsePairs, queryOf, type RawPair } from '../wire/form.js';
import { normalizeAddress } from '../wire/transport.js';
import { newRequestId } from '../random-ids.js';
import type { Metrics } from '../observability/metrics.js';
import { RateLimiter } from '../rate-limits/rate-limit.js';

/** Probes answer whatever the limits: an orchestrator must always see the truth. */
export const PROBE_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

const HSTS = 'max-age=31536000; includeSubDomains';

function pathOf(req: FastifyRequest): string {
  return req.url.split('?')[0]!;
}

function callLimit(req: FastifyRequest, reply: FastifyReply, pairs: readonly RawPair[], waitSeconds: number): FastifyReply {
  reply.header('retry-after', String(waitSeconds));
  return sendAnswer(reply, answerOf(errorFields(fail(Errors.CALL_LIMIT)), { format: responseFormatOf(firstValue(pairs, 'responseformat')) }));
}

export function registerGuards(app: FastifyInstance, ctx: AppContext, metrics: Metrics): void {
  const cfg = ctx.config.hardening;
  // Slow clients: a request's headers must arrive within headersTimeoutMs and the whole
  // request within requestTimeoutMs; Node then answers through the clientError handler below.
  app.server.headersTimeout = cfg.headersTimeoutMs;
  app.server.requestTimeout = cfg.requestTimeoutMs;
  replaceClientErrorHandler(app);
  answerWhatNodeWouldNot(app);

  const byAddress = new RateLimiter(cfg.rateByAddress, ctx.clock);

  // The hooks take Fastify's callback form: every request passes through them, and an async hook
  // costs a promise and a turn of the microtask queue each (docs/benchmarks.md). A hook that
  // answers (callLimit) does not call done: the answer ends the request.
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    if (!PROBE_PATHS.has(pathOf(req))) {
      const wait = byAddress.take(normalizeAddress(req.socket.remoteAddress ?? ''));
      if (wait > 0) return void callLimit(req, reply, parsePairs(queryOf(req.url)), wait);
    }
    done();
  });

  app.addHook('onSend', (req, reply, payload, done) => {
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    if ((req.raw.socket as TLSSocket).encrypted || ctx.isHttps(req.raw)) reply.header('strict-transport-security', HSTS);
    done(null, payload);
  });

  app.addHook('onResponse', (req, reply, done) => {
    const endpoint = req.routeOptions.url ?? 'unmatched';
    metrics.observe(endpoint, req.errorCode, reply.elapsedTime / 1000);
    if (endpoint.endsWith('/!PlaceOrder') && req.errorCode === 0 && reply.getHeader('idempotent-replayed') === undefined) {
      metrics.ordersPlaced++;
    }
    done();
  });
}

/**
 * Fastify's default answer to HTTP that Node cannot parse is a JSON body without errorCode.
 * This one answers in the API's format, and logs the error code alone: the raw bytes of a
 * malformed request (which may hold a password) are never logged.
 */
function replaceClientErrorHandler(app: FastifyInstance): void {
  app.server.removeAllListeners('clientError');
  app.server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const reqId = newRequestId();
    let status = 400;
    let item = 'request';
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      status = 408;
    } else if (err.code === 'HPE_HEADER_OVERFLOW') {
      status = 431;
      item = 'headers';
    }
    if (err.code === 'HPE_INVALID_EOF_STATE') {
      // The client closed its side mid-request: nothing malformed. A request already under way
      // is logged once, at info, by the app's error handler (issue 13, finding 10.6); this line
      // is for debugging. A client that only half-closed still gets the answer below.
      app.log.debug({ reqId, code: err.code, status }, 'client closed the connection mid-request');
    } else {
      app.log.info({ reqId, code: err.code, status }, 'malformed or slow request refused');
    }
    // A request of this connection, received whole, is still being answered: the bytes after
    // its body did not parse (a Content-Length counted in characters, a broken pipelined request). Its answer
    // goes first, then this one: answering now would cut off an order that may be placed
    // (outside attack on issue 14, F1).
    const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (inFlight && !inFlight.writableFinished && inFlight.req.complete) {
      inFlight.once('close', () => rawAnswer(socket, status, item, reqId));
      return;
    }
    rawAnswer(socket, status, item, reqId);
  });
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  417: 'Expectation Failed',
  431: 'Request Header Fields Too Large',
};

/** A -4 answer written straight to a socket that Fastify never sees, and the socket closed. */
function rawAnswer(socket: Socket, status: number, item: string, reqId: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = encodeUrlEncoded([
    ['errorCode', Errors.INVALID_VALUE.code],
    ['errorMessage', errorMessage(Errors.INVALID_VALUE, item)],
    ['errorItem', item],
  ]);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Bad Request'}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n' +
      'Cache-Control: no-store\r\n' +
      'Referrer-Policy: no-referrer\r\n' +
      'X-Content-Type-Options: nosniff\r\n' +
      `X-Request-Id: ${reqId}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/**
 * Requests Node answers (or drops) before Fastify sees them: an `Expect` other than
 * `100-continue` (Node's own 417 has no errorCode) and `CONNECT` (Node closes the socket without
 * a word). Both get an errorCode answer like any malformed request (second outside attack).
 */
export function answerWhatNodeWouldNot(app: FastifyInstance): void {
  app.server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    rawAnswer(res.socket as Socket, 417, 'Expect', newRequestId());
  });
  app.server.on('connect', (_req: IncomingMessage, socket: Socket) => rawAnswer(socket, 405, 'method', newRequestId()));
}
