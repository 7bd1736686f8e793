import { listOrders } from '../orders/orders.repository.js';
import { formatCents } from '../money.js';
import { CliError, parseFlags, withStore, type Io } from './common.js';

const USAGE = 'placeorder orders list [--ap BRAND] [--limit N] [--json] [--db PATH_OR_URL]';

export async function ordersCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'list') throw new CliError(`unknown orders command "${sub ?? ''}"\nusage: ${USAGE}`);
  const { values } = parseFlags(
    rest,
    { ap: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' }, db: { type: 'string' } },
    USAGE,
  );
  const limitText = (values.limit as string | undefined) ?? '1000';
  if (!/^[0-9]{1,6}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > 100_000) {
    throw new CliError(`--limit must be a whole number from 1 to 100000, got "${limitText}"`);
  }
  return withStore(values.db as string | undefined, async (store) => {
    const orders = await listOrders(store.db, {
      ...(values.ap !== undefined ? { ap: values.ap as string } : {}),
      limit: Number(limitText),
    });
    if (values.json) {
      io.out(JSON.stringify(orders, null, 2));
      return 0;
    }
    if (orders.length === 0) {
      io.out('no orders');
      return 0;
    }
    for (const o of orders) {
      const items = o.items.map((i) => `${i.ppp}`).join(',');
      io.out(
        [o.orderNumber, o.ap, o.status, o.emailAddress, `PPP ${items}`, `${formatCents(o.totalCents)} ${o.currency}`, o.createdAt].join('\t'),
      );
    }
    return 0;
  });
}
