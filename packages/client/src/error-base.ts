// The base of every error the client throws for an errorCode answer. Each catalog code has its
// own subclass (codes.generated.ts), so callers can `instanceof` the case they handle.

export class PlaceOrderError extends Error {
  /** The errorCode answered (negative). */
  readonly code: number;
  /** The parameter at fault (errorItem), when the server named one. */
  readonly item: string | undefined;
  /** The request id the server logged (answered with -14 only), for support. */
  readonly requestId: string | undefined;
  override name = 'PlaceOrderError';

  constructor(code: number, message: string, item?: string, requestId?: string) {
    super(message);
    this.code = code;
    this.item = item;
    this.requestId = requestId;
  }
}

/** The server could not be reached (after every retry), or the call timed out. */
export class NetworkError extends Error {
  override name = 'NetworkError';
  /** How many HTTP attempts were made. */
  readonly attempts: number;
  constructor(message: string, attempts: number, options?: { cause?: unknown }) {
    super(message, options);
    this.attempts = attempts;
  }
}

/** The server answered something that is not this API's wire format (wrong URL, a proxy page). */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
  readonly status: number;
  readonly body: string;
  constructor(message: string, status: number, body: string) {
    super(message);
    this.status = status;
    this.body = body.slice(0, 500);
  }
}
