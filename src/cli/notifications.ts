// `placeorder notifications`: a reseller's email messages and the retry of failed ones (the
// console's notifications page offers the same).
import { messagesOf, retryFailed } from '../notifications/notifications.repository.js';
import { resellerIdByAp } from '../resellers/resellers.repository.js';
import { CliError, parseFlags, requireFlag, withStore, type Io } from './common.js';

export async function notificationsCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values, usage } = parseFlags(rest, ['notifications', sub!]);
  const ap = requireFlag(values.ap as string | undefined, 'ap', usage);
  return withStore(values.db as string | undefined, async (store) => {
    const resellerId = await resellerIdByAp(store.db, ap);
    if (resellerId === undefined) throw new CliError(`there is no reseller "${ap}"`);
    if (sub === 'retry') {
      const ids = ((values.id as string[] | undefined) ?? []).map(Number);
      if (ids.length === 0 || ids.some((id) => !Number.isSafeInteger(id) || id < 1)) throw new CliError('--id must be a message number (see notifications list)');
      const n = await store.write((tx) => retryFailed(tx, resellerId, ids));
      io.out(`${n} of ${ids.length} message${ids.length === 1 ? '' : 's'} will be sent again${n < ids.length ? ' (only failed messages of this reseller are retried)' : ''}`);
      return n === ids.length ? 0 : 1;
    }
    const limit = values.limit === undefined ? 50 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new CliError('--limit must be 1 to 500');
    const rows = await messagesOf(store.db, resellerId, limit);
    if (values.json) {
      io.out(JSON.stringify(rows));
      return 0;
    }
    for (const m of rows) io.out([m.id, m.created_at, m.state, m.kind, m.recipient, m.subject_key, m.attempts, m.sent_at ?? m.last_error ?? ''].join('\t'));
    return 0;
  });
}
