// The customer portal at /account: a customer signs in with the loginName/loginPassword they
// chose when ordering, and sees their licences with a renew link inside the renewal window.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { isoDate } from '../../clock.js';
import { proveCustomer } from '../../customers/customers.service.js';
import { clientAddressOf } from '../../reseller-api/api-auth.js';
import { RENEWAL_WINDOW_DAYS } from '../../orders/account-rules.js';
import { html } from '../html.js';
import { customerName } from '../console/kit.js';
import { termText } from '../ordering/ordering.page.js';
import { sendPage, sendUnexpectedError } from '../page.js';
import { Form, currentSession, fromOwnPage, isHttps, redirect, refuseForeign, refuseInsecure } from '../request.js';
import { signInRoutes } from '../sign-in.js';
import { checkCsrf, clearCookie, cookieName, endSession } from '../sessions/sessions.service.js';
import { customerById, licencesOfCustomer, renewedCodes, waitingOrdersOfCustomer } from './portal.repository.js';
import type { LicenceView } from './portal.pages.js';
import { portalPage } from './portal.pages.js';

const COOKIE = 'po_account';
const DAY_MS = 86_400_000;

export function portalRoutes(app: FastifyInstance, ctx: AppContext): void {
  signInRoutes(app, ctx, {
    kind: 'portal',
    home: '/account',
    cookie: COOKIE,
    title: 'Sign in to see your licences',
    intro: html`<p>Use the login name and password you chose when you placed your order.</p>`,
    // Locked names, unknown names and wrong passwords alike (src/passwords/prover.ts).
    authenticate: async (req, loginName, password) => {
      const account = await proveCustomer(ctx, { loginName, password, source: clientAddressOf(req.raw, ctx.config.trustedProxies) });
      return account && { customerId: account.id };
    },
  });

  app.post('/account/sign-out', async (req, reply) => {
    const session = await currentSession(ctx, req, 'portal', COOKIE);
    if (!session || !fromOwnPage(req) || !checkCsrf(session, new Form(req.body).get('csrf'))) return refuseForeign(reply);
    await endSession(ctx.store, session);
    clearCookie(reply, cookieName(COOKIE, isHttps(ctx, req)), isHttps(ctx, req));
    return redirect(reply, '/account/sign-in');
  });

  app.get('/account', async (req, reply) => {
    const insecure = refuseInsecure(ctx, req, reply);
    if (insecure) return insecure;
    const session = await currentSession(ctx, req, 'portal', COOKIE);
    if (!session) return redirect(reply, '/account/sign-in');
    try {
      const customer = await customerById(ctx.store.db, session.customerId!);
      if (!customer) {
        await endSession(ctx.store, session);
        return redirect(reply, '/account/sign-in');
      }
      const rows = await licencesOfCustomer(ctx.store.db, customer.id);
      const renewed = await renewedCodes(ctx.store.db, rows.map((r) => r.code));
      const now = ctx.clock.now();
      const licences: LicenceView[] = rows.map((r) => {
        const plan = ctx.catalog.plan(r.ppp);
        const expires = new Date(r.expires_at);
        const windowOpens = new Date(expires.getTime() - RENEWAL_WINDOW_DAYS * DAY_MS);
        const status = r.revoked_at !== null ? 'Revoked' : r.status !== 'active' ? r.status : expires <= now ? 'Expired' : 'Active';
        const renewable = r.revoked_at === null && r.status === 'active' && !renewed.has(r.code);
        const view: LicenceView = {
          product: plan ? `${plan.product.name}, ${termText(plan.term)}` : r.product_code,
          status,
          start: isoDate(new Date(r.starts_at)),
          expiry: isoDate(expires),
          code: r.code,
          orderNumber: r.order_id,
        };
        if (!renewable) return view;
        if (now < windowOpens) return { ...view, renewFrom: isoDate(windowOpens) };
        const q = new URLSearchParams({
          ap: r.ap,
          reseller: r.reseller_pays === 1 ? 'Y' : 'N',
          product: String(r.ppp),
          licenceCode: r.code,
          isReturningCustomer: 'Y',
          loginName: customer.login_name,
          emailAddress: customer.email_address,
        });
        return { ...view, renewHref: `/products/!PlaceOrder?${q.toString()}` };
      });
      const waiting = await waitingOrdersOfCustomer(ctx.store.db, customer.id);
      let name = '';
      try {
        name = customerName(customer.details_json);
      } catch {
        name = '';
      }
      return sendPage(
        reply,
        portalPage({
          csrf: session.csrf,
          name: name || customer.login_name,
          loginName: customer.login_name,
          licences,
          waiting: waiting.map((w) => ({ id: w.id, status: w.status, createdAt: w.created_at, totalCents: w.total_cents, currency: w.currency })),
        }),
        { errorCode: 0 },
      );
    } catch (error) {
      return sendUnexpectedError(req, reply, error, 'portal');
    }
  });
}
