// The server's dispatcher: it starts when the server listens (not for in-process tests that
// only inject requests) and stops, finishing its round, when the server closes.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { WebhookDispatcher } from './dispatcher.js';

export function registerWebhooks(app: FastifyInstance, ctx: AppContext): void {
  const dispatcher = new WebhookDispatcher({ store: ctx.store, clock: ctx.clock, log: app.log, allowPrivateAddresses: ctx.config.webhookAllowPrivate });
  app.addHook('onListen', async () => dispatcher.start());
  app.addHook('onClose', async () => dispatcher.stop());
}
