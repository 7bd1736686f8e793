// Verifying placeorder's webhook signatures in the receiver: HMAC-SHA256 over
// `<timestamp>.<raw body>` with the endpoint's secret, header `PlaceOrder-Signature:
// t=<unix seconds>,v1=<hex>`. Web Crypto only, so it runs on Node 20+ and in edge runtimes.

export interface WebhookEvent {
  /** `evt_…`: the same on every delivery of one event; deduplicate on it. */
  id: string;
  type:
    | 'order.placed'
    | 'order.authorized'
    | 'order.activated'
    | 'order.rejected'
    | 'order.refunded'
    | 'order.expiring'
    | 'order.expired';
  /** ISO-8601 UTC. */
  created: string;
  data: {
    orderNumber: string;
    status: string;
    totalCost: string;
    currency: string;
    /** order.expiring / order.expired: the licence concerned. */
    licenceCode?: string;
    expiryDate?: string;
  };
}

export class WebhookSignatureError extends Error {
  override name = 'WebhookSignatureError';
}

export interface VerifyOptions {
  /** Refuse signatures older (or newer) than this. Default 300 s. */
  toleranceSeconds?: number;
  /** Unix seconds; default now. */
  nowSeconds?: number;
}

function hex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Constant-time comparison of two hex strings of equal length. */
function sameHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Checks the signature header against the raw request body and returns the parsed event.
 * Throws WebhookSignatureError when the signature is missing, wrong or outside the tolerance.
 * Pass the body exactly as received (before any JSON parsing).
 */
export async function verifyWebhook(secret: string, signatureHeader: string | null | undefined, rawBody: string, options: VerifyOptions = {}): Promise<WebhookEvent> {
  if (!signatureHeader) throw new WebhookSignatureError('no PlaceOrder-Signature header');
  const parts = new Map(signatureHeader.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(v1)) throw new WebhookSignatureError('malformed PlaceOrder-Signature header');
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (options.toleranceSeconds ?? 300)) throw new WebhookSignatureError('signature timestamp outside the tolerance');
  const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!subtle) throw new WebhookSignatureError('no Web Crypto available');
  const enc = new TextEncoder();
  const key = await subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const expected = hex(await subtle.sign('HMAC', key, enc.encode(`${t}.${rawBody}`)));
  if (!sameHex(v1, expected)) throw new WebhookSignatureError('signature does not match');
  return JSON.parse(rawBody) as WebhookEvent;
}
