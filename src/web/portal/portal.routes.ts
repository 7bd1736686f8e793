// The customer portal at /account: a customer signs in with the loginName/loginPassword they
// chose when ordering, and sees their licences with a renew link inside the renewal window.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { isoDate } from '../../clock.js';
import { findCustomerByLogin } from '../../customers/customers.repository.js';
import type { Hasher } from '../../customers/hasher.js';
import { Errors, errorMessage } from '../../errors.js';
import { RENEWAL_WINDOW_DAYS } from '../../orders/account-rules.js';
import { html } from '../html.js';
import { customerName } from '../console/console.pages.js';
import { termText } from '../ordering/ordering.page.js';
import { messagePage, sendPage } from '../page.js';
import { Form, currentSession, fromOwnPage, isHttps, redirect, refuseForeign, refuseInsecure } from '../request.js';
import { webKey } from '../secret.js';
import { signInPage } from '../console/console.pages.js';
import {
  SESSION_TTL_SECONDS,
  checkCsrf,
  checkSignInCsrf,
  clearCookie,
  cookieName,
  cookiesOf,
  endSession,
  newPreSessionNonce,
  setCookie,
  signInCsrf,
  startSession,
} from '../sessions/sessions.service.js';
import { customerById, licencesOfCustomer, renewedCodes, waitingOrdersOfCustomer } from './portal.repository.js';
import type { LicenceView } from './portal.pages.js';
import { portalPage } from './portal.pages.js';

const COOKIE = 'po_account';
const PRE_COOKIE = 'po_account_pre';
const DAY_MS = 86_400_000;

export function portalRoutes(app: FastifyInstance, ctx: AppContext): void {
  const key = webKey(ctx.config);

  const showSignIn = (req: FastifyRequest, reply: FastifyReply, error?: string, loginName?: string) => {
    const https = isHttps(ctx, req);
    const nonce = newPreSessionNonce();
    setCookie(reply, cookieName(PRE_COOKIE, https), nonce, https, 3600);
    const code = error ? Errors.LOGIN_FAILED.code : 0;
    return sendPage(
      reply,
      signInPage({
        action: '/account/sign-in',
        title: 'Sign in to see your licences',
        csrf: signInCsrf(key, nonce),
        error,
        loginName,
        errorCode: code,
        intro: html`<p>Use the login name and password you chose when you placed your order.</p>`,
      }),
      { errorCode: code },
    );
  };

  app.get('/account/sign-in', async (req, reply) => {
    const insecure = refuseInsecure(ctx, req, reply);
    if (insecure) return insecure;
    if (await currentSession(ctx, req, 'portal', COOKIE)) return redirect(reply, '/account');
    return showSignIn(req, reply);
  });

  app.post('/account/sign-in', async (req, reply) => {
    const insecure = refuseInsecure(ctx, req, reply);
    if (insecure) return insecure;
    const https = isHttps(ctx, req);
    const form = new Form(req.body);
    if (!fromOwnPage(req) || !checkSignInCsrf(key, cookiesOf(req).get(cookieName(PRE_COOKIE, https)), form.get('csrf'))) return refuseForeign(reply);
    const loginName = form.get('loginName') ?? '';
    const password = form.get('loginPassword') ?? '';
    let customerId: number | undefined;
    if (loginName !== '' && password !== '' && [...loginName].length <= 64 && [...password].length <= 128) {
      const row = await findCustomerByLogin(ctx.store.db, loginName);
      // Unknown names cost one verification too, so timing does not tell which names exist.
      const proven = await ctx.hasher.verify(row?.password_hash ?? (await dummyHash(ctx.hasher)), password);
      if (row && proven) customerId = row.id;
    }
    if (customerId === undefined) {
      req.log.info('portal sign-in refused');
      return showSignIn(req, reply, `Error ${Errors.LOGIN_FAILED.code}: ${errorMessage(Errors.LOGIN_FAILED)}`, loginName.slice(0, 64));
    }
    const { token } = await startSession(ctx.store, ctx.clock, { kind: 'portal', customerId });
    clearCookie(reply, cookieName(PRE_COOKIE, https), https);
    setCookie(reply, cookieName(COOKIE, https), token, https, SESSION_TTL_SECONDS.portal);
    return redirect(reply, '/account');
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
      req.log.error({ err: error }, 'unexpected error in the portal');
      const code = Errors.UNKNOWN_ERROR.code;
      return sendPage(reply, messagePage('Something went wrong', code, html`<p class="error">Error ${code}: ${errorMessage(Errors.UNKNOWN_ERROR)} Reference: <code>${req.id}</code>.</p>`), { errorCode: code });
    }
  });
}

const dummyHashes = new WeakMap<Hasher, Promise<string>>();
function dummyHash(hasher: Hasher): Promise<string> {
  let h = dummyHashes.get(hasher);
  if (!h) dummyHashes.set(hasher, (h = hasher.hash(randomBytes(24).toString('base64'))));
  return h;
}
