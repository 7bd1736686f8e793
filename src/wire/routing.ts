// The URL forms of an endpoint, and what a body that is not url-encoded becomes.

/**
 * `/products/!NAME`. The `!` may also arrive percent-encoded: the router decodes `%21` before it
 * matches, so this one route answers both. A second route at `/products/%21NAME` would be matched
 * by a path whose `%` is itself encoded (`/products/%2521NAME`, which names another resource):
 * it placed orders at a path no client of the spec sends (found by the fuzzer on PostgreSQL).
 */
export function endpointPath(name: string): string {
  return `/products/!${name}`;
}

/** Marker for a POST body of a media type other than application/x-www-form-urlencoded. */
export const UNSUPPORTED_BODY: unique symbol = Symbol('unsupported body');
