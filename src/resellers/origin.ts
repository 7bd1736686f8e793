// The one strict parser of a reseller's registered origin (issue 13, finding 10.1). A registered
// origin goes into the ordering page's Content-Security-Policy (frame-ancestors, form-action),
// where `https://*`, `https://a;report-uri https://evil` or `https://a,b` would widen or rewrite
// the policy. So an origin is exactly `scheme://host[:port]`:
//
// - scheme `http` or `https`;
// - host a DNS name of LDH labels (letters, digits, inner hyphens; 1–63 characters each, at most
//   253 in all; an internationalized name in its `xn--` form), a dotted-decimal IPv4 address,
//   or a bracketed IPv6 address;
// - port 1–65535, optional;
// - nothing else: no path, query, fragment, credentials, wildcard, whitespace, `;`, `,`, quotes,
//   percent-escapes or trailing dot.
//
// The result is the WHATWG `URL.origin` form. The input must already be that form, or differ
// from it only trivially: upper-case letters in the scheme or host, one trailing `/`, the
// scheme's default port written out (`:443` for https, `:80` for http), or an IPv6 address not
// in its shortest spelling. Anything the URL parser would rewrite further (`0x7f000001`,
// `1.2.3`, `bücher.example`) is refused rather than silently turned into something else.
//
// Registration (the console, `placeorder reseller add --redirect-origin`, createReseller) and
// emission into a header (src/web/page.ts) both use it, so a bad origin stored before this
// parser existed never reaches a header either.
import { isIP } from 'node:net';
import { httpOrigin } from './reseller.js';

/** Longer than any origin this grammar admits (253-character host, scheme, port). */
export const MAX_ORIGIN_CHARS = 300;

/** The whole grammar's shape; the host's own rules are checked by `hostAllowed`. */
const SHAPE = /^(https?):\/\/(\[[0-9a-f:.]+\]|[0-9a-z.-]+)(?::([1-9][0-9]{0,4}))?\/?$/i;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const DOTTED_QUAD = /^[0-9]{1,3}(?:\.[0-9]{1,3}){3}$/;
const DEFAULT_PORT: Readonly<Record<string, string>> = { http: '80', https: '443' };

/** The normalized origin, or undefined when `text` is not one by the rules above. */
export function parseOrigin(text: string): string | undefined {
  if (text.length > MAX_ORIGIN_CHARS) return undefined;
  const m = SHAPE.exec(text);
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  const host = m[2]!.toLowerCase();
  const port = m[3];
  if (!hostAllowed(host) || (port !== undefined && Number(port) > 65_535)) return undefined;
  // The URL parser has the last word (it is what browsers compare origins with); httpOrigin is
  // the same strict URL-to-origin step the redirect check uses.
  const origin = httpOrigin(text);
  if (origin === undefined) return undefined;
  if (host.startsWith('[')) return origin;
  const expected = `${scheme}://${host}${port !== undefined && port !== DEFAULT_PORT[scheme] ? `:${port}` : ''}`;
  return origin === expected ? origin : undefined;
}

/** True when `text` is an origin already in its normalized form (what may go into a header). */
export function isNormalizedOrigin(text: string): boolean {
  return parseOrigin(text) === text;
}

/** The normalized origins of a list, in order; anything else is left out. */
export function normalizedOrigins(list: Iterable<string>): string[] {
  return [...list].filter(isNormalizedOrigin);
}

function hostAllowed(host: string): boolean {
  if (host.startsWith('[')) return host.endsWith(']') && isIP(host.slice(1, -1)) === 6;
  if (DOTTED_QUAD.test(host)) return isIP(host) === 4 && host.split('.').every((part) => String(Number(part)) === part);
  if (host.length > 253) return false;
  const labels = host.split('.');
  // A last label of digits makes the URL parser read the name as an IPv4 address.
  return labels.every((label) => LABEL.test(label)) && !/^[0-9]+$/.test(labels[labels.length - 1]!);
}
