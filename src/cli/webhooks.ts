// `placeorder webhooks`: a reseller's webhook endpoints and its event history (the console
// offers the same through src/webhooks/webhooks.service.ts).
import { systemClock } from '../clock.js';
import { resellerIdByAp } from '../resellers/resellers.repository.js';
import { WebhookInputError, listEndpoints, listEvents, registerEndpoint, removeEndpoint } from '../webhooks/webhooks.service.js';
import { CliError, parseFlags, requireFlag, withStore, type Io } from './common.js';

export async function webhooksCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values, usage } = parseFlags(rest, ['webhooks', sub!]);
  const ap = requireFlag(values.ap as string | undefined, 'ap', usage);
  return withStore(values.db as string | undefined, async (store, config) => {
    const resellerId = await resellerIdByAp(store.db, ap);
    if (resellerId === undefined) throw new CliError(`there is no reseller "${ap}"`);
    try {
      switch (sub) {
        case 'add': {
          const url = requireFlag(values.url as string | undefined, 'url', usage);
          const secret = values.secret as string | undefined;
          const e = await registerEndpoint(store, systemClock, resellerId, url, { secret, allowPrivate: config.webhookAllowPrivate });
          io.out(`webhook endpoint ${e.id} for "${ap}": ${e.url}`);
          // The one time the secret is shown; it is what the reseller verifies signatures with.
          io.out(`signing secret: ${e.secret}`);
          return 0;
        }
        case 'list': {
          for (const e of await listEndpoints(store, resellerId)) io.out(`${e.id}\t${e.active ? 'active' : 'removed'}\t${e.url}\t${e.createdAt}`);
          return 0;
        }
        case 'remove': {
          const id = Number(requireFlag(values.id as string | undefined, 'id', usage));
          if (!Number.isSafeInteger(id) || id < 1) throw new CliError('--id must be an endpoint number (see webhooks list)');
          if (!(await removeEndpoint(store, resellerId, id))) throw new CliError(`"${ap}" has no active endpoint ${id}`);
          io.out(`webhook endpoint ${id} removed; its undelivered events will not be sent`);
          return 0;
        }
        default: {
          const limit = values.limit === undefined ? 50 : Number(values.limit);
          if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new CliError('--limit must be 1 to 200');
          const events = await listEvents(store, resellerId, limit);
          if (values.json) {
            io.out(JSON.stringify(events));
            return 0;
          }
          for (const e of events) {
            io.out(`${e.createdAt}  ${e.eventId}  ${e.type.padEnd(16)} order ${e.orderNumber}`);
            for (const d of e.deliveries) {
              io.out(`    ${d.state.padEnd(9)} ${d.url} (${d.attempts.length} attempt${d.attempts.length === 1 ? '' : 's'}${d.nextAttemptAt ? `, next ${d.nextAttemptAt}` : ''})`);
              for (const a of d.attempts) io.out(`      ${a.at} ${a.httpStatus ?? '---'} ${a.durationMs} ms${a.error ? ` ${a.error}` : ''}`);
            }
          }
          return 0;
        }
      }
    } catch (error) {
      if (error instanceof WebhookInputError) throw new CliError(error.message);
      throw error;
    }
  });
}
