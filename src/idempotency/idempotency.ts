// Idempotent retries (beyond the spec, Stripe's semantics): a POST to a /products/ endpoint may
// carry an `Idempotency-Key` header. The endpoint claims the key once it knows who is calling —
// after the API user or the returning customer has proven their password — in a scope of that
// caller alone, so nobody can claim or poison someone else's key (issue 13, finding 8). The
// first complete answer (src/wire/answer.ts) is stored with a fingerprint of the parameters and
// replayed byte for byte to every retry with the same key and parameters. The same key with
// other parameters is -1001; while the first request still runs, -1002. Neither changes
// anything. Nothing here parses a body: the answer is a value. See docs/reliability.md.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Store } from '../db/store.js';
import { Errors, fail } from '../errors.js';
import { answerOf, errorFields, type Answer, type ResponseFormat } from '../wire/answer.js';
import type { RawPair } from '../wire/form.js';
import { deleteExpired, findKey, insertClaim, releaseClaim, storeAnswer, takeOver, type KeyRow } from './idempotency.repository.js';

/** Keys are opaque printable ASCII (a UUID is the intended form), at most 255 characters. */
const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

/** Answers that are not kept: a retry of them must run again. */
const NOT_KEPT = new Set<number>([Errors.UNKNOWN_ERROR.code, Errors.CALL_LIMIT.code]);

/** The header of a POST to a /products/ endpoint: absent, malformed (-4), or a key. */
export type KeyHeader = { readonly kind: 'none' } | { readonly kind: 'malformed' } | { readonly kind: 'key'; readonly key: string };

export function keyHeaderOf(req: Pick<FastifyRequest, 'method' | 'headers'>): KeyHeader {
  const header = req.method === 'POST' ? req.headers['idempotency-key'] : undefined;
  if (header === undefined) return { kind: 'none' };
  if (Array.isArray(header) || !KEY_FORMAT.test(header)) return { kind: 'malformed' };
  return { kind: 'key', key: header };
}

export function fingerprintOf(salt: string, endpoint: string, pairs: readonly RawPair[]): string {
  const h = createHmac('sha256', Buffer.from(salt, 'hex'));
  h.update(endpoint);
  for (const p of pairs) h.update(`\n${p.name.length}:${p.name}=${p.value.length}:${p.value}`);
  return h.digest('hex');
}

/**
 * A scope for a caller nobody authenticates (a guest order): the request itself. Another
 * request under the same key is then simply another request, never -1001 and never a replay
 * of someone else's answer. Guests send no password, so the digest holds no secret.
 */
export function requestScope(prefix: string, endpoint: string, pairs: readonly RawPair[]): string {
  const h = createHash('sha256').update(endpoint);
  for (const p of pairs) h.update(`\n${p.name.length}:${p.name}=${p.value.length}:${p.value}`);
  return `${prefix}:${h.digest('hex')}`;
}

/** `/products/%21PlaceOrder` and `/products/!PlaceOrder` are one endpoint. */
export function endpointOf(url: string): string {
  return url.split('?')[0]!.replace(/%21/gi, '!').replace(/\/+$/, '');
}

/** A request that carries a key, once its caller is known. */
export interface KeyedCall {
  readonly req: Pick<FastifyRequest, 'id' | 'url' | 'log'>;
  readonly key: string;
  /** The authenticated caller: `api:<API user id>`, `r:<reseller>:login:<name>`, or a requestScope. */
  readonly scope: string;
  readonly pairs: readonly RawPair[];
  readonly format: ResponseFormat;
}

/** What runs under a claimed key: the request id to record (a taken-over claim keeps the first). */
export type Compute = (requestId: string) => Promise<Answer>;
/** After a takeover: the answer of what the dead attempt committed (at or after `claimedAt`), if anything. */
export type Recover = (requestId: string, claimedAt: string) => Promise<Answer | undefined>;

export interface Outcome {
  readonly answer: Answer;
  readonly replayed: boolean;
}

/** Expired keys are purged with the other side tables (src/maintenance/). */
export class Idempotency {
  constructor(private readonly deps: { store: Store; clock: Clock; config: Pick<Config, 'hardening'> }) {}

  /** Runs `compute` once per (scope, key): the first answer is stored, retries get it back. */
  async once(call: KeyedCall, compute: Compute, recover?: Recover): Promise<Outcome> {
    const { store, clock, config } = this.deps;
    const endpoint = endpointOf(call.req.url);
    const error = (def: typeof Errors.IDEMPOTENCY_KEY_REUSED): Outcome => ({
      answer: answerOf(errorFields(fail(def, 'Idempotency-Key')), { format: call.format }),
      replayed: false,
    });
    const now = clock.now();
    const at = now.toISOString();
    const salt = randomBytes(16).toString('hex');
    const claim = {
      scope: call.scope,
      key: call.key,
      endpoint,
      salt,
      fingerprint: fingerprintOf(salt, endpoint, call.pairs),
      owner: call.req.id,
      at,
      expiresAt: new Date(now.getTime() + config.hardening.idempotencyTtlSeconds * 1000).toISOString(),
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await store.write((tx) => insertClaim(tx, claim))) return this.runClaimed(call, call.req.id, compute);
      const row = await findKey(store.db, call.scope, call.key);
      if (!row) continue; // released or purged in between: claim again
      if (row.expires_at <= at) {
        await store.write((tx) => deleteExpired(tx, call.scope, call.key, row.owner, at));
        continue;
      }
      if (!sameFingerprint(row, endpoint, call.pairs)) return error(Errors.IDEMPOTENCY_KEY_REUSED);
      if (row.state === 'done') return { answer: storedAnswer(row), replayed: true };
      const leaseEnds = new Date(new Date(row.claimed_at).getTime() + config.hardening.idempotencyLeaseSeconds * 1000).toISOString();
      if (leaseEnds > at) return error(Errors.IDEMPOTENCY_KEY_IN_PROGRESS);
      // The claim outlived its lease: the process that held it died. Take it over, and carry
      // on the same logical request under its first request id (orders store it), so that a
      // later takeover still finds what this attempt commits.
      if (!(await store.write((tx) => takeOver(tx, call.scope, call.key, row.owner, row.claimed_at, at)))) continue;
      call.req.log.warn({ claimOf: row.owner }, 'idempotency claim taken over after its lease ran out');
      const committed = recover && (await recover(row.owner, row.claimed_at));
      if (committed) return { answer: await this.keep(call, row.owner, committed), replayed: false };
      return this.runClaimed(call, row.owner, compute);
    }
    return error(Errors.IDEMPOTENCY_KEY_IN_PROGRESS);
  }

  private async runClaimed(call: KeyedCall, owner: string, compute: Compute): Promise<Outcome> {
    let answer: Answer;
    try {
      answer = await compute(owner);
    } catch (e) {
      // Whatever the caller makes of the error, a retry must run afresh.
      await this.deps.store.write((tx) => releaseClaim(tx, call.scope, call.key, owner));
      throw e;
    }
    return { answer: await this.keep(call, owner, answer), replayed: false };
  }

  /** The answer is stored before the client reads it, so a retry can never see a different one. */
  private async keep(call: KeyedCall, owner: string, answer: Answer): Promise<Answer> {
    if (NOT_KEPT.has(answer.errorCode)) {
      await this.deps.store.write((tx) => releaseClaim(tx, call.scope, call.key, owner));
    } else {
      await this.deps.store.write((tx) => storeAnswer(tx, call.scope, call.key, owner, answer));
    }
    return answer;
  }
}

function sameFingerprint(row: KeyRow, endpoint: string, pairs: readonly RawPair[]): boolean {
  const a = Buffer.from(fingerprintOf(row.salt, endpoint, pairs), 'hex');
  const b = Buffer.from(row.fingerprint, 'hex');
  return row.endpoint === endpoint && a.length === b.length && timingSafeEqual(a, b);
}

function storedAnswer(row: KeyRow): Answer {
  if (row.error_code === null || row.status === null || row.body === null || row.content_type === null) {
    throw new Error('assertion: a done idempotency key holds a whole answer');
  }
  return {
    errorCode: row.error_code,
    status: row.status,
    contentType: row.content_type,
    location: row.location ?? undefined,
    body: row.body,
    ...(row.headers === null ? {} : { headers: JSON.parse(row.headers) as Record<string, string> }),
  };
}
