// Builds the HTTP server from explicit dependencies. Every answer — including parse failures,
// unknown paths and unexpected errors — carries an errorCode; no stack trace ever leaves.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { AppContext } from './app-context.js';
import type { Catalog } from './catalog/catalog.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import { CredentialCache } from './passwords/credential-cache.js';
import { HasherBusyError, type Hasher } from './passwords/hasher.js';
import { PasswordProver } from './passwords/prover.js';
import { Idempotency } from './idempotency/idempotency.js';
import { RateLimiter } from './rate-limits/rate-limit.js';
import type { Store } from './db/store.js';
import { Errors, fail } from './errors.js';
import { newRequestId } from './random-ids.js';
import { openApiRoutes } from './openapi/openapi.routes.js';
import { registerWebhooks } from './webhooks/register.js';
import { registerNotifications } from './mail/register.js';
import { registerMaintenance } from './maintenance/register.js';
import { sandboxRoutes } from './reseller-api/sandbox.routes.js';
import { registerServerHooks } from './server/register.js';
import { isClientAbort, logClientAbort } from './observability/client-abort.js';
import { tlsServerOptions } from './server/tls.js';
import { productsRoutes } from './products/products.routes.js';
import { resellerApiRoutes } from './reseller-api/reseller-api.routes.js';
import { webRoutes } from './web/web.routes.js';
import { URL_ENCODED, answerOf, errorFields, responseFormatOf, sendAnswer, unknownErrorFields, type Answer } from './wire/answer.js';
import { firstValue, parsePairs, queryOf } from './wire/form.js';
import { UNSUPPORTED_BODY } from './wire/routing.js';
import { httpsCheck } from './wire/transport.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The errorCode answered, for the access log line. */
    errorCode: number | undefined;
  }
}

export interface AppDeps {
  store: Store;
  catalog: Catalog;
  clock: Clock;
  hasher: Hasher;
  config: Config;
  logger: Logger;
  credentials?: CredentialCache;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const credentials = deps.credentials ?? new CredentialCache(deps.config.credentialCacheEntries);
  const policy = { threshold: deps.config.loginLockoutThreshold, lockSeconds: deps.config.loginLockoutMinutes * 60 };
  const ctx: AppContext = {
    store: deps.store,
    catalog: deps.catalog,
    clock: deps.clock,
    hasher: deps.hasher,
    config: deps.config,
    credentials,
    passwords: new PasswordProver({ store: deps.store, clock: deps.clock, hasher: deps.hasher, credentials, policy }),
    idempotency: new Idempotency({ store: deps.store, clock: deps.clock, config: deps.config }),
    resellerRate: new RateLimiter(deps.config.hardening.rateByReseller, deps.clock),
    isHttps: httpsCheck(deps.config.trustedProxies),
  };
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Fastify's own request lines log the full URL, query string (and so GET passwords)
    // included. One access line per request is written below instead, path only.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.config.bodyLimitBytes,
    genReqId: newRequestId,
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    keepAliveTimeout: 5_000,
    trustProxy: false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    return503OnClosing: false,
    ...tlsServerOptions(deps.config),
    // Errors Fastify raises before routing (a malformed URL, a bad Content-Type header).
    frameworkErrors: (error, req, reply) => {
      const item = error.code === 'FST_ERR_BAD_URL' ? 'URL' : 'Content-Type';
      return sendAnswer(reply, answerOf(errorFields(fail(Errors.INVALID_VALUE, item)), { status: 400 }));
    },
  });
  app.decorateRequest('errorCode', undefined);

  answerEveryRequest(app);

  registerServerHooks(app, ctx);
  registerMaintenance(app, ctx);
  productsRoutes(app, ctx);
  resellerApiRoutes(app, ctx);
  openApiRoutes(app, ctx);
  registerWebhooks(app, ctx);
  registerNotifications(app, ctx);
  sandboxRoutes(app, ctx);
  webRoutes(app, ctx);
  await app.ready();
  return app;
}

/**
 * What makes every request end in a spec answer with an errorCode: the body parsers (form bodies
 * only), the one access line per request, and the handlers of errors and unknown paths.
 */
function answerEveryRequest(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );
  // Any other media type: read (within the body limit) and refuse with -4 Content-Type.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, _body, done) => done(null, UNSUPPORTED_BODY));

  // Callback form, as the hooks of src/hardening/guards.ts: no promise per request.
  app.addHook('onResponse', (req, reply, done) => {
    req.log.info(
      {
        method: req.method,
        path: req.url.split('?')[0],
        status: reply.statusCode,
        errorCode: req.errorCode,
        ms: Math.round(reply.elapsedTime),
      },
      'answered',
    );
    done();
  });

  // Whatever throws inside a route or hook becomes a spec answer with an errorCode; an error
  // handler that threw itself would leave Fastify's own 500 JSON (issue 13, finding 2).
  app.setErrorHandler((error: FastifyError, req, reply) => {
    const answer = errorAnswer(error, req);
    if (isClientAbort(error, req)) logClientAbort(req, error);
    else if (answer.errorCode === Errors.UNKNOWN_ERROR.code) req.log.error({ err: error }, 'unexpected error');
    if (reply.sent) return;
    try {
      // A handler may have set headers of an answer it never sent (a Location among them).
      reply.removeHeader('location');
      reply.removeHeader('idempotent-replayed');
      return sendAnswer(reply, answer);
    } catch (sendError) {
      req.log.error({ err: sendError }, 'the error answer could not be sent');
      reply.raw.writeHead(200, { 'content-type': URL_ENCODED, 'cache-control': 'no-store' }).end(answer.body);
    }
  });

  app.setNotFoundHandler((req, reply) => {
    const fields = [
      ['errorCode', Errors.UNKNOWN_ERROR.code],
      ['errorMessage', `No endpoint at ${req.method} ${req.url.split('?')[0]!.slice(0, 100)}`],
    ] as const;
    // In a header too: a HEAD answer has no body (the API's endpoints have no HEAD route).
    const answer = answerOf(fields, { status: 404 });
    return sendAnswer(reply, { ...answer, headers: { 'x-placeorder-error-code': String(answer.errorCode) } });
  });
}

/** The answer to an error that escaped a route or a hook: the request's format, never a 5xx. */
function errorAnswer(error: FastifyError, req: FastifyRequest): Answer {
  const format = responseFormatOf(firstValue(parsePairs(queryOf(req.url)), 'responseformat'));
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
    return answerOf(errorFields(fail(Errors.INVALID_VALUE, 'requestBody')), { format });
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || error.code === 'FST_ERR_CTP_INVALID_TYPE') {
    return answerOf(errorFields(fail(Errors.INVALID_VALUE, 'Content-Type')), { format });
  }
  if (error instanceof HasherBusyError) return answerOf(errorFields(fail(Errors.CALL_LIMIT)), { format });
  // The client closed the connection before sending its whole body: nobody reads this answer.
  if (isClientAbort(error, req)) return answerOf(errorFields(fail(Errors.INVALID_VALUE, 'requestBody')), { format });
  return answerOf(unknownErrorFields(req.id), { format });
}
