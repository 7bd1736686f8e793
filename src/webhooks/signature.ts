// Webhook signatures: HMAC-SHA256 over `<timestamp>.<body>` with the endpoint's secret, sent as
// `PlaceOrder-Signature: t=<unix seconds>,v1=<hex>`. The timestamp inside the signed text lets
// a receiver refuse replays older than its tolerance (docs/integrators.md).
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'placeorder-signature';
export const EVENT_ID_HEADER = 'placeorder-event-id';
export const TIMESTAMP_HEADER = 'placeorder-timestamp';

export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${signatureOf(secret, timestamp, body)}`;
}

/** Checks a header against the body; `nowSeconds` and the tolerance bound replays. */
export function verifySignature(secret: string, header: string, body: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const parts = new Map(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds || !/^[0-9a-f]{64}$/.test(v1)) return false;
  return timingSafeEqual(Buffer.from(v1, 'hex'), Buffer.from(signatureOf(secret, t, body), 'hex'));
}
