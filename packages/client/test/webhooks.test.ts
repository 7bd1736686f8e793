// verifyWebhook (Web Crypto) accepts exactly what the server's signer (node:crypto) produces.
import { describe, expect, it } from 'vitest';
import { eventPayload } from '../../../src/webhooks/events.js';
import { signatureHeader } from '../../../src/webhooks/signature.js';
import { WebhookSignatureError, verifyWebhook } from '../src/index.js';

const SECRET = 'whsec_client_test_secret';
const body = eventPayload('evt_0123456789abcdef01234567', 'order.placed', {
  resellerId: 1,
  orderNumber: 42,
  status: 'pending_authorization',
  totalCents: 4899,
  currency: 'USD',
  at: '2026-03-01T12:00:00.000Z',
});

describe('verifyWebhook', () => {
  it("accepts the server's signature and returns the event", async () => {
    const event = await verifyWebhook(SECRET, signatureHeader(SECRET, 1_772_366_400, body), body, { nowSeconds: 1_772_366_410 });
    expect(event).toEqual({
      id: 'evt_0123456789abcdef01234567',
      type: 'order.placed',
      created: '2026-03-01T12:00:00.000Z',
      data: { orderNumber: '42', status: 'pending_authorization', totalCost: '48.99', currency: 'USD' },
    });
  });

  it.each([
    ['a changed body', SECRET, body.replace('48.99', '0.01'), 1_772_366_410],
    ['another secret', 'whsec_someone_else', body, 1_772_366_410],
    ['an old signature (replay)', SECRET, body, 1_772_366_400 + 301],
  ])('refuses %s', async (_label, secret, sentBody, now) => {
    const header = signatureHeader(SECRET, 1_772_366_400, body);
    await expect(verifyWebhook(secret, header, sentBody, { nowSeconds: now })).rejects.toBeInstanceOf(WebhookSignatureError);
  });

  it('refuses a missing or malformed header', async () => {
    await expect(verifyWebhook(SECRET, undefined, body)).rejects.toThrow(/no PlaceOrder-Signature/);
    await expect(verifyWebhook(SECRET, 't=1,v1=zz', body)).rejects.toThrow(/malformed/);
  });
});
