import { defaultCatalog, termLabel } from '../catalog/catalog.js';
import { isoNow, systemClock } from '../clock.js';
import { formatCents } from '../money.js';
import { priceOverrides, setPriceOverride } from '../orders/orders.repository.js';
import { CliError, parseAmount, parseFlags, requireFlag, withStore, type Io } from './common.js';

export async function catalogCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const catalog = defaultCatalog();
  const { values, usage } = parseFlags(rest, ['catalog', sub!]);
  if (sub === 'list') {
    return withStore(values.db as string | undefined, async (store) => {
      const plans = catalog.products.flatMap((p) => p.plans);
      const overrides = await priceOverrides(store.db, plans.map((p) => p.ppp));
      const rows = plans.map((p) => ({
        ppp: p.ppp,
        product: p.product.name,
        term: termLabel(p),
        priceCents: overrides.get(p.ppp) ?? p.listPriceCents,
      }));
      if (values.json) io.out(JSON.stringify(rows, null, 2));
      else for (const r of rows) io.out(`${r.ppp}\t${r.product}\t${r.term}\t${formatCents(r.priceCents)} ${catalog.currency}`);
      return 0;
    });
  }
  if (sub === 'price') {
    const ppp = Number(requireFlag(values.ppp as string | undefined, 'ppp', usage));
    if (!catalog.plan(ppp)) throw new CliError(`--ppp ${String(values.ppp)} is not a pricing code of the catalog`);
    const cents = parseAmount(requireFlag(values.amount as string | undefined, 'amount', usage));
    return withStore(values.db as string | undefined, async (store) => {
      await store.write((tx) => setPriceOverride(tx, ppp, cents, isoNow(systemClock)));
      io.out(`PPP ${ppp} now costs ${formatCents(cents)} ${catalog.currency}`);
      return 0;
    });
  }
  throw new CliError(`unknown catalog command "${sub ?? ''}"`);
}
