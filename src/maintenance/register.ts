// The server's housekeeping starts when it listens (not for in-process tests that only inject
// requests, like the webhook dispatcher) and stops, after the batch in flight, when it closes.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { Maintenance } from './maintenance.js';

export function registerMaintenance(app: FastifyInstance, ctx: AppContext): void {
  const maintenance = new Maintenance({ store: ctx.store, clock: ctx.clock, config: ctx.config, log: app.log });
  app.addHook('onListen', async () => maintenance.start());
  app.addHook('onClose', async () => maintenance.stop());
}
