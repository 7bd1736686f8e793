// The web faces of placeorder besides the ordering page (which lives on !PlaceOrder itself):
// the start page (/), the stylesheet, the reseller console (/console) and the customer portal
// (/account).
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { consoleRoutes } from './console/console.routes.js';
import { RECEIPT_PATH, showReceipt } from './ordering/receipt.js';
import { securityHeaders } from './page.js';
import { portalRoutes } from './portal/portal.routes.js';
import { startRoutes } from './start/start.routes.js';
import { STYLESHEET } from './style.js';

export function webRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/web/style.css', (_req, reply) => {
    securityHeaders(reply, {});
    // Public and identical for everyone; an hour keeps page loads light without pinning old styles.
    return reply.header('cache-control', 'public, max-age=3600').type('text/css; charset=utf-8').send(STYLESHEET);
  });
  // Browsers ask for it on every first visit; an empty answer keeps the logs free of 404s.
  app.get('/favicon.ico', (_req, reply) => reply.code(204).header('cache-control', 'public, max-age=86400').send());
  app.get(RECEIPT_PATH, (req, reply) => showReceipt(ctx, req, reply));
  consoleRoutes(app, ctx);
  portalRoutes(app, ctx);
  startRoutes(app, ctx);
}
