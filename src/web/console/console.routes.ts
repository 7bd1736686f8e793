// The reseller console at /console: sign in with an API user of the reseller, see the balance
// and the orders waiting, find any order, authorize / reject / refund it (after a confirmation
// page), read and export the funds ledger, build ordering URLs, and manage redirect origins,
// the IP allowlist and the password. One file per page, each registering its routes with the
// signed-in router (./router.ts) and drawing in the page kit (./kit.ts). Lifecycle steps and the
// ledger are issue #3's services; sign-in is the reseller API's own authentication (lockout,
// expiry, allowlist included).
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { authenticateApiUser } from '../../reseller-api/api-auth.js';
import { clientAddressOf } from '../../wire/client-address.js';
import { html } from '../html.js';
import { isHttps, redirect } from '../request.js';
import { signInRoutes } from '../sign-in.js';
import { endSession } from '../../sessions/sessions.service.js';
import { clearCookie, cookieName } from '../session-cookies.js';
import { dashboard } from './dashboard.page.js';
import { ledger } from './ledger.page.js';
import { orderActions } from './order-actions.page.js';
import { order } from './order.page.js';
import { orderingUrls } from './ordering-url.page.js';
import { notifications } from './notifications.page.js';
import { orders } from './orders.page.js';
import { CONSOLE_COOKIE, consoleRouter, type ConsolePage } from './router.js';
import { settingsForms } from './settings.forms.js';
import { settings } from './settings.page.js';

/** The console's pages, in the order of its navigation. */
const PAGES: readonly ConsolePage[] = [dashboard, orders, order, orderActions, ledger, orderingUrls, notifications, settings, settingsForms];

export function consoleRoutes(app: FastifyInstance, ctx: AppContext): void {
  signInRoutes(app, ctx, {
    kind: 'console',
    home: '/console',
    cookie: CONSOLE_COOKIE,
    title: 'Sign in to the reseller console',
    intro: html`<p>Use a login of your reseller account's API users.</p>`,
    // The reseller API's own authentication: lockout, password expiry and the IP allowlist apply.
    authenticate: async (req, loginName, password) => {
      const principal = await authenticateApiUser(ctx, loginName, password, clientAddressOf(req.raw, ctx.config.trustedProxies));
      return principal && { resellerId: principal.resellerId, apiUserId: principal.apiUserId };
    },
  });
  const router = consoleRouter(app, ctx);
  router.post('/console/sign-out', async (req, reply, s) => {
    await endSession(ctx.store, s.session);
    clearCookie(reply, cookieName(CONSOLE_COOKIE, isHttps(ctx, req)), isHttps(ctx, req));
    return redirect(reply, '/console/sign-in');
  });
  for (const page of PAGES) page(router);
}
