// The page shell and the headers every HTML answer carries. Pages run no script at all: the
// Content-Security-Policy allows styles from this server and nothing else, forms post only to
// this server (plus, for ordering pages, the reseller's registered origins, which a successURL
// redirect after the form may reach), and framing is refused unless a reseller registered the
// embedding origin.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Errors, errorMessage } from '../errors.js';
import { normalizedOrigins } from '../resellers/origin.js';
import { documentText, html, type HtmlValue, type SafeHtml } from './html.js';

export interface PageOptions {
  /** The errorCode this page reports (0 for success); also sent as a meta tag and a header. */
  readonly errorCode: number;
  /** Origins allowed to frame the page; empty means nobody. */
  readonly frameAncestors?: readonly string[];
  /** Origins besides this server that a form submission may end up at (redirects). */
  readonly formTargets?: readonly string[];
  readonly status?: number;
}

/**
 * Only origins in their normalized form go into the policy: an origin stored before the strict
 * parser existed (`https://*`, `https://a;report-uri …`) must not widen or rewrite it (issue 13,
 * finding 10.1). Such an origin is left out, which only ever narrows what the page allows.
 */
function headerOrigins(list: readonly string[] | undefined): string[] {
  return normalizedOrigins(list ?? []);
}

export function contentSecurityPolicy(opts: Pick<PageOptions, 'frameAncestors' | 'formTargets'>): string {
  const frames = headerOrigins(opts.frameAncestors);
  const ancestors = frames.length > 0 ? frames.join(' ') : "'none'";
  const formAction = ["'self'", ...headerOrigins(opts.formTargets)].join(' ');
  return [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self'",
    `form-action ${formAction}`,
    `frame-ancestors ${ancestors}`,
    "base-uri 'none'",
  ].join('; ');
}

/** Headers for every HTML answer (and the stylesheet), as a value (an Answer can carry them). */
export function pageHeaders(opts: Pick<PageOptions, 'frameAncestors' | 'formTargets'> & { errorCode?: number }): Record<string, string> {
  // No Strict-Transport-Security here: pages are also served over plain HTTP (--allow-http), where
  // HSTS is wrong (issue 13, finding 10.7). The onSend hook of src/server/guards.ts adds it to
  // every answer, pages included, that really travels over TLS.
  const headers: Record<string, string> = {
    'content-security-policy': contentSecurityPolicy(opts),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  };
  // X-Frame-Options cannot name several origins; CSP frame-ancestors governs where it is allowed.
  if (headerOrigins(opts.frameAncestors).length === 0) headers['x-frame-options'] = 'DENY';
  if (opts.errorCode !== undefined) headers['x-placeorder-error-code'] = String(opts.errorCode);
  return headers;
}

export function securityHeaders(reply: FastifyReply, opts: Pick<PageOptions, 'frameAncestors' | 'formTargets'>): void {
  for (const [name, value] of Object.entries(pageHeaders(opts))) reply.header(name, value);
}

export function sendPage(reply: FastifyReply, page: SafeHtml, opts: PageOptions): FastifyReply {
  reply.request.errorCode = opts.errorCode;
  securityHeaders(reply, opts);
  reply.header('cache-control', 'no-store');
  reply.header('x-placeorder-error-code', String(opts.errorCode));
  return reply
    .code(opts.status ?? 200)
    .type('text/html; charset=utf-8')
    .send(documentText(page));
}

export interface ShellOptions {
  readonly title: string;
  readonly errorCode: number;
  readonly header?: HtmlValue;
  readonly main: HtmlValue;
}

/** The document: language, viewport for phones, one stylesheet, landmarks. */
export function shell(o: ShellOptions): SafeHtml {
  return html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="placeorder-error-code" content="${o.errorCode}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${o.title}</title>
<link rel="stylesheet" href="/web/style.css">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
${o.header ? html`<header class="site">${o.header}</header>` : ''}
<main id="main" tabindex="-1">
${o.main}
</main>
</body>
</html>`;
}

export interface FieldOptions {
  readonly name: string;
  readonly label: string;
  readonly value?: string | undefined;
  /** The message shown beside the field and linked with aria-describedby. */
  readonly error?: string | undefined;
  readonly hint?: string | undefined;
  readonly type?: 'text' | 'email' | 'tel' | 'password' | 'date' | 'search' | 'number';
  readonly autocomplete?: string;
  readonly required?: boolean;
  readonly maxLength?: number;
  /** Prefix for the element id, so one page can hold two forms with the same field names. */
  readonly idPrefix?: string;
  readonly autofocus?: boolean;
}

export function fieldId(name: string, prefix = 'f'): string {
  return `${prefix}-${name}`;
}

/** A labelled input; its hint and error are announced with it (aria-describedby). */
export function field(o: FieldOptions): SafeHtml {
  const id = fieldId(o.name, o.idPrefix);
  const described = [o.hint ? `${id}-hint` : '', o.error ? `${id}-error` : ''].filter((s) => s !== '').join(' ');
  return html`<div class="field${o.error ? ' invalid' : ''}">
<label for="${id}">${o.label}${o.required ? html` <span class="req">(required)</span>` : ''}</label>
${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}
${o.error ? html`<p class="error" id="${id}-error">${o.error}</p>` : ''}
<input id="${id}" name="${o.name}" type="${o.type ?? 'text'}"${o.value !== undefined && o.type !== 'password' ? html` value="${o.value}"` : ''}${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}${o.maxLength ? html` maxlength="${o.maxLength}"` : ''}${o.required ? html` required` : ''}${described ? html` aria-describedby="${described}"` : ''}${o.error ? html` aria-invalid="true"` : ''}${o.autofocus ? html` autofocus` : ''}>
</div>`;
}

/** A hidden input. */
export function hidden(name: string, value: string): SafeHtml {
  return html`<input type="hidden" name="${name}" value="${value}">`;
}

/** An error summary at the top of a form: announced at once, each entry links to its field. */
export function errorSummary(title: string, entries: ReadonlyArray<{ text: string; href?: string | undefined }>): SafeHtml {
  if (entries.length === 0) return html``;
  return html`<div class="summary" role="alert" aria-labelledby="summary-title">
<h2 id="summary-title">${title}</h2>
<ul>${entries.map((e) => html`<li>${e.href ? html`<a href="${e.href}">${e.text}</a>` : e.text}</li>`)}</ul>
</div>`;
}

/** A simple page with a heading and a message (errors, notices). */
export function messagePage(title: string, errorCode: number, body: HtmlValue): SafeHtml {
  return shell({ title, errorCode, main: html`<h1>${title}</h1>${body}` });
}

/**
 * The answer of a signed-in page that failed unexpectedly: the error goes to the log, the page
 * shows -1 and the request id to quote, nothing of the error itself.
 */
export function sendUnexpectedError(req: FastifyRequest, reply: FastifyReply, error: unknown, where: string): FastifyReply {
  req.log.error({ err: error }, `unexpected error in the ${where}`);
  const code = Errors.UNKNOWN_ERROR.code;
  return sendPage(reply, messagePage('Something went wrong', code, html`<p class="error">Error ${code}: ${errorMessage(Errors.UNKNOWN_ERROR)} Reference: <code>${req.id}</code>.</p>`), { errorCode: code });
}
