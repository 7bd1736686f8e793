import { randomBytes } from 'node:crypto';
import { defaultCatalog } from '../catalog/catalog.js';
import { systemClock } from '../clock.js';
import { cancelOrder, markPaid, type OperatorOutcome } from '../orders/lifecycle.service.js';
import { listOrders } from '../orders/order-list.repository.js';
import { formatCents } from '../money.js';
import { resellerIdByAp } from '../resellers/resellers.repository.js';
import { CliError, parseFlags, withStore, type Io } from './common.js';

export async function ordersCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'mark-paid' || sub === 'cancel') return operatorStep(sub, rest, io);
  const { values } = parseFlags(rest, ['orders', 'list']);
  const limitText = (values.limit as string | undefined) ?? '1000';
  if (!/^[0-9]{1,6}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > 100_000) {
    throw new CliError(`--limit must be a whole number from 1 to 100000, got "${limitText}"`);
  }
  const before = values.before as string | undefined;
  if (before !== undefined && !/^[1-9][0-9]{0,15}$/.test(before)) throw new CliError(`--before must be an order number, got "${before}"`);
  return withStore(values.db as string | undefined, async (store) => {
    // The brand is resolved first, so that the list reads one reseller's index (migration 008).
    const resellerId = values.ap === undefined ? undefined : await resellerIdByAp(store.db, values.ap as string);
    if (values.ap !== undefined && resellerId === undefined) throw new CliError(`there is no reseller "${values.ap as string}"`);
    const orders = await listOrders(store.db, {
      ...(resellerId !== undefined ? { resellerId } : {}),
      ...(before !== undefined ? { beforeOrderNumber: Number(before) } : {}),
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

/** `orders mark-paid ORDER` and `orders cancel ORDER`: one lifecycle step, said plainly. */
async function operatorStep(sub: 'mark-paid' | 'cancel', rest: string[], io: Io): Promise<number> {
  const { values, positionals, usage } = parseFlags(rest, ['orders', sub]);
  const text = positionals[0];
  if (positionals.length !== 1 || !/^[1-9][0-9]{0,15}$/.test(text ?? '')) {
    throw new CliError(`expected one order number, got "${positionals.join(' ')}"\nusage: ${usage}`);
  }
  const orderNumber = Number(text);
  return withStore(values.db as string | undefined, async (store, config) => {
    const deps = { store, catalog: defaultCatalog(), clock: systemClock, config };
    const requestId = `cli-${randomBytes(6).toString('hex')}`;
    const outcome: OperatorOutcome = sub === 'mark-paid' ? await markPaid(deps, orderNumber, requestId) : await cancelOrder(deps, orderNumber, requestId);
    switch (outcome.kind) {
      case 'not_found':
        throw new CliError(`there is no order ${orderNumber}`);
      case 'refused':
        throw new CliError(`order ${orderNumber} cannot be ${sub === 'mark-paid' ? 'marked paid' : 'cancelled'}: ${outcome.reason}`);
      case 'unchanged':
        io.out(`order ${orderNumber} is already ${outcome.status}; nothing changed`);
        return 0;
      case 'done':
        io.out(`order ${orderNumber} is now ${outcome.status}`);
        return 0;
    }
  });
}
