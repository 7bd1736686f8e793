// The console's door: every page registers its routes here, and each handler runs only for a
// signed-in API user of a reseller that is not suspended (a POST must also carry the session's
// CSRF token). An unexpected error becomes the -1 page, never a stack trace.
import { present } from '../../assert.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { Errors } from '../../errors.js';
import { html } from '../html.js';
import { messagePage, sendPage, sendUnexpectedError } from '../page.js';
import { Form, currentSession, fromOwnPage, redirect, refuseForeign, refuseInsecure } from '../request.js';
import { endSession, type Session } from '../../sessions/sessions.service.js';
import { checkCsrf } from '../session-cookies.js';
import { resellerById } from '../../resellers/reseller-settings.repository.js';
import type { ConsoleFrame } from './kit.js';

/** The console's session cookie. */
export const CONSOLE_COOKIE = 'po_console';

/** Who is signed in: the session, its API user and their reseller. */
export interface Signed {
  readonly session: Session;
  readonly resellerId: number;
  readonly apiUserId: number;
  readonly ap: string;
  /** A sandbox reseller (src/sandbox): its steps move no money. */
  readonly sandbox: boolean;
  readonly permittedPpp: ReadonlySet<number> | null;
  frame(current: ConsoleFrame['current'], title: string, errorCode?: number): ConsoleFrame;
}

export type Handler = (req: FastifyRequest, reply: FastifyReply, s: Signed) => Promise<FastifyReply>;

/** What a page registers its routes with. */
export interface ConsoleRouter {
  readonly ctx: AppContext;
  get(path: string, handler: Handler): void;
  post(path: string, handler: Handler): void;
}

/** One page of the console: its routes. */
export type ConsolePage = (r: ConsoleRouter) => void;

export function consoleRouter(app: FastifyInstance, ctx: AppContext): ConsoleRouter {
  /** Runs `handler` for a signed-in API user; a POST must also carry the session's CSRF token. */
  const signed = (handler: Handler) => async (req: FastifyRequest, reply: FastifyReply) => {
    const insecure = refuseInsecure(ctx, req, reply);
    if (insecure) return insecure;
    const session = await currentSession(ctx, req, 'console', CONSOLE_COOKIE);
    if (req.method === 'POST' && (!session || !fromOwnPage(req) || !checkCsrf(session, new Form(req.body).get('csrf')))) return refuseForeign(reply);
    if (!session) return redirect(reply, '/console/sign-in');
    const reseller = await resellerById(ctx.store.db, present(session.resellerId, 'a console session belongs to a reseller'));
    if (!reseller || reseller.suspended) {
      await endSession(ctx.store, session);
      return redirect(reply, '/console/sign-in');
    }
    const s: Signed = {
      session,
      resellerId: reseller.id,
      apiUserId: present(session.apiUserId, 'a console session belongs to an API user'),
      ap: reseller.ap,
      sandbox: reseller.sandbox,
      permittedPpp: reseller.permittedPpp,
      frame: (current, title, errorCode) => ({ ap: reseller.ap, csrf: session.csrf, current, title, errorCode }),
    };
    try {
      return await handler(req, reply, s);
    } catch (error) {
      return sendUnexpectedError(req, reply, error, 'console');
    }
  };
  return {
    ctx,
    get: (path, handler) => app.get(path, signed(handler)),
    post: (path, handler) => app.post(path, signed(handler)),
  };
}

/** The order number in a route's `:n`, or undefined when it is not one. */
export function orderNumberOf(req: FastifyRequest): number | undefined {
  const n = (req.params as { n?: string }).n ?? '';
  return /^[1-9][0-9]{0,15}$/.test(n) && Number.isSafeInteger(Number(n)) ? Number(n) : undefined;
}

/** The 404 page of an order number that is not the reseller's. */
export function orderNotFound(reply: FastifyReply, s: Signed): FastifyReply {
  return sendPage(reply, messagePage('No such order', Errors.INVALID_VALUE.code, html`<p>There is no order with this number under the brand ${s.ap}. <a href="/console/orders">Back to orders</a></p>`), {
    errorCode: Errors.INVALID_VALUE.code,
    status: 404,
  });
}
