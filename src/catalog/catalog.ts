// The product catalog: the spec's 65 pricing codes (PPP) as data (catalog.json), with the
// rules RESOLUTIONS-derived decisions attach to them (docs/api/place-order.md, "Products").
// List prices are examples; an operator overrides them per PPP (`placeorder catalog price`).
import catalogData from './catalog.json' with { type: 'json' };

export type TermCode = '30d' | '45d' | '90d' | '1y' | '2y' | '3y' | '4y' | '5y';

export interface Plan {
  readonly ppp: number;
  readonly term: TermCode;
  /** Exactly one of days/years is set. */
  readonly days?: number;
  readonly years?: number;
  readonly listPriceCents: number;
  readonly product: Product;
}

export interface Product {
  readonly code: string;
  readonly name: string;
  /** A Sectigo Web Platform tier: at most one per order (-54). */
  readonly mainLicence: boolean;
  /** A Sectigo Web Platform product: one live order per account (-73). */
  readonly swp: boolean;
  /** May be ordered once ever per account (One Time Remediate). */
  readonly oncePerAccount: boolean;
  readonly requiredFields: readonly string[];
  /** Item attributes (`N_<attr>`) this product accepts besides PPP. */
  readonly itemAttributes: readonly string[];
  readonly plans: readonly Plan[];
}

export interface Offer {
  readonly code: string;
  /** False for the SSL-only offers, which are not applicable (-83) to Web products. */
  readonly webProducts: boolean;
  readonly description: string;
  readonly appliesTo?: { readonly swp: boolean; readonly term: TermCode };
}

export interface Catalog {
  readonly currency: string;
  readonly products: readonly Product[];
  readonly offers: readonly Offer[];
  plan(ppp: number): Plan | undefined;
  offer(code: string): Offer | undefined;
  product(code: string): Product | undefined;
}

interface RawPlan { ppp: number; term: string; days?: number; years?: number; listPriceCents: number }
interface RawProduct extends Omit<Product, 'plans'> { plans: RawPlan[] }
interface RawCatalog { currency: string; products: RawProduct[]; offers: Offer[] }

const TERMS: readonly string[] = ['30d', '45d', '90d', '1y', '2y', '3y', '4y', '5y'];

/** Builds a frozen catalog from raw data, refusing anything inconsistent. */
export function buildCatalog(raw: RawCatalog): Catalog {
  const plans = new Map<number, Plan>();
  const products: Product[] = raw.products.map((p) => {
    const product = { ...p, plans: [] as Plan[] };
    for (const rp of p.plans) {
      if (!TERMS.includes(rp.term)) throw new Error(`catalog: PPP ${rp.ppp} has unknown term ${rp.term}`);
      if (!Number.isSafeInteger(rp.listPriceCents) || rp.listPriceCents < 0) {
        throw new Error(`catalog: PPP ${rp.ppp} has an invalid price`);
      }
      if (plans.has(rp.ppp)) throw new Error(`catalog: PPP ${rp.ppp} appears twice`);
      const plan: Plan = Object.freeze({ ...rp, term: rp.term as TermCode, product });
      plans.set(rp.ppp, plan);
      product.plans.push(plan);
    }
    return Object.freeze(product);
  });
  const offers = raw.offers.map((o) => Object.freeze({ ...o }));
  const offerByCode = new Map(offers.map((o) => [o.code, o]));
  const productByCode = new Map(products.map((p) => [p.code, p]));
  return Object.freeze({
    currency: raw.currency,
    products: Object.freeze(products),
    offers: Object.freeze(offers),
    plan: (ppp: number) => plans.get(ppp),
    offer: (code: string) => offerByCode.get(code),
    product: (code: string) => productByCode.get(code),
  });
}

export function defaultCatalog(): Catalog {
  return buildCatalog(catalogData as RawCatalog);
}

/** Human form of a term: "30 days", "1 year", "5 years". */
export function termLabel(plan: Pick<Plan, 'days' | 'years'>): string {
  if (plan.days !== undefined) return `${plan.days} days`;
  return plan.years === 1 ? '1 year' : `${plan.years} years`;
}
