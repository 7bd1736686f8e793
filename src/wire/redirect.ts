// Redirect targets (successURL, errorURL): parsed once per request, checked against the origins
// the reseller registered, and serialized as the WHATWG URL standard does — path, query and
// fragment percent-encoded, the host in its ASCII (IDNA) form. What comes out is printable
// ASCII, so a Location header built from it can always be sent (issue 13, findings 1 and 2: a
// raw `https://shop.example/日本` once threw while the header was set, after the order was
// stored). Signing (docs/reliability.md, "Signed redirects") happens here too, so the answer
// is complete before anything is committed.
import { createHmac } from 'node:crypto';

/** The spec's limit on successURL/errorURL, in characters as sent. */
export const MAX_REDIRECT_CHARS = 255;

/** What a redirect target is checked against: the reseller's registered origins and secret. */
export interface RedirectPolicy {
  readonly redirectOrigins: ReadonlySet<string>;
  readonly redirectSecret: string | null;
}

/** A usable redirect: the serialized target and the secret that signs what is appended to it. */
export interface RedirectTarget {
  readonly href: string;
  /** The target's origin, as parsed with it (what the registered origins are compared with). */
  readonly origin: string;
  readonly secret: string | null;
  /**
   * False when the URL is well-formed but its origin is not one the reseller registered: the
   * browser is then shown the outcome and a plainly labelled link, never sent there by itself
   * (issue 16; docs/api/place-order.md, "Redirect targets the reseller has not registered").
   */
  readonly registered: boolean;
}

const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * The URL of an absolute http(s) target, or undefined. Strict on purpose (an open-redirect
 * risk): the scheme spelled out with `//`, no credentials, no backslashes, whitespace or
 * control characters anywhere, a host, and a serialization that is printable ASCII.
 */
export function parseHttpUrl(text: string): URL | undefined {
  if (!/^https?:\/\/[^/\\?#@\s]/i.test(text)) return undefined;
  if (/[\s\\\u0000-\u001f\u007f]/.test(text)) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username !== '' || url.password !== '' || url.hostname === '') return undefined;
  return PRINTABLE_ASCII.test(url.href) ? url : undefined;
}

/**
 * The target as the browser will be sent to it (or, on an origin the reseller has not
 * registered, shown a link to) when `text` is a strict absolute URL; undefined otherwise (the
 * caller answers -4 for it). Only registered targets are signed: the secret vouches for the
 * reseller's own pages.
 */
export function redirectTarget(text: string, policy: RedirectPolicy | undefined): RedirectTarget | undefined {
  if (text.length > MAX_REDIRECT_CHARS && [...text].length > MAX_REDIRECT_CHARS) return undefined;
  const url = parseHttpUrl(text);
  if (!url) return undefined;
  const registered = policy?.redirectOrigins.has(url.origin) === true;
  return { href: url.href, origin: url.origin, secret: registered ? policy!.redirectSecret : null, registered };
}

/** The hex HMAC-SHA256, under the reseller's secret, of exactly the appended parameters. */
export function signRedirect(secret: string, appended: string): string {
  return createHmac('sha256', secret).update(appended).digest('hex');
}

/**
 * The Location: the target with the answer's parameters (and, with a secret, `&signature=`)
 * appended to its query, before any fragment.
 */
export function redirectLocation(target: RedirectTarget, urlEncodedAnswer: string): string {
  const appended = target.secret === null ? urlEncodedAnswer : `${urlEncodedAnswer}&signature=${signRedirect(target.secret, urlEncodedAnswer)}`;
  const hash = target.href.indexOf('#');
  const base = hash < 0 ? target.href : target.href.slice(0, hash);
  const fragment = hash < 0 ? '' : target.href.slice(hash);
  const sep = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  const location = `${base}${sep}${appended}${fragment}`;
  // The target and the url-encoded answer are printable ASCII by construction; a Location that
  // is not would throw while the header is set, after the order is stored.
  if (!PRINTABLE_ASCII.test(location)) throw new Error('assertion: a Location is printable ASCII');
  return location;
}
