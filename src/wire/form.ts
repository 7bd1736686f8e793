// The spec's wire format, and nothing else: url-encoded pairs in, url-encoded (or newline)
// answers out. Nothing downstream of `parsePairs` sees the raw request.

/** One request parameter as it arrived, in arrival order (query string first, then body). */
export interface RawPair {
  readonly name: string;
  readonly value: string;
}

/** Upper bound on parameters read from one request; the rest are ignored (64 KiB body bound). */
export const MAX_PAIRS = 512;

/**
 * Parses url-encoded text leniently (the WHATWG algorithm: `+` is a space, malformed `%`
 * sequences stay literal, invalid UTF-8 becomes U+FFFD). It never throws, whatever the input.
 */
export function parsePairs(...sources: (string | undefined)[]): RawPair[] {
  const pairs: RawPair[] = [];
  for (const source of sources) {
    if (!source) continue;
    for (const [name, value] of new URLSearchParams(source)) {
      if (pairs.length >= MAX_PAIRS) return pairs;
      pairs.push({ name, value });
    }
  }
  return pairs;
}

/**
 * A NUL (`%00`) becomes U+FFFD, as invalid UTF-8 does, in the pages' forms (src/web/request.ts):
 * PostgreSQL refuses it in any query (issue 13: a NUL in a sign-in name was a -14 and an error
 * log line there). The API's parameters keep it, so that their character rule refuses it with
 * -4 (`charactersAllowed` in src/place-order/parameters.ts).
 */
export function withoutNul(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}

/** The first value of a parameter, its name compared case-insensitively (`lowerName` in lower case). */
export function firstValue(pairs: readonly RawPair[], lowerName: string): string | undefined {
  return pairs.find((p) => p.name.toLowerCase() === lowerName)?.value;
}

/** The query string of a request URL, without the `?`. */
export function queryOf(url: string): string {
  const i = url.indexOf('?');
  return i < 0 ? '' : url.slice(i + 1);
}

/** Answer parameters in their documented order; `undefined` values are left out. */
export type AnswerFields = ReadonlyArray<readonly [string, string | number | undefined]>;

/**
 * The url-encoded answer. Spaces are `%20` (as in the spec's sample error response), not `+`,
 * so that both form decoders and plain `decodeURIComponent` read the same text.
 */
export function encodeUrlEncoded(fields: AnswerFields): string {
  const parts: string[] = [];
  for (const [name, value] of fields) {
    if (value === undefined) continue;
    parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
  }
  return parts.join('&');
}

/**
 * The newline answer (`responseFormat=0`): the values alone, one a line, in documented order.
 * A value's own line breaks are replaced by spaces so the line structure stays intact.
 */
export function encodeNewline(fields: AnswerFields): string {
  const lines: string[] = [];
  for (const [, value] of fields) {
    if (value === undefined) continue;
    lines.push(String(value).replace(/[\r\n]+/g, ' '));
  }
  return lines.join('\n') + '\n';
}

const pairsOfRequest = new WeakMap<object, readonly RawPair[]>();

/**
 * The parameters of a request (query string, then a url-encoded body), parsed once however many
 * hooks and handlers read them. Only once Fastify has read the body (preHandler on): an onRequest
 * hook would keep the query string alone.
 */
export function requestPairs(req: { readonly url: string; readonly body?: unknown }): readonly RawPair[] {
  let pairs = pairsOfRequest.get(req);
  if (!pairs) pairsOfRequest.set(req, (pairs = parsePairs(queryOf(req.url), typeof req.body === 'string' ? req.body : undefined)));
  return pairs;
}
