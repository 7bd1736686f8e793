// Notifications in the server: the public routes always; the sender and scheduler when there
// is somewhere to send (PLACEORDER_SMTP_URL, or the demo's folder of .eml files), started when
// the server listens and stopped, after the round in flight, when it closes. Without either,
// messages are written and wait (pending) until a relay is configured.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { MailDispatcher } from './dispatcher.js';
import { notificationRoutes } from './mail.routes.js';
import { folderTransport, smtpTransport, type MailTransport } from './transport.js';

export function mailTransportFor(ctx: AppContext): MailTransport | undefined {
  const m = ctx.config.mail;
  if (m.smtpUrl !== '') return smtpTransport({ url: m.smtpUrl, clientName: m.smtpName || undefined, timeoutMs: m.timeoutMs });
  return ctx.config.demo ? folderTransport(m.dir) : undefined;
}

export function registerNotifications(app: FastifyInstance, ctx: AppContext): void {
  let listening = '';
  const publicUrl = () => ctx.config.mail.publicUrl || listening || `http://${ctx.config.host}:${ctx.config.port}`;
  notificationRoutes(app, ctx, publicUrl);
  const transport = mailTransportFor(ctx);
  if (!transport) return;
  let dispatcher: MailDispatcher | undefined;
  app.addHook('onListen', async () => {
    const address = app.server.address() as AddressInfo | null;
    if (address && typeof address === 'object') listening = `${ctx.config.hardening.tlsCert ? 'https' : 'http'}://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    dispatcher = new MailDispatcher({ store: ctx.store, clock: ctx.clock, catalog: ctx.catalog, transport, mail: { ...ctx.config.mail, publicUrl: publicUrl() }, log: app.log });
    dispatcher.start();
    app.log.info({ transport: transport.kind, ...(transport.kind === 'folder' ? { dir: ctx.config.mail.dir } : {}) }, 'notifications: sending email');
  });
  app.addHook('onClose', async () => {
    await dispatcher?.stop();
    transport.close();
  });
}
