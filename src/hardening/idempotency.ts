// Idempotent retries (beyond the spec, Stripe's semantics): a POST to a /products/ endpoint may
// carry an `Idempotency-Key` header. The key is claimed in the database, scoped to the reseller
// the request names, before the endpoint runs; the first complete answer is stored with a
// fingerprint of the parameters and replayed byte for byte to every retry with the same key and
// parameters. The same key with other parameters is -1001; while the first request still runs,
// -1002. Neither changes anything. See docs/reliability.md.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { isoNow } from '../clock.js';
import { Errors, fail } from '../errors.js';
import { redirectAllowed } from '../place-order/validate.js';
import { findResellerContext } from '../resellers/resellers.repository.js';
import { errorFields, placedOrderFields, responseFormatOf, sendAnswer, type Answer } from '../wire/answer.js';
import { firstValue, requestPairs, type RawPair } from '../wire/form.js';
import { UNSUPPORTED_BODY } from '../wire/routing.js';
import {
  deleteExpired,
  findKey,
  insertClaim,
  orderByRequestId,
  purgeExpired,
  releaseClaim,
  resellerIdForScope,
  storeAnswer,
  takeOver,
  type KeyRow,
} from './idempotency.repository.js';

/** Keys are opaque printable ASCII (a UUID is the intended form), at most 255 characters. */
const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;
const PURGE_EVERY_MS = 10 * 60_000;

/** Answers that are not kept: a retry of them must run again. */
const NOT_KEPT = new Set<number>([Errors.UNKNOWN_ERROR.code, Errors.CALL_LIMIT.code]);

interface Held {
  scope: string;
  key: string;
  owner: string;
}

export function errorCodeOfBody(body: string): number | undefined {
  const m = /^(?:errorCode=)?(-?[0-9]+)(?:&|\n|$)/.exec(body);
  return m ? Number(m[1]) : undefined;
}

export function fingerprintOf(salt: string, endpoint: string, pairs: readonly RawPair[]): string {
  const h = createHmac('sha256', Buffer.from(salt, 'hex'));
  h.update(endpoint);
  for (const p of pairs) h.update(`\n${p.name.length}:${p.name}=${p.value.length}:${p.value}`);
  return h.digest('hex');
}

function sameFingerprint(row: KeyRow, endpoint: string, pairs: readonly RawPair[]): boolean {
  const a = Buffer.from(fingerprintOf(row.salt, endpoint, pairs), 'hex');
  const b = Buffer.from(row.fingerprint, 'hex');
  return row.endpoint === endpoint && a.length === b.length && timingSafeEqual(a, b);
}

/** `/products/%21PlaceOrder` and `/products/!PlaceOrder` are one endpoint. */
function endpointOf(url: string): string {
  return url.split('?')[0]!.replace(/%21/gi, '!').replace(/\/+$/, '');
}

export function registerIdempotency(app: FastifyInstance, ctx: AppContext): void {
  const held = new WeakMap<FastifyRequest, Held>();
  const cfg = ctx.config.hardening;

  // Callback form (as in guards.ts): a request without the header costs no promise. Claiming
  // answers the request itself (a replay, -18, -20) or lets it go on.
  app.addHook('preHandler', (req, reply, done) => {
    const header = req.method === 'POST' && req.url.startsWith('/products/') ? req.headers['idempotency-key'] : undefined;
    if (header === undefined) return done();
    claim(req, reply, header).then((answered) => {
      if (answered === undefined) done();
    }, done);
  });

  /** Claims the request's key; the reply when it answered instead. */
  const claim = async (req: FastifyRequest, reply: FastifyReply, header: string | string[]): Promise<FastifyReply | undefined> => {
    // The -1 rule and an unreadable body come first and change nothing: no key is claimed.
    if (!ctx.config.allowHttp && !ctx.isHttps(req.raw)) return;
    if (req.body === UNSUPPORTED_BODY) return;
    const pairs = requestPairs(req);
    const format = responseFormatOf(firstValue(pairs, 'responseformat'));
    const answer = (a: Omit<Answer, 'format'>) => {
      req.errorCode = Number(a.fields[0]![1]);
      return sendAnswer(reply, { ...a, format });
    };
    const key = Array.isArray(header) ? header[0]! : header;
    if (Array.isArray(header) || !KEY_FORMAT.test(key)) {
      return answer({ fields: errorFields(fail(Errors.INVALID_VALUE, 'Idempotency-Key')) });
    }
    const endpoint = endpointOf(req.url);
    const ap = firstValue(pairs, 'ap');
    const resellerId = await resellerIdForScope(ctx.store.db, ap, firstValue(pairs, 'loginname'));
    const scope = resellerId !== undefined ? `r:${resellerId}` : `ap:${(ap ?? '').slice(0, 64)}`;
    const now = ctx.clock.now();
    const at = now.toISOString();
    const salt = randomBytes(16).toString('hex');
    const claim = {
      scope,
      key,
      endpoint,
      salt,
      fingerprint: fingerprintOf(salt, endpoint, pairs),
      owner: req.id,
      at,
      expiresAt: new Date(now.getTime() + cfg.idempotencyTtlSeconds * 1000).toISOString(),
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await ctx.store.write((tx) => insertClaim(tx, claim))) {
        held.set(req, { scope, key, owner: req.id });
        return;
      }
      const row = await findKey(ctx.store.db, scope, key);
      if (!row) continue; // released or purged in between: claim again
      if (row.expires_at <= at) {
        await ctx.store.write((tx) => deleteExpired(tx, scope, key, row.owner, at));
        continue;
      }
      if (!sameFingerprint(row, endpoint, pairs)) {
        return answer({ fields: errorFields(fail(Errors.IDEMPOTENCY_KEY_REUSED, 'Idempotency-Key')) });
      }
      if (row.state === 'done') return replay(req, reply, row);
      const leaseEnds = new Date(new Date(row.claimed_at).getTime() + cfg.idempotencyLeaseSeconds * 1000).toISOString();
      if (leaseEnds > at) {
        return answer({ fields: errorFields(fail(Errors.IDEMPOTENCY_KEY_IN_PROGRESS, 'Idempotency-Key')) });
      }
      // The claim outlived its lease: the process that held it died. Take it over, and carry
      // on the same logical request under its first request id (orders store it), so that a
      // later takeover still finds what this attempt commits.
      if (!(await ctx.store.write((tx) => takeOver(tx, scope, key, row.owner, row.claimed_at, at)))) continue;
      req.log.warn({ claimOf: row.owner }, 'idempotency claim taken over after its lease ran out');
      req.id = row.owner;
      held.set(req, { scope, key, owner: row.owner });
      if (endpoint.endsWith('/!PlaceOrder') && resellerId !== undefined) {
        // Had a dead attempt committed its order, running again would place a second one:
        // answer with that order instead.
        const order = await orderByRequestId(ctx.store.db, row.owner, resellerId);
        if (order) {
          const reseller = ap === undefined ? undefined : await findResellerContext(ctx.store.db, ap);
          const successURL = firstValue(pairs, 'successurl');
          return answer({
            fields: placedOrderFields({ orderNumber: order.id, totalCents: order.total_cents, currency: order.currency }),
            redirect: successURL && redirectAllowed(successURL, reseller) ? successURL : undefined,
          });
        }
      }
      return;
    }
    return answer({ fields: errorFields(fail(Errors.IDEMPOTENCY_KEY_IN_PROGRESS, 'Idempotency-Key')) });
  };

  // The answer is stored before the client reads it, so a retry can never see a different one.
  app.addHook('onSend', (req, reply, payload, done) => {
    const h = held.get(req);
    if (!h) return done(null, payload);
    held.delete(req);
    keepAnswer(reply, payload, h).then(() => done(null, payload), done);
  });

  const keepAnswer = async (reply: FastifyReply, payload: unknown, h: Held): Promise<void> => {
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
    const code = body === undefined ? undefined : errorCodeOfBody(body);
    if (body === undefined || code === undefined || NOT_KEPT.has(code)) {
      await ctx.store.write((tx) => releaseClaim(tx, h.scope, h.key, h.owner));
      return;
    }
    const location = reply.getHeader('location');
    await ctx.store.write((tx) =>
      storeAnswer(tx, h.scope, h.key, h.owner, {
        status: reply.statusCode,
        contentType: String(reply.getHeader('content-type') ?? 'application/x-www-form-urlencoded; charset=utf-8'),
        location: typeof location === 'string' ? location : null,
        body,
      }),
    );
  };

  const timer = setInterval(() => {
    void ctx.store.write((tx) => purgeExpired(tx, isoNow(ctx.clock))).catch(() => {});
  }, PURGE_EVERY_MS);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}

function replay(req: FastifyRequest, reply: FastifyReply, row: KeyRow): FastifyReply {
  req.errorCode = errorCodeOfBody(row.body ?? '');
  reply.code(row.status ?? 200).header('cache-control', 'no-store').header('idempotent-replayed', 'true');
  reply.type(row.content_type ?? 'application/x-www-form-urlencoded; charset=utf-8');
  if (row.location !== null) reply.header('location', row.location);
  return reply.send(row.body ?? '');
}
