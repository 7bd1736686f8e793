import { randomBytes } from 'node:crypto';
import { defaultCatalog } from '../catalog/catalog.js';
import { systemClock } from '../clock.js';
import { cancelOrder, markPaid, type OperatorOutcome } from '../orders/lifecycle.service.js';
import { listOrders } from '../orders/orders.repository.js';
import { formatCents } from '../money.js';
import { CliError, withStore, type Invocation, type Io } from './common.js';

export async function ordersCommand(inv: Invocation, io: Io): Promise<number> {
  if (inv.sub === 'mark-paid' || inv.sub === 'cancel') return operatorStep(inv.sub, inv, io);
  const limitText = inv.string('limit') ?? '1000';
  if (!/^[0-9]{1,6}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > 100_000) {
    throw new CliError(`--limit must be a whole number from 1 to 100000, got "${limitText}"`);
  }
  const ap = inv.string('ap');
  return withStore(inv.string('db'), async (store) => {
    const orders = await listOrders(store.db, {
      ...(ap !== undefined ? { ap } : {}),
      limit: Number(limitText),
    });
    if (inv.bool('json')) {
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
async function operatorStep(sub: 'mark-paid' | 'cancel', inv: Invocation, io: Io): Promise<number> {
  const { positionals } = inv;
  const text = positionals[0];
  if (positionals.length !== 1 || !/^[1-9][0-9]{0,15}$/.test(text ?? '')) {
    throw new CliError(`expected one order number, got "${positionals.join(' ')}"\nusage: ${inv.usage}`);
  }
  const orderNumber = Number(text);
  return withStore(inv.string('db'), async (store, config) => {
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
