// /healthz (the process answers), /readyz (database reachable, schema current) and /metrics
// (Prometheus text, for loopback and PLACEORDER_METRICS_ALLOW only). Every probe answer still
// starts with errorCode.
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { DebitedTotal } from '../funds/debited-total.js';
import { schemaState } from '../db/store.js';
import { Errors } from '../errors.js';
import { clientAddressOf } from '../wire/client-address.js';
import { encodeUrlEncoded } from '../wire/form.js';
import { addressMatcher } from '../wire/transport.js';
import type { Metrics } from './metrics.js';

/** Always allowed to read /metrics: a scraper on the same machine. */
const LOOPBACK: readonly string[] = ['127.0.0.0/8', '::1'];

export function probeRoutes(app: FastifyInstance, ctx: AppContext, metrics: Metrics): void {
  const debited = new DebitedTotal(ctx);
  app.get('/healthz', async (req, reply) => {
    req.errorCode = 0;
    return reply.type('application/x-www-form-urlencoded; charset=utf-8').send(encodeUrlEncoded([['errorCode', 0], ['status', 'up']]));
  });

  app.get('/readyz', async (req, reply) => {
    let problem: string | undefined;
    let note: string | undefined;
    try {
      await sql`select 1`.execute(ctx.store.db);
      const state = await schemaState(ctx.store);
      if (state.applied.length === 0) problem = 'database schema missing';
      else if (state.pending.length > 0) problem = `migrations pending: ${state.pending.join(',')}`;
      // Migrations only add. During a rolling upgrade (`migrate`, then new processes) the old
      // processes keep serving on the newer schema; marking them unready would take the
      // whole fleet out at once (docs/operations.md, "Upgrading a fleet").
      else if (state.unknown.length > 0) note = `schema newer than this build: ${state.unknown.join(',')}`;
    } catch {
      problem = 'database unreachable';
    }
    req.errorCode = problem ? Errors.UNKNOWN_ERROR.code : 0;
    // 503 is the one 5xx placeorder sends: load balancers read readiness from the status.
    return reply
      .code(problem ? 503 : 200)
      .type('application/x-www-form-urlencoded; charset=utf-8')
      .send(
        encodeUrlEncoded(
          problem
            ? [['errorCode', Errors.UNKNOWN_ERROR.code], ['errorMessage', Errors.UNKNOWN_ERROR.template], ['reason', problem]]
            : [['errorCode', 0], ['status', 'ready'], ['note', note]],
        ),
      );
  });

  // The figures are platform-wide (every reseller's debited funds): loopback and the operator's
  // PLACEORDER_METRICS_ALLOW only. Anyone else gets the answer of an unknown path, so the
  // endpoint's existence is not confirmed either (issue 13, finding 10.5).
  const mayScrape = addressMatcher([...LOOPBACK, ...ctx.config.metricsAllow]);
  app.get('/metrics', async (req, reply) => {
    if (!mayScrape(clientAddressOf(req.raw, ctx.config.trustedProxies))) return reply.callNotFound();
    req.errorCode = 0;
    const mem = process.memoryUsage();
    const gauges: Array<{ name: string; help: string; type: 'gauge' | 'counter'; value: number }> = [
      { name: 'placeorder_hash_queue_depth', help: 'Password hashes running plus waiting.', type: 'gauge', value: ctx.hasher.depth },
      { name: 'process_resident_memory_bytes', help: 'Resident memory of this process.', type: 'gauge', value: mem.rss },
      { name: 'nodejs_heap_used_bytes', help: 'V8 heap in use.', type: 'gauge', value: mem.heapUsed },
    ];
    const roundTrips = ctx.store.roundTrips();
    if (roundTrips !== undefined) {
      gauges.push({
        name: 'placeorder_db_round_trips_total',
        help: 'Statements this process sent to PostgreSQL (begin and commit included).',
        type: 'counter',
        value: roundTrips,
      });
    }
    const debitedCents = await debited.cents().catch(() => undefined);
    if (debitedCents !== undefined) {
      gauges.push({
        name: 'placeorder_funds_debited_cents_total',
        help: 'Reseller funds debited by authorizations, all processes (read from the ledger).',
        type: 'counter',
        value: debitedCents,
      });
    }
    // Prometheus's text format has no room for an errorCode line; the pages' header carries it,
    // as every answer carries one (outside attack on issue 18).
    return reply.header('x-placeorder-error-code', '0').type('text/plain; version=0.0.4; charset=utf-8').send(metrics.render(gauges, ctx.passwords.outcomes));
  });
}
