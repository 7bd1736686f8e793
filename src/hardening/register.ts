// Everything issue #6 adds to the HTTP server, registered in one place (docs/reliability.md):
// idempotent retries. Called by buildApp before any route is added, so the hooks cover all.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { registerIdempotency } from './idempotency.js';

export function registerHardening(app: FastifyInstance, ctx: AppContext): void {
  registerIdempotency(app, ctx);
}
