// Everything issue #6 adds to the HTTP server, registered in one place (docs/reliability.md):
// rate limits, security headers, timeouts, metrics, probes, signed redirects, idempotent
// retries. Called by buildApp before any route is added, so the hooks cover every route.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { registerGuards } from './guards.js';
import { registerIdempotency } from './idempotency.js';
import { Metrics } from './metrics.js';
import { probeRoutes } from './probes.routes.js';
import { registerSignedRedirects } from './signed-redirect.js';

export function registerHardening(app: FastifyInstance, ctx: AppContext): void {
  const metrics = new Metrics();
  // Order matters: the rate limits run before a key is claimed, so a -42 claims nothing.
  registerGuards(app, ctx, metrics);
  // Signing runs before the idempotency hook stores the answer, so a replay is signed too.
  registerSignedRedirects(app, ctx);
  registerIdempotency(app, ctx);
  probeRoutes(app, ctx, metrics);
}
