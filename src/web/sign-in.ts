// The sign-in pages of the reseller console (/console/sign-in) and the customer portal
// (/account/sign-in): one flow, two credential checks. The form carries a CSRF token bound to a
// pre-session cookie (there is no session yet to bind it to); a refusal shows the form again
// with -16 and the login name, never saying whether the name exists; success starts a session
// in an HttpOnly cookie and goes to the signed-in home page.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { Errors, errorMessage } from '../errors.js';
import { maxLengthOf } from '../place-order/parameters.js';
import { html, type HtmlValue, type SafeHtml } from './html.js';
import { errorSummary, field, hidden, sendPage, shell } from './page.js';
import { Form, currentSession, fromOwnPage, isHttps, redirect, refuseForeign, refuseInsecure } from './request.js';
import { webKey } from './secret.js';
import { SESSION_TTL_SECONDS, startSession, type NewSession, type SessionKind } from '../sessions/sessions.service.js';
import { checkSignInCsrf, clearCookie, cookieName, cookiesOf, newPreSessionNonce, setCookie, signInCsrf } from './session-cookies.js';

/**
 * Longest login name and password we check: the parameter table's limits for loginName and
 * loginPassword, the same as the API's. The pre-session cookie lasts an hour: time to fill in
 * the form.
 */
const LIMITS = { loginNameChars: maxLengthOf('loginName'), passwordChars: maxLengthOf('loginPassword'), preSessionSeconds: 3600 } as const;

export interface SignIn {
  readonly kind: SessionKind;
  /** The signed-in home page; the sign-in page is `${home}/sign-in`. */
  readonly home: string;
  /** Name of the session cookie; the pre-session cookie is `${cookie}_pre`. */
  readonly cookie: string;
  readonly title: string;
  readonly intro: SafeHtml;
  /** Who the credentials prove (the session's owner), or undefined; called only within the limits. */
  authenticate(req: FastifyRequest, loginName: string, password: string): Promise<Omit<NewSession, 'kind'> | undefined>;
}

export function signInRoutes(app: FastifyInstance, ctx: AppContext, s: SignIn): void {
  const key = webKey(ctx.config);
  const action = `${s.home}/sign-in`;
  const preCookie = `${s.cookie}_pre`;

  const showSignIn = (req: FastifyRequest, reply: FastifyReply, error?: string, loginName?: string) => {
    const https = isHttps(ctx, req);
    const nonce = newPreSessionNonce();
    setCookie(reply, cookieName(preCookie, https), nonce, https, LIMITS.preSessionSeconds);
    const code = error ? Errors.LOGIN_FAILED.code : 0;
    return sendPage(reply, signInPage({ action, title: s.title, csrf: signInCsrf(key, nonce), error, loginName, errorCode: code, intro: s.intro }), {
      errorCode: code,
    });
  };

  app.get(action, async (req, reply) => {
    const insecure = refuseInsecure(ctx, req, reply);
    if (insecure) return insecure;
    if (await currentSession(ctx, req, s.kind, s.cookie)) return redirect(reply, s.home);
    return showSignIn(req, reply);
  });

  app.post(action, async (req, reply) => {
    const insecure = refuseInsecure(ctx, req, reply);
    if (insecure) return insecure;
    const https = isHttps(ctx, req);
    const form = new Form(req.body);
    if (!fromOwnPage(req) || !checkSignInCsrf(key, cookiesOf(req).get(cookieName(preCookie, https)), form.get('csrf'))) return refuseForeign(reply);
    const loginName = form.get('loginName') ?? '';
    const password = form.get('loginPassword') ?? '';
    // A NUL is refused as the API refuses it (-4 there): no login holds one.
    const checkable = loginName !== '' && password !== '' && !form.hasNul('loginName') && !form.hasNul('loginPassword');
    const owner =
      checkable && [...loginName].length <= LIMITS.loginNameChars && [...password].length <= LIMITS.passwordChars
        ? await s.authenticate(req, loginName, password)
        : undefined;
    if (!owner) {
      req.log.info(`${s.kind} sign-in refused`);
      return showSignIn(req, reply, `Error ${Errors.LOGIN_FAILED.code}: ${errorMessage(Errors.LOGIN_FAILED)}`, loginName.slice(0, LIMITS.loginNameChars));
    }
    const { token } = await startSession(ctx.store, ctx.clock, { ...owner, kind: s.kind });
    clearCookie(reply, cookieName(preCookie, https), https);
    setCookie(reply, cookieName(s.cookie, https), token, https, SESSION_TTL_SECONDS[s.kind]);
    return redirect(reply, s.home);
  });
}

function signInPage(o: { action: string; title: string; csrf: string; error?: string; loginName?: string; intro: HtmlValue; errorCode: number }): SafeHtml {
  return shell({
    title: o.title,
    errorCode: o.errorCode,
    main: html`<h1>${o.title}</h1>
${o.intro}
${o.error ? errorSummary('Sign-in failed', [{ text: o.error, href: '#f-loginName' }]) : ''}
<form method="post" action="${o.action}" novalidate>
${hidden('csrf', o.csrf)}
${field({ name: 'loginName', label: 'Login name', autocomplete: 'username', maxLength: 64, value: o.loginName, required: true, error: o.error ? o.error : undefined, autofocus: true })}
${field({ name: 'loginPassword', label: 'Password', type: 'password', autocomplete: 'current-password', maxLength: 128, required: true })}
<button type="submit">Sign in</button>
</form>`,
  });
}
