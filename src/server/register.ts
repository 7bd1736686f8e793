// The HTTP server's own hooks (issue #6), registered in one place
// (docs/reliability.md): rate limits, security headers, timeouts, metrics, probes. Called by
// buildApp before any route is added, so the hooks cover every route. Signed redirects and
// idempotent retries are no hooks: they are part of computing an answer (src/wire/answer.ts,
// src/idempotency/idempotency.ts), done by the endpoints themselves.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { registerGuards } from './guards.js';
import { Metrics } from '../observability/metrics.js';
import { probeRoutes } from '../observability/probes.routes.js';

export function registerServerHooks(app: FastifyInstance, ctx: AppContext): void {
  const metrics = new Metrics();
  registerGuards(app, ctx, metrics);
  probeRoutes(app, ctx, metrics);
}
