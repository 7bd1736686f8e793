import { defaultCatalog, termLabel } from '../catalog/catalog.js';
import { isoNow, systemClock } from '../clock.js';
import { formatCents } from '../money.js';
import { priceOverrides, setPriceOverride } from '../orders/orders.repository.js';
import { CliError, parseAmount, withStore, type Invocation, type Io } from './common.js';

export async function catalogCommand(inv: Invocation, io: Io): Promise<number> {
  const catalog = defaultCatalog();
  if (inv.sub === 'list') {
    return withStore(inv.string('db'), async (store) => {
      const plans = catalog.products.flatMap((p) => p.plans);
      const overrides = await priceOverrides(store.db, plans.map((p) => p.ppp));
      const rows = plans.map((p) => ({
        ppp: p.ppp,
        product: p.product.name,
        term: termLabel(p),
        priceCents: overrides.get(p.ppp) ?? p.listPriceCents,
      }));
      if (inv.bool('json')) io.out(JSON.stringify(rows, null, 2));
      else for (const r of rows) io.out(`${r.ppp}\t${r.product}\t${r.term}\t${formatCents(r.priceCents)} ${catalog.currency}`);
      return 0;
    });
  }
  const ppp = Number(inv.required('ppp'));
  if (!catalog.plan(ppp)) throw new CliError(`--ppp ${inv.string('ppp')} is not a pricing code of the catalog`);
  const cents = parseAmount(inv.required('amount'));
  return withStore(inv.string('db'), async (store) => {
    await store.write((tx) => setPriceOverride(tx, ppp, cents, isoNow(systemClock)));
    io.out(`PPP ${ppp} now costs ${formatCents(cents)} ${catalog.currency}`);
    return 0;
  });
}
