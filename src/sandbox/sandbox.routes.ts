// HTTP for !SandboxReset and !SandboxClock: the same transport rules, parameter checks and
// API-user sign-in as the reseller endpoints, then a sandbox service call. A live reseller's
// API user is refused with -91 before anything changes.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { Errors, fail, type PlaceOrderError } from '../errors.js';
import { authenticateApiUser, clientAddressOf } from '../reseller-api/api-auth.js';
import type { ResellerEndpointSpec } from '../reseller-api/parameters.js';
import { checkParams } from '../reseller-api/reseller-api.routes.js';
import { errorFields, responseFormatOf, sendAnswer, type Answer } from '../wire/answer.js';
import { parsePairs, queryOf, type AnswerFields } from '../wire/form.js';
import { UNSUPPORTED_BODY, endpointPaths } from '../wire/routing.js';
import { SANDBOX_ENDPOINTS, type SandboxEndpointSpec } from './sandbox.parameters.js';
import { isSandboxReseller } from './sandbox.repository.js';
import { SandboxError, advanceClockById, clockStateById, parseDuration, resetClockById, resetSandboxById } from './sandbox.service.js';

export function sandboxRoutes(app: FastifyInstance, ctx: AppContext): void {
  for (const spec of SANDBOX_ENDPOINTS) {
    const handler = (req: FastifyRequest, reply: FastifyReply) => handle(ctx, spec, req, reply);
    for (const url of endpointPaths(spec.name)) {
      app.get(url, handler);
      app.post(url, handler);
    }
  }
}

async function handle(ctx: AppContext, spec: SandboxEndpointSpec, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const pairs = parsePairs(queryOf(req.url), typeof req.body === 'string' ? req.body : undefined);
  const format = responseFormatOf(pairs.find((p) => p.name.toLowerCase() === 'responseformat')?.value);
  const answer = (a: Omit<Answer, 'format'>) => {
    req.errorCode = Number(a.fields[0]![1]);
    return sendAnswer(reply, { ...a, format });
  };
  const error = (e: PlaceOrderError) => answer({ fields: errorFields(e) });
  if (!ctx.config.allowHttp && !ctx.isHttps(req.raw)) return error(fail(Errors.NOT_HTTPS));
  if (req.method !== 'POST') return error(fail(Errors.GET_NOT_ALLOWED));
  if (req.body === UNSUPPORTED_BODY) return error(fail(Errors.INVALID_VALUE, 'Content-Type'));
  // The checks read only the parameter table, which has the reseller endpoints' shape.
  const checked = checkParams(spec as unknown as ResellerEndpointSpec, pairs);
  if (!checked.ok) return error(checked.error);
  const v = checked.values;
  const advance = v.get('advance') || undefined;
  let seconds: number | undefined;
  if (advance !== undefined) {
    try {
      seconds = parseDuration(advance);
    } catch {
      return error(fail(Errors.INVALID_VALUE, 'advance'));
    }
  }
  const principal = await authenticateApiUser(ctx, v.get('loginName')!, v.get('loginPassword')!, clientAddressOf(req.raw, ctx.config.trustedProxies));
  if (!principal) return error(fail(Errors.LOGIN_FAILED));
  if (!(await isSandboxReseller(ctx.store.db, principal.resellerId))) return error(fail(Errors.PERMISSION_DENIED, 'sandbox'));

  let fields: AnswerFields;
  if (spec.name === 'SandboxReset') {
    const counts = await resetSandboxById(ctx.store, principal.resellerId);
    fields = [['errorCode', 0], ['ordersRemoved', counts.orders]];
  } else {
    try {
      if (v.get('reset') === 'Y') await resetClockById(ctx.store, ctx.clock, principal.resellerId);
      const state =
        seconds !== undefined
          ? await advanceClockById(ctx.store, ctx.clock, principal.resellerId, seconds)
          : await clockStateById(ctx.store, ctx.clock, principal.resellerId);
      fields = [['errorCode', 0], ['offsetSeconds', state.offsetSeconds], ['now', state.now]];
    } catch (e) {
      // Past the ten-year limit.
      if (e instanceof SandboxError) return error(fail(Errors.INVALID_VALUE, 'advance'));
      throw e;
    }
  }
  return answer({ fields });
}
