// HTTP for !SandboxReset and !SandboxClock: the same transport rules, parameter checks and
// API-user sign-in as the reseller endpoints, then a sandbox service call. A live reseller's
// API user is refused with -91 before anything changes.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { Errors, fail } from '../errors.js';
import { SandboxError, advanceClockById, clockStateById, parseDuration, resetClockById, resetSandboxById } from '../sandbox/sandbox.service.js';
import type { AnswerFields } from '../wire/form.js';
import { openPostCall, registerPostEndpoints, signInCaller } from './reseller-api.routes.js';
import { SANDBOX_ENDPOINTS, type SandboxEndpointSpec } from './sandbox.parameters.js';

export function sandboxRoutes(app: FastifyInstance, ctx: AppContext): void {
  registerPostEndpoints(app, SANDBOX_ENDPOINTS, (spec, req, reply) => handle(ctx, spec, req, reply));
}

async function handle(ctx: AppContext, spec: SandboxEndpointSpec, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const call = openPostCall(ctx, spec, req, reply);
  if (call.refused) return call.refused;
  const { values: v, error } = call;
  const advance = v.get('advance') || undefined;
  let seconds: number | undefined;
  if (advance !== undefined) {
    try {
      seconds = parseDuration(advance);
    } catch {
      return error(fail(Errors.INVALID_VALUE, 'advance'));
    }
  }
  const principal = await signInCaller(ctx, req, v);
  if (!principal) return error(fail(Errors.LOGIN_FAILED));
  if (!principal.sandbox) return error(fail(Errors.PERMISSION_DENIED, 'sandbox'));

  return call.once(principal, async (): Promise<AnswerFields> => {
    if (spec.name === 'SandboxReset') {
      const counts = await resetSandboxById(ctx.store, principal.resellerId);
      return [['errorCode', 0], ['ordersRemoved', counts.orders]];
    }
    try {
      if (v.get('reset') === 'Y') await resetClockById(ctx.store, ctx.clock, principal.resellerId);
      const state =
        seconds !== undefined
          ? await advanceClockById(ctx.store, ctx.clock, principal.resellerId, seconds)
          : await clockStateById(ctx.store, ctx.clock, principal.resellerId);
      return [['errorCode', 0], ['offsetSeconds', state.offsetSeconds], ['now', state.now]];
    } catch (e) {
      // Past the ten-year limit.
      if (e instanceof SandboxError) throw fail(Errors.INVALID_VALUE, 'advance');
      throw e;
    }
  });
}
