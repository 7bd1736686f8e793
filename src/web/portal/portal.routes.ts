// The customer portal at /account: a customer signs in with the loginName/loginPassword they
// chose when ordering, and sees their licences with a renew link inside the renewal window.
import { present } from '../../assert.js';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { isoDate } from '../../clock.js';
import { customerById, type CustomerAccount } from '../../customers/accounts.repository.js';
import { proveCustomer } from '../../customers/customers.service.js';
import { licencesOfCustomer, renewedCodes, waitingOrdersOfCustomer, type CustomerLicence } from '../../orders/customer-orders.repository.js';
import { clientAddressOf } from '../../wire/client-address.js';
import { RENEWAL_WINDOW_DAYS } from '../../orders/account-rules.js';
import { html } from '../html.js';
import { termText } from '../ordering/ordering.page.js';
import { sendPage, sendUnexpectedError } from '../page.js';
import { Form, currentSession, fromOwnPage, isHttps, redirect, refuseForeign, refuseInsecure } from '../request.js';
import { signInRoutes } from '../sign-in.js';
import { endSession } from '../../sessions/sessions.service.js';
import { checkCsrf, clearCookie, cookieName } from '../session-cookies.js';
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
      const customer = await customerById(ctx.store.db, present(session.customerId, 'a portal session belongs to a customer'));
      if (!customer) {
        await endSession(ctx.store, session);
        return redirect(reply, '/account/sign-in');
      }
      const licences = await licencesOfCustomer(ctx.store.db, customer.id);
      const renewed = await renewedCodes(ctx.store.db, licences.map((l) => l.code));
      const waiting = await waitingOrdersOfCustomer(ctx.store.db, customer.id);
      return sendPage(
        reply,
        portalPage({
          csrf: session.csrf,
          name: customer.name || customer.loginName,
          loginName: customer.loginName,
          licences: licences.map((l) => licenceView(ctx, customer, l, renewed)),
          waiting: waiting.map((w) => ({ id: w.orderNumber, status: w.status, createdAt: w.createdAt, totalCents: w.totalCents, currency: w.currency })),
        }),
        { errorCode: 0 },
      );
    } catch (error) {
      return sendUnexpectedError(req, reply, error, 'portal');
    }
  });
}

/** A licence as the portal lists it, with a renew link once its renewal window opens. */
function licenceView(ctx: AppContext, customer: CustomerAccount, l: CustomerLicence, renewed: ReadonlySet<string>): LicenceView {
  const now = ctx.clock.now();
  const plan = ctx.catalog.plan(l.ppp);
  const expires = new Date(l.expiresAt);
  const windowOpens = new Date(expires.getTime() - RENEWAL_WINDOW_DAYS * DAY_MS);
  const status = l.revokedAt !== null ? 'Revoked' : l.orderStatus !== 'active' ? l.orderStatus : expires <= now ? 'Expired' : 'Active';
  const renewable = l.revokedAt === null && l.orderStatus === 'active' && !renewed.has(l.code);
  const view: LicenceView = {
    product: plan ? `${plan.product.name}, ${termText(plan.term)}` : l.productCode,
    status,
    start: isoDate(new Date(l.startsAt)),
    expiry: isoDate(expires),
    code: l.code,
    orderNumber: l.orderNumber,
  };
  if (!renewable) return view;
  if (now < windowOpens) return { ...view, renewFrom: isoDate(windowOpens) };
  const q = new URLSearchParams({
    ap: l.ap,
    reseller: l.resellerPays ? 'Y' : 'N',
    product: String(l.ppp),
    licenceCode: l.code,
    isReturningCustomer: 'Y',
    loginName: customer.loginName,
    emailAddress: customer.emailAddress,
  });
  return { ...view, renewHref: `/products/!PlaceOrder?${q.toString()}` };
}
