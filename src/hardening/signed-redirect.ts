// Signed redirects (beyond the spec): when a reseller has a redirect secret, the parameters
// placeorder appends to successURL/errorURL are followed by `signature`, the hex HMAC-SHA256
// of exactly the appended text (from `errorCode=` up to, not including, `&signature=`) under
// that secret. The reseller's page can then trust `orderNumber` without a call back.
// Verification snippet: docs/reliability.md, "Signed redirects".
import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { firstValue, requestPairs } from '../wire/form.js';
import { redirectSecretOf } from './redirect-secret.repository.js';

export function signRedirect(secret: string, appended: string): string {
  return createHmac('sha256', secret).update(appended).digest('hex');
}

/** Inserts `&signature=…` after the appended parameters, before any fragment of the target. */
export function withSignature(location: string, appended: string, signature: string): string | undefined {
  const at = location.lastIndexOf(appended);
  if (at < 0) return undefined;
  const end = at + appended.length;
  return `${location.slice(0, end)}&signature=${signature}${location.slice(end)}`;
}

export function registerSignedRedirects(app: FastifyInstance, ctx: AppContext): void {
  // Callback form (as in guards.ts): an answer that is no redirect costs no promise.
  app.addHook('onSend', (req, reply, payload, done) => {
    const location = reply.getHeader('location');
    if (
      (reply.statusCode !== 302 && reply.statusCode !== 303) ||
      !req.url.startsWith('/products/') ||
      // A replayed answer (Idempotency-Key) was signed when it was first sent.
      reply.hasHeader('idempotent-replayed') ||
      // sendAnswer sends the appended parameters as the body of a redirect too.
      typeof location !== 'string' ||
      typeof payload !== 'string' ||
      !payload.startsWith('errorCode=')
    ) {
      return done(null, payload);
    }
    const ap = firstValue(requestPairs(req), 'ap');
    if (ap === undefined || ap.length > 64) return done(null, payload);
    redirectSecretOf(ctx.store.db, ap).then((secret) => {
      const signed = secret ? withSignature(location, payload, signRedirect(secret, payload)) : undefined;
      if (signed !== undefined) reply.header('location', signed);
      done(null, payload);
    }, done);
  });
}
