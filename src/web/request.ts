// What every console and portal handler needs from a request: the form it posted, whether it
// came over HTTPS, whether it came from one of our own pages, and a session.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { Errors, errorMessage } from '../errors.js';
import { queryOf, withoutNul } from '../wire/form.js';
import { html } from './html.js';
import { messagePage, sendPage } from './page.js';
import { sessionOf, type Session, type SessionKind } from '../sessions/sessions.service.js';
import { cookieName, cookiesOf } from './session-cookies.js';

/** Fields read from one form; the rest are ignored. */
const MAX_FORM_FIELDS = 200;

/** A posted url-encoded form, first occurrence of each name (and every value, for lists). */
export class Form {
  private readonly all = new Map<string, string[]>();
  /** Fields whose first value held a NUL (kept out of the values: PostgreSQL cannot store one). */
  private readonly nul = new Set<string>();
  constructor(body: unknown) {
    if (typeof body !== 'string') return;
    let n = 0;
    for (const [rawName, rawValue] of new URLSearchParams(body)) {
      if (++n > MAX_FORM_FIELDS) break;
      const name = withoutNul(rawName);
      const value = withoutNul(rawValue);
      const list = this.all.get(name) ?? [];
      if (list.length === 0 && value !== rawValue) this.nul.add(name);
      list.push(value);
      this.all.set(name, list);
    }
  }
  get(name: string): string | undefined {
    return this.all.get(name)?.[0];
  }
  /**
   * Whether the field held a NUL. Passwords and stored settings refuse it, as every API
   * parameter does (-4), rather than keep the U+FFFD it reads as: a password typed with one
   * would open the console but not the API (outside attack on issues 14 and 18).
   */
  hasNul(name: string): boolean {
    return this.nul.has(name);
  }
  /**
   * The trimmed value, or '', cut at `max` characters (code points: never half of one), so that
   * a huge field costs nothing further. A field that is stored reads as `stored` instead.
   */
  text(name: string, max = 255): string {
    const value = (this.get(name) ?? '').trim();
    return value.length <= max ? value : Array.from(value).slice(0, max).join('');
  }
  /**
   * A field that is stored: its trimmed value (cut one character past `max`, to show it back)
   * and whether it is longer than `max` characters, which the page refuses rather than store a
   * cut value (outside attack on issue 18).
   */
  stored(name: string, max: number): { value: string; overLong: boolean } {
    const value = this.text(name, max + 1);
    return { value, overLong: value.length > max && Array.from(value).length > max };
  }
  values(name: string): string[] {
    return this.all.get(name) ?? [];
  }
}

/** The query string of a GET as a Form. */
export function queryForm(req: FastifyRequest): Form {
  return new Form(queryOf(req.url));
}

export function isHttps(ctx: AppContext, req: FastifyRequest): boolean {
  return ctx.isHttps(req.raw);
}

/**
 * -1 for pages too: the console and portal carry passwords and session cookies, so outside
 * local development (`--allow-http`) they answer only over HTTPS.
 */
export function refuseInsecure(ctx: AppContext, req: FastifyRequest, reply: FastifyReply): FastifyReply | undefined {
  if (ctx.config.allowHttp || isHttps(ctx, req)) return undefined;
  const code = Errors.NOT_HTTPS.code;
  return sendPage(reply, messagePage('Use HTTPS', code, html`<p class="error">Error ${code}: ${errorMessage(Errors.NOT_HTTPS)}</p>`), {
    errorCode: code,
    status: 403,
  });
}

/**
 * A state-changing request must come from our own pages. Browsers say where a form was
 * submitted from in Sec-Fetch-Site, which page script cannot forge; older browsers send Origin
 * (as "null" under our no-referrer policy). This backs up the CSRF tokens and SameSite cookies,
 * which remain the real protection.
 */
export function fromOwnPage(req: FastifyRequest): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin';
  const origin = req.headers.origin;
  if (origin === undefined || origin === 'null') return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export function refuseForeign(reply: FastifyReply): FastifyReply {
  return sendPage(
    reply,
    messagePage('Request refused', Errors.INVALID_VALUE.code, html`<p class="error">This form did not come from this site, or it is too old. Go back, reload the page and try again.</p>`),
    { errorCode: Errors.INVALID_VALUE.code, status: 403 },
  );
}

export async function currentSession(ctx: AppContext, req: FastifyRequest, kind: SessionKind, base: string): Promise<Session | undefined> {
  return sessionOf(ctx.store.db, ctx.clock, kind, cookiesOf(req).get(cookieName(base, isHttps(ctx, req))));
}

export function redirect(reply: FastifyReply, location: string): FastifyReply {
  reply.request.errorCode = 0;
  // Pages carry their errorCode in this header (src/web/page.ts); redirects between pages too.
  return reply.code(303).header('cache-control', 'no-store').header('x-placeorder-error-code', '0').header('location', location).send();
}
