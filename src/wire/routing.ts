// The URL forms of an endpoint, and what a body that is not url-encoded becomes.

/** `/products/!NAME`; the `!` may also arrive percent-encoded. */
export function endpointPaths(name: string): string[] {
  return [`/products/!${name}`, `/products/%21${name}`];
}

/** Marker for a POST body of a media type other than application/x-www-form-urlencoded. */
export const UNSUPPORTED_BODY: unique symbol = Symbol('unsupported body');
